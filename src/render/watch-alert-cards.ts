/**
 * The watch's channel cards (rows of the ALERT_RENDERERS table). A queued destination gets the diagnosis
 * card of its deferral reason, with Fix now where it applies, under a header that says what waits and for
 * how long; an incident gets Microsoft's own words. Both stay one card, updated in place.
 */
import type { AlertGroup } from '../alerts/alert-group';
import type { CertificateSighting } from '../remediation/certificate-sightings';
import { pickLocale } from '../knowledge/load-knowledge';
import { alertCardData } from './alert-card';
import type { Fact } from './card-data';
import type { DiagnosisCardData } from './diagnosis-card';
import { namesOf } from '../signals/connector-findings';
import { queueDestination, queueFacts } from './queue-card';
import type { AlertRenderDeps } from './render-alert';
import type { AdaptiveCard } from './render-card';
import { escapeMarkdown, fill, formatUtc, truncate } from './text';
import type { UiStrings } from './ui-strings';

export async function queueWatchCard(group: AlertGroup, deps: AlertRenderDeps, banner: DiagnosisCardData['banner']): Promise<AdaptiveCard> {
  const ui = deps.ui[pickLocale(group.locale)];
  const data = alertCardData(group, deps.knowledge, deps.ui, deps.now, await deps.readTenant(), await deps.readIncidents());
  const q = group.queue;
  if (!data.alert || !q) return deps.renderCard('diagnosis', { ...data, banner });
  const where = escapeMarkdown(truncate(queueDestination(q), 200));
  const resolved = group.status === 'resolved';
  const facts: Fact[] = resolved
    ? [
        { title: ui['alert.firstSeen'], value: formatUtc(group.firstSeen) },
        { title: ui['alert.resolved'], value: formatUtc(group.endedAt ?? group.lastSeen) },
      ]
    : [
        { title: ui['queue.countsTitle'], value: escapeMarkdown(fill(ui['queue.counts'], { messages: q.messages, recipients: q.recipients })) },
        ...queueFacts(q, ui, deps.now),
        { title: ui['watch.readAt'], value: formatUtc(group.lastSeen) },
      ];
  facts.push(...ackFacts(group, ui));
  return deps.renderCard('diagnosis', {
    ...data,
    // With no deferral reason yet there is no code to explain: say what the trace does show.
    ...(!group.parsed && !resolved && { headline: escapeMarkdown(fill(ui['watch.noReason'], { destination: where })) }),
    banner,
    alert: {
      ...data.alert,
      title: where,
      headline: `${resolved ? '✅' : '📬'} ${fill(resolved ? ui['watch.drained'] : ui['watch.queued'], { destination: where })}`,
      facts,
    },
  });
}

export async function incidentCard(group: AlertGroup, deps: AlertRenderDeps): Promise<AdaptiveCard> {
  const ui = deps.ui[pickLocale(group.locale)];
  const i = group.incident;
  const resolved = group.status === 'resolved';
  const lines = i
    ? [
        `**${escapeMarkdown(fill(ui['health.issue'], { id: i.id, classification: i.classification, status: i.status, since: formatUtc(i.startDateTime) }))}**`,
        escapeMarkdown(truncate([i.feature, i.featureGroup].filter(Boolean).join(' · '), 200)),
        escapeMarkdown(truncate(i.impactDescription, 600)),
        i.latestPost
          ? `${escapeMarkdown(fill(ui['health.latest'], { at: formatUtc(i.latestPost.createdDateTime) }))} ${escapeMarkdown(truncate(i.latestPost.text, 800))}`
          : '',
        `[${escapeMarkdown(ui['watch.incidentOpen'])}](${group.link ?? 'https://admin.microsoft.com/#/servicehealth'})`,
      ].filter(Boolean)
    : [escapeMarkdown(truncate(group.title, 200))];
  return deps.renderCard('notice', {
    title: escapeMarkdown(
      truncate(fill(resolved ? ui['watch.incidentResolved'] : ui['watch.incident'], { title: i ? `${i.id}: ${i.title}` : group.title }), 250),
    ),
    text: lines.join('\r'),
    color: resolved ? 'good' : 'warning',
  });
}

/** A connector finding: what the watch saw, when Microsoft 365 will report it, under the code's diagnosis. */
export async function connectorWatchCard(group: AlertGroup, deps: AlertRenderDeps, banner: DiagnosisCardData['banner']): Promise<AdaptiveCard> {
  const ui = deps.ui[pickLocale(group.locale)];
  const f = group.finding;
  // A name mismatch on a good certificate can be fixed from here: the TLS domain to the name the watch saw.
  const seen: CertificateSighting | undefined =
    f?.kind === 'name-mismatch' && f.certificate
      ? {
          host: f.host,
          names: namesOf(f.certificate),
          subject: f.certificate.subject,
          trusted: f.certificate.trusted,
          validTo: f.certificate.validTo,
          seenAt: group.lastSeen,
        }
      : undefined;
  const data = alertCardData(group, deps.knowledge, deps.ui, deps.now, await deps.readTenant(), await deps.readIncidents(), seen);
  if (!data.alert || !f) return deps.renderCard('diagnosis', { ...data, banner });
  const resolved = group.status === 'resolved';
  const cert = f.certificate;
  const vars = {
    connector: f.connector,
    host: f.address && f.address !== f.host ? `${f.host} (${f.address})` : f.host,
    code: f.code,
    date: cert ? formatUtc(cert.validTo) : '',
    days: cert?.daysLeft ?? 0,
    names: cert ? namesOf(cert).slice(0, 4).join(', ') || cert.subject : '',
    expected: f.expectedName ?? '',
    error: cert?.trustError ?? '',
  };
  const sentence = fill(ui[`connectorWatch.${f.kind}`], vars);
  const facts: Fact[] = [
    { title: ui['connectorWatch.connector'], value: escapeMarkdown(f.connector) },
    { title: ui['connectorWatch.smartHost'], value: escapeMarkdown(vars.host + (f.port !== 25 ? `:${f.port}` : '')) },
  ];
  if (cert) {
    facts.push({ title: ui['connectorWatch.certificate'], value: escapeMarkdown(truncate(`${vars.names} · ${formatUtc(cert.validTo)}`, 300)) });
    facts.push({ title: ui['connectorWatch.issuer'], value: escapeMarkdown(truncate(cert.issuer, 200)) });
  }
  facts.push({
    title: resolved ? ui['alert.resolved'] : ui['connectorWatch.checked'],
    value: formatUtc(resolved ? (group.endedAt ?? group.lastSeen) : group.lastSeen),
  });
  return deps.renderCard('diagnosis', {
    ...data,
    banner,
    alert: {
      ...data.alert,
      title: escapeMarkdown(f.connector),
      headline: resolved
        ? `✅ ${escapeMarkdown(fill(ui['connectorWatch.cleared'], { ...vars, what: sentence }))}`
        : `${f.kind === 'expiring' ? '⏳' : '🔌'} ${escapeMarkdown(sentence)}`,
      facts,
    },
  });
}

/** Who acknowledged the card and when: the watch's and Microsoft's alert cards keep their own facts but this one. */
export function ackFacts(group: AlertGroup, ui: UiStrings): Fact[] {
  if (!group.ack) return [];
  return [
    { title: ui['alert.ack'], value: `${escapeMarkdown(truncate(group.ack.by.name || group.ack.by.aadObjectId || '?', 100))}, ${formatUtc(group.ack.at)}` },
  ];
}
