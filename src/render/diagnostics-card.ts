import type { ProbeReport, ProbeStep, StepName } from '../diagnostics/types';
import { STEP_NAMES } from '../diagnostics/types';
import { explainCode } from '../knowledge/explain-code';
import type { KnowledgeBase, Locale } from '../knowledge/load-knowledge';
import { bulletList, escapeMarkdown, fill, formatUtc, numberedList, truncate } from './text';
import type { UiKey, UiStrings } from './ui-strings';

const ICON: Record<ProbeStep['status'] | 'pending', string> = { ok: '✅', fail: '❌', warn: '⚠️', skipped: '⏭️', pending: '⏳' };
const COLOR: Record<ProbeStep['status'] | 'pending', string> = { ok: 'good', fail: 'attention', warn: 'warning', skipped: 'default', pending: 'default' };
/** Steps whose error codes come from DNS, where ECONNREFUSED means the DNS server, not the mail server, refused. */
const DNS_STEPS: readonly StepName[] = ['dns', 'ptr'];
/** Steps after the connection: the raw error text adds when it happened ("after EHLO") or OpenSSL's reason. */
const SESSION_STEPS: readonly StepName[] = ['banner', 'ehlo', 'starttls', 'tls'];

/** One probe as the card shows it: live while it runs, its report once done. */
export interface ProbeProgress {
  /** Steps finished so far; the report's once the probe is done. */
  steps: ProbeStep[];
  report?: ProbeReport;
  /** A notice instead of a probe (limited, bad target). */
  notice?: string;
}

export interface DiagnosticsView extends ProbeProgress {
  target: string;
  /** The port probed, for the words about a refused or timed-out connection (default: the report's, else 25). */
  port?: number;
  /** The IP address a paste named besides the server name, probed after it on the same port. */
  pasteIp?: ProbeProgress & { ip: string; sameAsName?: boolean };
  /** What Run again sends (the runDiagnostics data); given only for the finished card. */
  rerun?: { host: string; port: number; ip: string };
  /** A Fix now the finished probe makes possible: the connector's TLS domain to the certificate's name. */
  fix?: DiagnosticsFix;
}

export interface DiagnosticsFix {
  connector: string;
  from: string | null;
  to: string;
  /** The fixNow button's data (card-error.ts fixNowButtonData). */
  data: Record<string, unknown>;
}

/** The live diagnostics card: a row per check with its time, one line for the checks that did not run, then the verdict. */
export function diagnosticsCardData(view: DiagnosticsView, locale: Locale, knowledge: KnowledgeBase, ui: UiStrings) {
  const report = view.report;
  const port = view.port ?? report?.target.port ?? 25;
  const pasteIp = view.pasteIp;
  const showSteps = !view.notice && !report?.refused;
  const probes = [{ heading: pasteIp ? escapeMarkdown(view.target) : '', ...(showSteps ? stepRows(view, ui, port) : { steps: [], note: '' }) }];
  if (pasteIp && !pasteIp.sameAsName) probes.push({ heading: escapeMarkdown(fill(ui.diagPasteIp, { ip: pasteIp.ip })), ...pasteIpRows(pasteIp, ui, port) });

  let verdict = '';
  let verdictStyle = 'default';
  let explanation = '';
  let causes = '';
  let fixes = '';
  let certificate = '';
  if (view.notice) {
    verdict = view.notice;
    verdictStyle = 'warning';
  } else if (report?.refused) {
    verdict = refusedText(report, ui);
    verdictStyle = 'warning';
  } else if (report?.botDnsBroken) {
    verdict = fill(ui.diagBotDnsBroken, { checkName: report.botDnsBroken.checkName, target: report.target.host });
    verdictStyle = 'warning';
  } else if (report?.eopCode) {
    const x = explainCode(knowledge, locale, report.eopCode);
    verdict = fill(ui.diagVerdictCode, { code: `450 ${report.eopCode}`, name: x.name });
    verdictStyle = 'attention';
    const failing = report.steps.find((s) => s.status === 'fail');
    explanation = [lookup(ui, `diagOutcome.${failing?.outcome}`) ?? '', x.meaning].filter(Boolean).join(' ');
    causes = bulletList(x.causes);
    fixes = numberedList([...x.fixes, knowledge[locale].partner]);
  } else if (report) {
    verdict = report.certificate?.trusted && report.certificate.nameMatches ? ui.diagHealthy : ui.diagHealthyNoTls;
    verdictStyle = 'good';
    const masked = report.steps.find((s) => s.outcome === 'FIREWALL_MASKED_BANNER');
    if (masked) explanation = ui['diagOutcome.FIREWALL_MASKED_BANNER'];
  }
  if (report?.certificate) {
    const c = report.certificate;
    certificate = fill(ui.diagCertificate, { subject: c.subject, issuer: c.issuer, validTo: formatUtc(c.validTo), days: c.daysLeft });
  }
  const pasteIpDone = !pasteIp || pasteIp.sameAsName || Boolean(pasteIp.report || pasteIp.notice);
  return {
    title: escapeMarkdown(fill(ui.diagTitle, { target: view.target })),
    status: (report || view.notice) && pasteIpDone ? '' : ui.diagRunning,
    probes,
    comparison: escapeMarkdown(report && pasteIpDone ? comparisonText(report, pasteIp, ui) : ''),
    verdict: escapeMarkdown(verdict),
    verdictStyle,
    explanation: escapeMarkdown(explanation),
    certificate: escapeMarkdown(certificate),
    causes,
    fixes,
    fromHere: escapeMarkdown(ui.diagFromHere),
    rangesUrl: knowledge[locale].ipRangesUrl,
    rerun: view.rerun && report && !report.refused ? { title: ui.diagRunAgain, data: { ...view.rerun } } : null,
    fix: view.fix
      ? {
          title: ui.fixNow,
          data: view.fix.data,
          text: escapeMarkdown(
            fill(ui[view.fix.from ? 'diagTlsFix' : 'diagTlsFixNone'], { connector: view.fix.connector, from: view.fix.from ?? '', to: view.fix.to }),
          ),
        }
      : null,
    t: { causesTitle: ui.causesTitle, fixesTitle: ui.fixesTitle, ranges: ui.diagRanges },
  };
}

