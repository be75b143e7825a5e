import type { ProbeReport, ProbeStep, StepName } from '../diagnostics/types';
import { STEP_NAMES } from '../diagnostics/types';
import { explainCode } from '../knowledge/explain-code';
import type { KnowledgeBase, Locale } from '../knowledge/load-knowledge';
import { bulletList, escapeMarkdown, fill, formatUtc, numberedList, truncate } from './text';
import type { UiKey, UiStrings } from './ui-strings';

const ICON: Record<ProbeStep['status'] | 'pending', string> = { ok: '✅', fail: '❌', warn: '⚠️', skipped: '⏭️', pending: '⏳' };
const COLOR: Record<ProbeStep['status'] | 'pending', string> = { ok: 'good', fail: 'attention', warn: 'warning', skipped: 'default', pending: 'default' };

export interface DiagnosticsView {
  target: string;
  /** Steps finished so far; the report once the probe is done. */
  steps: ProbeStep[];
  report?: ProbeReport;
  /** A notice instead of a probe (limited, bad target). */
  notice?: string;
}

/** The live diagnostics card: one row per check (waiting rows until they run), then the verdict. */
export function diagnosticsCardData(view: DiagnosticsView, locale: Locale, knowledge: KnowledgeBase, ui: UiStrings) {
  const report = view.report;
  const byName = new Map<StepName, ProbeStep>((report?.steps ?? view.steps).map((s) => [s.name, s]));
  const showSteps = !view.notice && !report?.refused;
  const steps = showSteps
    ? STEP_NAMES.map((name) => {
        const step = byName.get(name);
        const status = step?.status ?? (report ? 'skipped' : 'pending');
        return {
          icon: ICON[status],
          label: ui[`diagStep.${name}` as UiKey],
          state: ui[`diagStatus.${status}` as UiKey],
          color: COLOR[status],
          detail: step ? truncate(step.detail || step.outcome, 300) : '',
        };
      })
    : [];

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
    const key =
      report.refused.reason === 'private-address'
        ? 'diagRefusedPrivate'
        : report.refused.reason === 'port-not-allowed'
          ? 'diagRefusedPort'
          : 'diagRefusedTarget';
    verdict = fill(ui[key], { detail: report.refused.detail });
    verdictStyle = 'warning';
  } else if (report?.eopCode) {
    const x = explainCode(knowledge, locale, report.eopCode);
    verdict = fill(ui.diagVerdictCode, { code: `450 ${report.eopCode}`, name: x.name });
    verdictStyle = 'attention';
    const failing = report.steps.find((s) => s.status === 'fail');
    const outcomeKey = `diagOutcome.${failing?.outcome}` as UiKey;
    explanation = [ui[outcomeKey] ?? '', x.meaning].filter(Boolean).join(' ');
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
  return {
    title: escapeMarkdown(fill(ui.diagTitle, { target: view.target })),
    status: report || view.notice ? '' : ui.diagRunning,
    steps,
    verdict: escapeMarkdown(verdict),
    verdictStyle,
    explanation: escapeMarkdown(explanation),
    certificate: escapeMarkdown(certificate),
    causes,
    fixes,
    fromHere: escapeMarkdown(ui.diagFromHere),
    rangesUrl: knowledge[locale].ipRangesUrl,
    t: { causesTitle: ui.causesTitle, fixesTitle: ui.fixesTitle, ranges: ui.diagRanges },
  };
}
