/**
 * A Microsoft 365 alert policy's alert (the Management Activity API's records): the diagnosis card of the
 * error it carries, or of the deferral reason the trace shows for its destination, under a header with
 * Microsoft's own status and the queue the message trace shows for that destination. One card per
 * AlertId, updated when Microsoft changes its status.
 */
import type { AlertGroup } from '../alerts/alert-group';
import { pickLocale } from '../knowledge/load-knowledge';
import { alertCardData } from './alert-card';
import type { Fact } from './card-data';
import type { DiagnosisCardData } from './diagnosis-card';
import { queueDestination, queueFacts } from './queue-card';
import { ackFacts } from './watch-alert-cards';
import type { AlertRenderDeps } from './render-alert';
import type { AdaptiveCard } from './render-card';
import { escapeMarkdown, fill, formatUtc, truncate } from './text';

export async function microsoftAlertCard(group: AlertGroup, deps: AlertRenderDeps, banner: DiagnosisCardData['banner']): Promise<AdaptiveCard> {
  const ui = deps.ui[pickLocale(group.locale)];
  const data = alertCardData(group, deps.knowledge, deps.ui, deps.now, await deps.readTenant(), await deps.readIncidents());
  const m = group.microsoftAlert;
  if (!data.alert || !m) return deps.renderCard('diagnosis', { ...data, banner });
  const resolved = group.status === 'resolved';
  const name = escapeMarkdown(truncate(m.name, 150));
  const facts: Fact[] = [{ title: ui['msAlert.status'], value: escapeMarkdown(truncate(m.status, 40)) }];
  if (m.severity) facts.push({ title: ui['alert.severity'], value: escapeMarkdown(truncate(m.severity, 40)) });
  if (m.updatedAt) facts.push({ title: ui['msAlert.updated'], value: formatUtc(m.updatedAt) });
  const q = group.queue;
  if (q && !resolved) {
    facts.push(
      { title: ui['msAlert.destination'], value: escapeMarkdown(truncate(queueDestination(q), 200)) },
      { title: ui['queue.countsTitle'], value: escapeMarkdown(fill(ui['queue.counts'], { messages: q.messages, recipients: q.recipients })) },
      ...queueFacts(q, ui, deps.now),
    );
  } else if (m.pending && !resolved) {
    facts.push({
      title: ui['msAlert.trace'],
      value: escapeMarkdown(
        m.pending.messages
          ? fill(ui['msAlert.pending'], { messages: m.pending.messages, destinations: m.pending.destinations, at: formatUtc(m.pending.checkedAt) })
          : fill(ui['msAlert.nothingPending'], { at: formatUtc(m.pending.checkedAt) }),
      ),
    });
  }
  if (m.comments) facts.push({ title: ui['msAlert.comments'], value: escapeMarkdown(truncate(m.comments, 300)) });
  facts.push(...ackFacts(group, ui));
  return deps.renderCard('diagnosis', {
    ...data,
    ...(!group.parsed && { headline: escapeMarkdown(ui[q ? 'msAlert.noReasonQueue' : 'msAlert.noReason']) }),
    banner,
    alert: {
      ...data.alert,
      title: name,
      headline: `${resolved ? '✅' : '🔔'} ${fill(ui[resolved ? 'msAlert.closed' : 'msAlert.open'], { name, status: escapeMarkdown(truncate(m.status, 40)) })}`,
      facts,
      linkTitle: ui['msAlert.openDefender'],
    },
  });
}
