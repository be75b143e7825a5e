import type { Explanation } from '../knowledge/explain-code';
import type { KnowledgeFile } from '../knowledge/types';
import type { ParsedError } from '../parse/types';
import { offerOf } from '../remediation/kinds';
import type { TenantReading } from '../remediation/read-tenant';
import { fixesFor } from '../remediation/route-of';
import { atAGlance } from './at-a-glance';
import type { CertificateSighting } from '../remediation/certificate-sightings';
import { fixNowButtonData } from './card-error';
import type { Fact } from './card-data';
import { readDetail } from './error-detail';
import { incidentLines } from './incident-line';
import type { HealthIssue } from '../signals/signals-source';
import { bulletList, escapeMarkdown, fill, formatUtc, numberedList, truncate } from './text';
import type { UiStrings } from './ui-strings';

export type { Fact } from './card-data';

/**
 * An error card. The first screen decides (what is wrong, what it affects, when it bounces, the actions);
 * everything else waits behind Details (`details`, hidden until the Details button toggles it).
 */
export interface DiagnosisCardData {
  title: string;
  kind: string;
  color: 'attention' | 'warning' | 'good';
  headline: string;
  /** "Microsoft is working on EX123456 since …": Exchange Online incidents not yet resolved. */
  incidents: string[];
  /** A line above the facts: why a press was refused, or what just happened to this card. */
  banner: null | { text: string; style: 'attention' | 'warning' | 'good' };
  glance: Fact[];
  notYours: null | { text: string; tell: string };
  fixNow: null | { title: string; data: Record<string, unknown> };
  /** In a shared chat, for those who may not fix: that an admin can, from this card. */
  adminNote: string;
  /** In a shared chat: Teams asks again for the admins (userIds), who get the card with Fix now. */
  refresh: null | { data: Record<string, unknown>; userIds: string[] };
  /** Probe the destination named in the paste, for connector errors. */
  diagnose: null | { title: string; data: Record<string, unknown> };
  /** The successes of the same paste in one line ("Delivered in the same paste: …"), or ''. */
  delivered: string;
  details: {
    meaning: string;
    note: string;
    /** "From your paste", "From the alert"; '' with no facts (explain). */
    factsTitle: string;
    facts: Fact[];
    /** The remote server's own words, shown as plain text (a TextRun, never Markdown). */
    remoteReply: string;
    causes: string;
    fixes: string;
    partner: string;
    rfcFacts: Fact[];
    /** The paste (or the alert's text) as sent, plain text; '' on explain. */
    pasted: string;
    pastedTitle: string;
    fixNowHint: string;
    docUrl: string;
    ipRangesUrl: string;
  };
  /** Set on alert cards: the alert's own header and its Acknowledge / Mute buttons. */
  alert: null | AlertHeader;
  t: Pick<UiStrings, 'details' | 'whatHappened' | 'causesTitle' | 'fixesTitle' | 'rfcTitle' | 'docLink' | 'ipRanges'> & {
    remoteReply: string;
    allowList: string;
  };
}

export interface AlertHeader {
  /** The alert's own name or summary (escaped, bounded): what the card is titled by. */
  title: string;
  headline: string;
  style: 'attention' | 'good' | 'warning';
  facts: Fact[];
  groupKey: string;
  /** The buttons it offers now: none to Acknowledge or Mute once resolved; Unmute in place of Mute while muted. */
  offers: { ack: boolean; mute: boolean; unmute: boolean };
  ackTitle: string;
  mute1hTitle: string;
  mute24hTitle: string;
  unmuteTitle: string;
  link: string;
  linkTitle: string;
}

/** Where the error came from: it decides how its facts are labelled. */
export type ErrorOrigin = 'paste' | 'alert' | 'explain';

export interface DiagnosisInput {
  error: ParsedError;
  explanation: Explanation;
  /** The connector error behind an expired form, when the paste names it. */
  underlying?: Explanation;
  knowledge: KnowledgeFile;
  ui: UiStrings;
  now: Date;
  origin: ErrorOrigin;
  /** The tenant as read for this card: which connector routes there, and whether Fix now applies. */
  tenant?: TenantReading;
  /** Microsoft's open Exchange Online incidents, for the line under the title. */
  incidents?: readonly HealthIssue[];
  /** A certificate the bot's probe saw on the destination (the connector watch), for the TLS-domain Fix now. */
  certificate?: CertificateSighting;
}

