import type { Explanation } from '../knowledge/explain-code';
import type { KnowledgeFile } from '../knowledge/types';
import type { ParsedError } from '../parse/types';
import { offerOf } from '../remediation/kinds';
import type { Fact } from './card-data';
import { bulletList, escapeMarkdown, fill, formatUtc, numberedList, truncate } from './text';
import type { UiStrings } from './ui-strings';

const DAY_MS = 24 * 60 * 60 * 1000;

export type { Fact } from './card-data';

export interface DiagnosisCardData {
  title: string;
  kind: string;
  color: 'attention' | 'warning' | 'good';
  meaning: string;
  note: string;
  facts: Fact[];
  /** The remote server's own words, shown as plain text (a TextRun, never Markdown). */
  remoteReply: string;
  retry: string;
  causes: string;
  fixes: string;
  partner: string;
  rfcFacts: Fact[];
  pasted: string;
  docUrl: string;
  ipRangesUrl: string;
  fixNow: null | { title: string; hint: string; data: Record<string, unknown> };
  /** Probe the destination named in the paste, for connector errors. */
  diagnose: null | { title: string; data: Record<string, unknown> };
  /** The successes of the same paste in one line ("Delivered in the same paste: …"), or ''. */
  delivered: string;
  /** Set on alert cards: the alert's own header and its Acknowledge / Mute buttons. */
  alert: null | AlertHeader;
  t: Pick<UiStrings, 'whatHappened' | 'factsTitle' | 'causesTitle' | 'fixesTitle' | 'rfcTitle' | 'pastedTitle' | 'docLink' | 'ipRanges' | 'retryTitle'> & {
    remoteReply: string;
  };
}

export interface AlertHeader {
  headline: string;
  style: 'attention' | 'good' | 'warning';
  facts: Fact[];
  groupKey: string;
  acked: boolean;
  ackTitle: string;
  mute1hTitle: string;
  mute24hTitle: string;
  link: string;
  linkTitle: string;
}

export interface DiagnosisInput {
  error: ParsedError;
  explanation: Explanation;
  /** The connector error behind an expired form, when the paste names it. */
  underlying?: Explanation;
  knowledge: KnowledgeFile;
  ui: UiStrings;
  now: Date;
}

