import type { AlertGroup } from '../alerts/alert-group';
import { explainCode } from '../knowledge/explain-code';
import { pickLocale, type KnowledgeBase } from '../knowledge/load-knowledge';
import { diagnosisCardData, diagnosisLabels, type AlertHeader, type DiagnosisCardData, type Fact } from './diagnosis-card';
import type { CertificateSighting } from '../remediation/certificate-sightings';
import type { TenantReading } from '../remediation/read-tenant';
import { escapeMarkdown, truncate } from './text';
import { incidentLines } from './incident-line';
import type { HealthIssue } from '../signals/signals-source';
import type { UiCatalog, UiStrings } from './ui-strings';

const SOURCE_NAMES: Record<AlertGroup['source'], string> = {
  text: 'Webhook (text)',
  json: 'Webhook (JSON)',
  alertmanager: 'Prometheus Alertmanager',
  'azure-monitor': 'Azure Monitor',
  graph: 'Microsoft Graph',
  'graph-security-alert': 'Microsoft Graph (security alert)',
  'teams-workflow': 'Teams Workflows webhook',
  'message-card': 'Office 365 connector card (MessageCard)',
  'queue-watch': 'Message trace (Mail Flow Doctor watch)',
  'microsoft-incident': 'Microsoft 365 service health',
  'connector-watch': 'Connector watch (Mail Flow Doctor)',
  'microsoft-alert': 'Microsoft 365 alert policy',
  'm365-endpoints': 'Microsoft 365 IP address and URL web service',
};

/**
 * An alert card is the chat card for the same error (diagnosis, Fix now, Run diagnostics) under the
 * alert's own header: its name, status, occurrences, the counts and times its sender gave, first and last
 * seen, acknowledgement and mute, with the buttons that still apply.
 */
export function alertCardData(
  group: AlertGroup,
  knowledge: KnowledgeBase,
  catalog: UiCatalog,
  now: Date,
  tenant?: TenantReading,
  incidents?: readonly HealthIssue[],
  certificate?: CertificateSighting,
): DiagnosisCardData {
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
        incidents,
        certificate,
      })
    : { ...plainAlert(group, ui), incidents: incidentLines(incidents, ui) };
  // A press on Fix now names its alert, so that Cancel or a refusal shows this alert card again.
  const fixNow = base.fixNow && { ...base.fixNow, data: { ...base.fixNow.data, groupKey: group.key } };
  return { ...base, fixNow, alert: header(group, ui, now) };
}

function header(group: AlertGroup, ui: UiStrings, now: Date): AlertHeader {
  const resolved = group.status === 'resolved';
  // A mute that has run out is history: the card offers Mute again rather than Unmute.
  const muted = group.muted && Date.parse(group.muted.until) > now.getTime() ? group.muted : undefined;
  const facts: Fact[] = [
    { title: ui['alert.source'], value: escapeMarkdown(SOURCE_NAMES[group.source]) },
    { title: ui['alert.occurrences'], value: String(group.count) },
  ];
  // Groups stored before counts and sender times were kept have none of these: their facts are left out.
  const counts = group.counts ?? {};
  if (counts.queuedMessages !== undefined) facts.push({ title: ui['alert.queuedMessages'], value: String(counts.queuedMessages) });
  if (counts.messageCount !== undefined) facts.push({ title: ui['alert.messageCount'], value: String(counts.messageCount) });
  if (counts.reportedCount !== undefined) facts.push({ title: ui['alert.reportedCount'], value: String(counts.reportedCount) });
  if (group.startedAt) facts.push({ title: ui['alert.started'], value: alertTime(group.startedAt, ui) });
  // A resolution that gave no time of its own resolved when it arrived, which is the group's last sighting.
  if (resolved) facts.push({ title: ui['alert.resolved'], value: alertTime(group.endedAt ?? group.lastSeen, ui) });
  facts.push({ title: ui['alert.firstSeen'], value: alertTime(group.firstSeen, ui) }, { title: ui['alert.lastSeen'], value: alertTime(group.lastSeen, ui) });
  if (group.severity) facts.push({ title: ui['alert.severity'], value: escapeMarkdown(truncate(group.severity, 40)) });
  if (group.ack) facts.push({ title: ui['alert.ack'], value: `${escapeMarkdown(actorName(group.ack.by))}, ${alertTime(group.ack.at, ui)}` });
  if (muted) facts.push({ title: ui['alert.muted'], value: `${alertTime(muted.until, ui)} (${escapeMarkdown(actorName(muted.by))})` });
  const title = alertTitle(group);
  return {
    title,
    headline: `${resolved ? '✅' : '🔔'} ${resolved ? ui.alertResolved : ui.alertFiring}: ${title}`,
    style: resolved ? 'good' : group.ack ? 'warning' : 'attention',
    facts,
    groupKey: group.key,
    // Nothing is left to acknowledge or silence once the sender says it is over; a running mute can still be lifted.
    offers: { ack: !resolved && !group.ack, mute: !resolved && !muted, unmute: !!muted },
    ackTitle: ui.alertAck,
    mute1hTitle: ui.alertMute1h,
    mute24hTitle: ui.alertMute24h,
    unmuteTitle: ui.alertUnmute,
    link: group.link && /^https?:\/\//i.test(group.link) ? group.link : '',
    linkTitle: ui.alertOpen,
  };
}

/** The alert's own name as the sender gave it: a value from outside, so escaped and bounded. */
function alertTitle(group: AlertGroup): string {
  return escapeMarkdown(truncate(group.title, 150));
}

function actorName(actor: { name?: string; aadObjectId?: string }): string {
  return truncate(actor.name || actor.aadObjectId || '?', 100);
}

/**
 * "02 Dec 2026 14:05 UTC". The month in words, so no reader takes 2 December for 12 February; UTC, because a card
 * cannot show the reader's own zone. Month names come from the locale file, not from the runtime's ICU data.
 */
function alertTime(iso: string, ui: UiStrings): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return escapeMarkdown(truncate(iso, 40));
  const two = (n: number) => String(n).padStart(2, '0');
  const month = ui['alert.months'].split(' ')[d.getUTCMonth()] ?? two(d.getUTCMonth() + 1);
  return `${two(d.getUTCDate())} ${month} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** An alert with no delivery error code: its text, as sent, and nothing invented. */
function plainAlert(group: AlertGroup, ui: UiStrings): DiagnosisCardData {
  return {
    title: alertTitle(group),
    kind: SOURCE_NAMES[group.source],
    color: 'warning',
    headline: escapeMarkdown(ui.alertNoCode),
    incidents: [],
    banner: null,
    glance: [],
    notYours: null,
    fixNow: null,
    adminNote: '',
    refresh: null,
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