/** Everything one error card shows. Values from the paste are escaped and bounded. */
export function diagnosisCardData({
  error,
  explanation: x,
  underlying,
  knowledge,
  ui,
  now,
  origin,
  tenant,
  incidents,
  certificate,
}: DiagnosisInput): DiagnosisCardData {
  const major = error.enhancedCode[0];
  const returned = !!x.expiredFormOf || isExpiredForm(error.enhancedCode) || major === '5';
  const detail = readDetail(error, knowledge, ui);
  const glance = atAGlance({ error, explanation: x, knowledge, ui, now, tenant, returned, detail: detail.detail ?? detail.remoteReply });

  const facts: Fact[] = [];
  const add = (title: string, value: string | number | undefined, max = 300) => {
    if (value === undefined || value === '') return;
    facts.push({ title, value: escapeMarkdown(truncate(String(value), max)) });
  };
  add(ui['fact.replyCode'], error.replyCode);
  // A reply without an enhanced code gets its class (5.0.0, 4.0.0): the card says so rather than quote it.
  add(
    ui['fact.enhancedCode'],
    error.enhancedCodeInferred
      ? error.replyCode
        ? fill(ui['fact.inferredCode'], { code: error.enhancedCode, reply: error.replyCode })
        : fill(ui['fact.inferredCodeNoReply'], { code: error.enhancedCode })
      : error.enhancedCode,
  );
  add(ui['fact.server'], error.server);
  add(ui['fact.serverPlaceholder'], error.serverPlaceholder);
  add(ui['fact.ip'], error.ip);
  add(ui['fact.port'], error.port);
  add(ui['fact.detail'], detail.detail, 600);
  if (!detail.detail && error.socketError !== undefined) add(ui['fact.socketError'], socketWords(error.socketError, knowledge), 500);
  if (error.quotedCodes.length) add(ui['fact.quotedCodes'], error.quotedCodes.join(', '));
  add(ui['fact.recipient'], error.recipient);
  if (error.occurrences && error.occurrences > 1) add(ui['fact.occurrences'], error.occurrences);
  add(ui['fact.lastRetry'], error.lastRetryIso ? formatUtc(error.lastRetryIso) : error.lastRetryRaw);

  const notes: string[] = [];
  if (x.expiredFormOf || isExpiredForm(error.enhancedCode)) notes.push(ui.expiredNote);
  // Only the underlying code's name: its meaning speaks of mail still queued, which a returned message is not.
  if (underlying) notes.push(`${ui.underlying}: ${underlying.code} ${underlying.name}.`);
  if (!x.known) notes.push(ui.unknownCode);

  const [, subject, detailCode] = error.enhancedCode.split('.');
  const rfcFacts: Fact[] = [];
  if (x.rfc.class) rfcFacts.push({ title: `${ui.rfcClass} ${major}.x.x`, value: escapeMarkdown(x.rfc.class) });
  if (x.rfc.subject) rfcFacts.push({ title: `${ui.rfcSubject} x.${subject}.x`, value: escapeMarkdown(x.rfc.subject) });
  if (x.rfc.detail) rfcFacts.push({ title: `${ui.rfcDetail} x.${subject}.${detailCode}`, value: escapeMarkdown(x.rfc.detail) });

  const causes = detail.entry?.causes ?? (x.causes.length ? x.causes : (underlying?.causes ?? []));
  const fixes = x.fixes.length ? x.fixes : (underlying?.fixes ?? []);
  const destination = { server: error.server, ip: error.ip, recipient: error.recipient, port: error.port };
  // Fix now only where it helps: a connector of this tenant routes there, or the domain is Internal Relay.
  const offered = origin !== 'explain' && tenant && 'view' in tenant && fixesFor(x.remediations, destination, tenant.view, certificate).length > 0;
  return {
    // A code with no name anywhere (5.9.9) is not repeated as its own name.
    title: escapeMarkdown(`${error.replyCode ? error.replyCode + ' ' : ''}${error.enhancedCode}${x.name === error.enhancedCode ? '' : ` ${x.name}`}`),
    kind: x.connector || underlying?.connector ? ui.connectorError : major === '4' ? ui.deferral : major === '5' ? ui.permanent : ui.success,
    color: major === '5' ? 'attention' : major === '4' ? 'warning' : 'good',
    headline: glance.headline,
    incidents: origin === 'explain' ? [] : incidentLines(incidents, ui),
    banner: null,
    glance: glance.facts,
    notYours: glance.notYours,
    fixNow: offered ? { title: ui.fixNow, data: fixNowButtonData({ code: error.enhancedCode, ...destination, port: error.port, error }) } : null,
    diagnose:
      origin !== 'explain' && (x.connector || underlying?.connector) && (error.server || error.ip)
        ? { title: ui.runDiagnostics, data: { host: error.server ?? error.ip, ip: error.server ? (error.ip ?? '') : '', port: error.port ?? 25 } }
        : null,
    adminNote: '',
    refresh: null,
    delivered: '',
    details: {
      meaning: escapeMarkdown(x.meaning),
      note: escapeMarkdown(notes.join(' ')),
      factsTitle: origin === 'explain' ? '' : origin === 'alert' ? ui.factsTitleAlert : ui.factsTitle,
      facts: origin === 'explain' ? [] : facts,
      remoteReply: detail.remoteReply ? truncate(detail.remoteReply, 1000) : '',
      causes: bulletList(causes),
      fixes: numberedList(fixes),
      partner: x.partner && !glance.notYours ? escapeMarkdown(x.partner) : '',
      rfcFacts,
      pasted: origin === 'explain' ? '' : truncate(error.excerpt, 500),
      pastedTitle: origin === 'alert' ? ui.factsTitleAlert : ui.pastedTitle,
      fixNowHint: offered ? escapeMarkdown(fill(ui.fixNowHint, { what: offerOf(x.remediations, ui) })) : '',
      docUrl: x.docUrl,
      ipRangesUrl: x.connector && ['4.4.315', '4.4.316'].includes(x.code.replace(/^5\.4\./, '4.4.')) ? knowledge.ipRangesUrl : '',
    },
    alert: null,
    t: diagnosisLabels(ui),
  };
}

