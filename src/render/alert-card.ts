import type { AlertGroup } from '../alerts/alert-group';
import { explainCode } from '../knowledge/explain-code';
import { pickLocale, type KnowledgeBase } from '../knowledge/load-knowledge';
import { diagnosisCardData, diagnosisLabels, type AlertHeader, type DiagnosisCardData, type Fact } from './diagnosis-card';
import type { TenantReading } from '../remediation/read-tenant';
import { escapeMarkdown, formatUtc, truncate } from './text';
import type { UiCatalog, UiStrings } from './ui-strings';

const SOURCE_NAMES: Record<AlertGroup['source'], string> = {
  text: 'Webhook (text)',
  json: 'Webhook (JSON)',
  alertmanager: 'Prometheus Alertmanager',
  'azure-monitor': 'Azure Monitor',
  graph: 'Microsoft Graph',
  'graph-security-alert': 'Microsoft Graph (security alert)',
};

/**
 * An alert card is the chat card for the same error (diagnosis, Fix now, Run diagnostics) under the
 * alert's own header: status, occurrences, first and last seen, acknowledgement and mute, with buttons.
 */
export function alertCardData(group: AlertGroup, knowledge: KnowledgeBase, catalog: UiCatalog, now: Date, tenant?: TenantReading): DiagnosisCardData {
  const locale = pickLocale(group.locale);
  const ui = catalog[locale];
  const base = group.parsed
    ? diagnosisCardData({
        error: group.parsed,
        explanation: explainCode(knowledge, locale, group.parsed.enhancedCode),
        knowledge: knowledge[locale],
        ui,
        now,
        origin: 'alert',
        tenant,
      })
    : plainAlert(group, ui);
  // A press on Fix now names its alert, so that Cancel or a refusal shows this alert card again.
  const fixNow = base.fixNow && { ...base.fixNow, data: { ...base.fixNow.data, groupKey: group.key } };
  return { ...base, fixNow, alert: header(group, ui) };
}

function header(group: AlertGroup, ui: UiStrings): AlertHeader {
  const facts: Fact[] = [
    { title: ui['alert.source'], value: escapeMarkdown(SOURCE_NAMES[group.source]) },
    { title: ui['alert.occurrences'], value: String(group.count) },
    { title: ui['alert.firstSeen'], value: formatUtc(group.firstSeen) },
    { title: ui['alert.lastSeen'], value: formatUtc(group.lastSeen) },
  ];
  if (group.severity) facts.push({ title: ui['alert.severity'], value: escapeMarkdown(truncate(group.severity, 40)) });
  if (group.ack) facts.push({ title: ui['alert.ack'], value: escapeMarkdown(`${group.ack.by.name || group.ack.by.aadObjectId}, ${formatUtc(group.ack.at)}`) });
  if (group.muted)
    facts.push({ title: ui['alert.muted'], value: escapeMarkdown(`${formatUtc(group.muted.until)} (${group.muted.by.name || group.muted.by.aadObjectId})`) });
  const resolved = group.status === 'resolved';
  return {
    headline: `${resolved ? '✅' : '🔔'} ${resolved ? ui.alertResolved : ui.alertFiring}: ${escapeMarkdown(truncate(group.title, 150))}`,
    style: resolved ? 'good' : group.ack ? 'warning' : 'attention',
    facts,
    groupKey: group.key,
    acked: !!group.ack,
    ackTitle: ui.alertAck,
    mute1hTitle: ui.alertMute1h,
    mute24hTitle: ui.alertMute24h,
    link: group.link && /^https?:\/\//i.test(group.link) ? group.link : '',
    linkTitle: ui.alertOpen,
  };
}

/** An alert with no delivery error code: its text, as sent, and nothing invented. */
function plainAlert(group: AlertGroup, ui: UiStrings): DiagnosisCardData {
  return {
    title: escapeMarkdown(truncate(group.title, 150)),
    kind: SOURCE_NAMES[group.source],
    color: 'warning',
    headline: escapeMarkdown(ui.alertNoCode),
    banner: null,
    glance: [],
    notYours: null,
    fixNow: null,
    diagnose: null,
    delivered: '',
    details: {
      meaning: '',
      note: '',
      factsTitle: '',
      facts: [],
      remoteReply: '',
      causes: '',
      fixes: '',
      partner: '',
      rfcFacts: [],
      pasted: truncate(group.text, 1500),
      pastedTitle: ui.factsTitleAlert,
      fixNowHint: '',
      docUrl: '',
      ipRangesUrl: '',
    },
    alert: null,
    t: diagnosisLabels(ui),
  };
}
