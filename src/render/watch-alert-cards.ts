/**
 * The watch's channel cards (rows of the ALERT_RENDERERS table). A queued destination gets the diagnosis
 * card of its deferral reason, with Fix now where it applies, under a header that says what waits and for
 * how long; an incident gets Microsoft's own words. Both stay one card, updated in place.
 */
import type { AlertGroup } from '../alerts/alert-group';
import { pickLocale } from '../knowledge/load-knowledge';
import { alertCardData } from './alert-card';
import type { Fact } from './card-data';
import type { DiagnosisCardData } from './diagnosis-card';
import { queueDestination, queueFacts } from './queue-card';
import type { AlertRenderDeps } from './render-alert';
import type { AdaptiveCard } from './render-card';
import { escapeMarkdown, fill, formatUtc, truncate } from './text';

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
  if (group.ack)
    facts.push({
      title: ui['alert.ack'],
      value: `${escapeMarkdown(truncate(group.ack.by.name || group.ack.by.aadObjectId || '?', 100))}, ${formatUtc(group.ack.at)}`,
    });
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