function socketWords(code: number, knowledge: KnowledgeFile): string {
  const s = knowledge.socketErrors[String(code)];
  return s ? `${code} (${s.name}): ${s.meaning}` : String(code);
}

/** The headings of the diagnosis card, in the user's language. */
export function diagnosisLabels(ui: UiStrings): DiagnosisCardData['t'] {
  return {
    details: ui.details,
    whatHappened: ui.whatHappened,
    causesTitle: ui.causesTitle,
    fixesTitle: ui.fixesTitle,
    rfcTitle: ui.rfcTitle,
    docLink: ui.docLink,
    ipRanges: ui.ipRanges,
    allowList: ui['allowlist.button'],
    remoteReply: ui['fact.remoteReply'],
  };
}

/** 5.4.3xx "Message expired, ..." finals and the queue-expired codes. */
export function isExpiredForm(code: string): boolean {
  return /^5\.4\.3\d\d$/.test(code) || code === '4.4.7' || code === '5.4.7';
}

/** Who sees a card in a group chat or channel: the admins' MRIs (for the refresh) and whose copy this is. */
export interface Audience {
  admins: string[];
  viewer: 'admin' | 'everyone';
}

/**
 * A card in a shared conversation: Fix now only in the admins' copies (Teams refreshes the card for the
 * userIds, at most 60, and the bot answers each as that user); everyone else sees who can fix it.
 */
export function forAudience(data: DiagnosisCardData, audience: Audience, ui: UiStrings): DiagnosisCardData {
  if (!data.fixNow) return data;
  const admins = audience.admins.slice(0, 60);
  const refresh = { data: { ...data.fixNow.data, verb: 'refreshCard', admins }, userIds: admins };
  if (audience.viewer === 'admin') return { ...data, refresh };
  return { ...data, fixNow: null, adminNote: escapeMarkdown(ui.adminCanFix), refresh };
}