/** Everything one error card shows. Values from the paste are escaped and bounded. */
export function diagnosisCardData({ error, explanation: x, underlying, knowledge, ui, now }: DiagnosisInput): DiagnosisCardData {
  const major = error.enhancedCode[0];
  const facts: Fact[] = [];
  const add = (title: string, value: string | number | undefined, max = 300) => {
    if (value === undefined || value === '') return;
    facts.push({ title, value: escapeMarkdown(truncate(String(value), max)) });
  };
  add(ui['fact.replyCode'], error.replyCode);
  // A reply without an enhanced code gets its class (5.0.0, 4.0.0): the card says so rather than quote it.
  add(
    ui['fact.enhancedCode'],
    error.enhancedCodeInferred ? fill(ui['fact.inferredCode'], { code: error.enhancedCode, reply: error.replyCode ?? '?' }) : error.enhancedCode,
  );
  add(ui['fact.server'], error.server);
  add(ui['fact.ip'], error.ip);
  add(ui['fact.port'], error.port);
  if (error.socketError !== undefined) {
    const s = knowledge.socketErrors[String(error.socketError)];
    if (s) add(ui['fact.socketError'], `${error.socketError} (${s.name}): ${s.meaning}`, 500);
    else add(ui['fact.socketError'], String(error.socketError), 500);
  }
  if (error.quotedCodes.length) add(ui['fact.quotedCodes'], error.quotedCodes.join(', '));
  add(ui['fact.recipient'], error.recipient);
  if (error.occurrences && error.occurrences > 1) add(ui['fact.occurrences'], error.occurrences);
  add(ui['fact.lastRetry'], error.lastRetryIso ? formatUtc(error.lastRetryIso) : error.lastRetryRaw);

  const expired = !!x.expiredFormOf || isExpiredForm(error.enhancedCode);
  let retry = '';
  if (x.retried && !expired) {
    if (error.lastRetryIso) {
      const bounceBy = new Date(new Date(error.lastRetryIso).getTime() + DAY_MS);
      const leftMs = bounceBy.getTime() - now.getTime();
      const left =
        leftMs > 0 ? fill(ui.retryLeft, { hours: Math.floor(leftMs / 3_600_000), minutes: Math.floor((leftMs % 3_600_000) / 60_000) }) : ui.retryEnded;
      retry = fill(ui.retryEnds, { time: formatUtc(bounceBy.toISOString()), left });
      add(ui['fact.expires'], `${formatUtc(bounceBy.toISOString())} (${left})`);
    } else {
      retry = ui.retryUnknown;
    }
  }

  const notes: string[] = [];
  if (expired) notes.push(ui.expiredNote);
  if (underlying) notes.push(`${ui.underlying}: ${underlying.code} ${underlying.name}. ${underlying.meaning}`);
  if (!x.known) notes.push(ui.unknownCode);

  const texts = knowledgeTexts(x, underlying);
  const rfcFacts: Fact[] = [];
  if (x.rfc.class) rfcFacts.push({ title: `${ui.rfcClass} ${major}.x.x`, value: escapeMarkdown(x.rfc.class) });
  const [, subject, detail] = error.enhancedCode.split('.');
  if (x.rfc.subject) rfcFacts.push({ title: `${ui.rfcSubject} x.${subject}.x`, value: escapeMarkdown(x.rfc.subject) });
  if (x.rfc.detail) rfcFacts.push({ title: `${ui.rfcDetail} x.${subject}.${detail}`, value: escapeMarkdown(x.rfc.detail) });

  // The Fix now kinds the knowledge file lists for this code.
  const remediations = x.remediations;
  return {
    title: escapeMarkdown(`${error.replyCode ? error.replyCode + ' ' : ''}${error.enhancedCode} ${x.name}`),
    kind: x.connector || underlying?.connector ? ui.connectorError : major === '4' ? ui.deferral : major === '5' ? ui.permanent : ui.success,
    color: major === '5' ? 'attention' : major === '4' ? 'warning' : 'good',
    meaning: texts.meaning,
    note: escapeMarkdown(notes.join(' ')),
    facts,
    remoteReply: error.remoteReply ? truncate(error.remoteReply, 1000) : '',
    retry: escapeMarkdown(retry),
    causes: texts.causes,
    fixes: texts.fixes,
    partner: texts.partner,
    rfcFacts,
    pasted: truncate(error.excerpt, 500),
    docUrl: x.docUrl,
    ipRangesUrl: x.connector && ['4.4.315', '4.4.316'].includes(x.code.replace(/^5\.4\./, '4.4.')) ? knowledge.ipRangesUrl : '',
    fixNow: remediations.length
      ? {
          title: ui.fixNow,
          hint: escapeMarkdown(fill(ui.fixNowHint, { what: offerOf(remediations, ui) })),
          data: {
            verb: 'fixNow',
            code: error.enhancedCode,
            server: error.server ?? '',
            ip: error.ip ?? '',
            port: error.port ?? 25,
            recipient: error.recipient ?? '',
          },
        }
      : null,
    delivered: '',
    alert: null,
    diagnose:
      (x.connector || underlying?.connector) && (error.server || error.ip)
        ? { title: ui.runDiagnostics, data: { host: error.server ?? error.ip, port: error.port ?? 25 } }
        : null,
    t: diagnosisLabels(ui),
  };
}

/** The knowledge base's texts for a code, escaped for the card; an expired form borrows what it lacks. */
function knowledgeTexts(x: Explanation, underlying: Explanation | undefined): Pick<DiagnosisCardData, 'meaning' | 'causes' | 'fixes' | 'partner'> {
  return {
    meaning: escapeMarkdown(x.meaning),
    causes: bulletList([...x.causes, ...(underlying && !x.causes.length ? underlying.causes : [])]),
    fixes: numberedList([...x.fixes, ...(underlying && !x.fixes.length ? underlying.fixes : [])]),
    partner: x.partner ? escapeMarkdown(x.partner) : '',
  };
}

/** The headings of the diagnosis card, in the user's language. */
export function diagnosisLabels(ui: UiStrings): DiagnosisCardData['t'] {
  return {
    whatHappened: ui.whatHappened,
    factsTitle: ui.factsTitle,
    causesTitle: ui.causesTitle,
    fixesTitle: ui.fixesTitle,
    rfcTitle: ui.rfcTitle,
    pastedTitle: ui.pastedTitle,
    docLink: ui.docLink,
    ipRanges: ui.ipRanges,
    retryTitle: ui.retryTitle,
    remoteReply: ui['fact.remoteReply'],
  };
}

/** 5.4.3xx "Message expired, ..." finals and the queue-expired codes. */
export function isExpiredForm(code: string): boolean {
  return /^5\.4\.3\d\d$/.test(code) || code === '4.4.7' || code === '5.4.7';
}