/**
 * A row per check that ran or is still to run, with the time it took. Once the probe is done, the checks
 * that did not run share one line saying why, instead of a row each.
 */
export function stepRows(progress: ProbeProgress, ui: UiStrings, port: number) {
  const { report } = progress;
  const byName = new Map<StepName, ProbeStep>((report?.steps ?? progress.steps).map((s) => [s.name, s]));
  const notRun: string[] = [];
  const steps = STEP_NAMES.flatMap((name) => {
    const step = byName.get(name);
    const status = step?.status ?? (report ? 'skipped' : 'pending');
    const label = ui[`diagStep.${name}`];
    if (status === 'skipped') {
      notRun.push(label);
      return [];
    }
    return [
      {
        icon: ICON[status],
        label,
        state: ui[`diagStatus.${status}`],
        color: COLOR[status],
        ms: step ? fill(ui.diagMs, { ms: step.ms }) : '',
        detail: step ? truncate(stepWords(step, ui, port), 300) : '',
      },
    ];
  });
  const note = notRun.length && report ? fill(ui.diagNotRun, { steps: notRun.join(', '), why: whyNotRun(report, ui) }) : '';
  return { steps, note: escapeMarkdown(note) };
}

function pasteIpRows(progress: ProbeProgress, ui: UiStrings, port: number) {
  if (progress.notice) return { steps: [], note: escapeMarkdown(progress.notice) };
  if (progress.report?.refused) return { steps: [], note: escapeMarkdown(refusedText(progress.report, ui)) };
  return stepRows(progress, ui, port);
}

/**
 * What a step found, in words: a Node error code (ECONNREFUSED, ENOTFOUND, ...) is never shown alone but
 * after what it means, from the diagErrno.* table of the user's language.
 */
export function stepWords(step: ProbeStep, ui: UiStrings, port: number): string {
  const peer = step.peer ?? '';
  if (step.outcome === 'BOT_DNS_BROKEN') return fill(ui.diagBotDnsStep, { peer });
  if (step.outcome === 'NO_PTR' && !step.errno) return fill(ui.diagNoPtr, { peer });
  if (!step.errno) return step.detail || step.outcome;
  const code = step.errno;
  const keys = [`diagErrno.${step.name}.${code}`, ...(DNS_STEPS.includes(step.name) ? [`diagErrno.dns.${code}`] : []), `diagErrno.${code}`];
  const words = keys.map((key) => lookup(ui, key)).find((text) => text !== undefined);
  if (words === undefined) return `${fill(ui['diagErrno.unknown'], { code })}: ${step.detail}`;
  const said = fill(words, { peer, port, code });
  return SESSION_STEPS.includes(step.name) && step.detail ? `${said} — ${step.detail}` : said;
}

function whyNotRun(report: ProbeReport, ui: UiStrings): string {
  const failing = report.steps.find((s) => s.status === 'fail');
  if (failing?.outcome === 'ABORTED') return ui['diagNotRunWhy.aborted'];
  return (failing && lookup(ui, `diagNotRunWhy.${failing.name}`)) ?? ui['diagNotRunWhy.other'];
}

function refusedText(report: ProbeReport, ui: UiStrings): string {
  const refused = report.refused!;
  const key = refused.reason === 'private-address' ? 'diagRefusedPrivate' : refused.reason === 'port-not-allowed' ? 'diagRefusedPort' : 'diagRefusedTarget';
  return fill(ui[key], { detail: refused.detail });
}

/** "mail.contoso.com (resolves to 203.0.113.9) refused; 203.0.113.5, the address in your paste, answered." */
function comparisonText(report: ProbeReport, pasteIp: DiagnosticsView['pasteIp'], ui: UiStrings): string {
  if (!pasteIp) return '';
  const name = report.target.host;
  if (pasteIp.sameAsName) return fill(ui.diagSameAddress, { name, ip: pasteIp.ip });
  const named = report.addresses.length ? fill(ui.diagResolvesTo, { name, addresses: report.addresses.join(', ') }) : fill(ui.diagNoAddress, { name });
  return fill(ui.diagCompare, { name: named, nameResult: answerOf(report, ui), ip: pasteIp.ip, ipResult: answerOf(pasteIp.report, ui) });
}

/** How a probe went, as far as "did anything answer" goes. */
function answerOf(report: ProbeReport | undefined, ui: UiStrings): string {
  if (!report || report.refused) return ui['diagAnswer.notProbed'];
  const step = (name: StepName) => report.steps.find((s) => s.name === name);
  if (step('dns')?.status === 'fail') return ui['diagAnswer.noDns'];
  const tcp = step('tcp');
  if (!tcp || tcp.status === 'skipped') return ui['diagAnswer.notProbed'];
  if (tcp.status !== 'fail') return ui['diagAnswer.answered'];
  if (tcp.outcome === 'REFUSED') return ui['diagAnswer.refused'];
  if (tcp.outcome === 'TIMEOUT') return ui['diagAnswer.timedOut'];
  return ui['diagAnswer.unreachable'];
}

/** A UI string whose key is built at run time; undefined when the table has no such entry. */
function lookup(ui: UiStrings, key: string): string | undefined {
  return Object.hasOwn(ui, key) ? ui[key as UiKey] : undefined;
}
