/**
 * The `queue` card: what Microsoft 365 holds for delivery, by destination, the most urgent first (the one
 * whose oldest message bounces soonest). Each group opens its diagnosis card, where Fix now is offered
 * when it applies. Values from the trace are escaped and bounded.
 */
import { destinationOf } from './at-a-glance';
import { cardError } from './card-error';
import type { Fact } from './card-data';
import { incidentLines } from './incident-line';
import type { HealthIssue } from '../signals/signals-source';
import type { QueueGroup, QueueReading } from '../signals/read-queue';
import { escapeMarkdown, fill, formatUtc, truncate } from './text';
import type { UiStrings } from './ui-strings';

/** Destinations shown on one card; the rest are counted. */
const GROUPS_SHOWN = 10;

export interface QueueCardData {
  title: string;
  color: 'attention' | 'warning' | 'good';
  checked: string;
  incidents: string[];
  empty: string;
  problem: string;
  groups: { heading: string; color: 'attention' | 'warning'; summary: string; facts: Fact[]; open: { error: Record<string, unknown> } | null }[];
  more: string;
  openTitle: string;
}

export function queueCardData(reading: QueueReading, incidents: readonly HealthIssue[], ui: UiStrings, now: Date, windowLabel: string): QueueCardData {
  const shown = reading.groups.slice(0, GROUPS_SHOWN);
  const urgent = shown.some((g) => Date.parse(g.bouncesAt) - now.getTime() < 4 * 3_600_000);
  return {
    title: reading.groups.length
      ? escapeMarkdown(fill(ui['queue.title'], { messages: reading.messages, destinations: reading.groups.length }))
      : ui['queue.titleEmpty'],
    color: !reading.groups.length ? 'good' : urgent ? 'attention' : 'warning',
    checked: escapeMarkdown(
      fill(reading.windows > 1 ? ui['queue.checkedSplit'] : ui['queue.checked'], {
        at: formatUtc(reading.checkedAt),
        window: windowLabel,
        queries: reading.windows,
      }),
    ),
    incidents: incidentLines(incidents, ui),
    empty: reading.groups.length ? '' : escapeMarkdown(fill(ui['queue.empty'], { window: windowLabel, at: formatUtc(reading.checkedAt) })),
    problem: reading.unread ? escapeMarkdown(fill(ui['queue.unread'], { n: reading.unread })) : '',
    groups: shown.map((g) => groupRow(g, ui, now)),
    more: reading.groups.length > GROUPS_SHOWN ? escapeMarkdown(fill(ui['queue.more'], { n: reading.groups.length - GROUPS_SHOWN })) : '',
    openTitle: ui['queue.open'],
  };
}

/** "Outbound to Contoso on-premises", else "contoso.com (203.0.113.5)". */
export function queueDestination(g: QueueGroup): string {
  const where = [g.domains.slice(0, 3).join(', '), g.toIPs.length ? `(${g.toIPs.slice(0, 2).join(', ')})` : ''].filter(Boolean).join(' ');
  return g.connector ? `${g.connector} — ${where}` : where || '?';
}

/** "in 3 h 10 min" or "now": how long until the oldest message goes back to its sender. */
export function timeLeft(bouncesAt: string, now: Date, ui: UiStrings): string {
  const ms = Date.parse(bouncesAt) - now.getTime();
  if (ms <= 0) return ui.retryEnded;
  return fill(ui.retryLeft, { hours: Math.floor(ms / 3_600_000), minutes: Math.floor((ms % 3_600_000) / 60_000) });
}

/** The facts of one destination's queue, for the queue card and the watch's card alike. */
export function queueFacts(g: QueueGroup, ui: UiStrings, now: Date): Fact[] {
  const facts: Fact[] = [
    { title: ui['queue.oldest'], value: formatUtc(g.oldestReceived) },
    { title: ui['glance.bounces'], value: `${formatUtc(g.bouncesAt)} (${timeLeft(g.bouncesAt, now, ui)})` },
  ];
  const d = g.lastDeferral;
  if (d?.error) {
    const where = destinationOf(d.error);
    facts.push({
      title: ui['queue.reason'],
      value: escapeMarkdown(truncate(`${d.error.enhancedCode} ${d.error.description ?? ''}`.trim() + (where ? ` — ${where}` : ''), 300)),
    });
  } else if (d) {
    facts.push({ title: ui['queue.reason'], value: escapeMarkdown(truncate(d.text, 300)) });
  } else {
    facts.push({ title: ui['queue.reason'], value: ui['queue.reasonUnknown'] });
  }
  if (d) facts.push({ title: ui['queue.reasonAt'], value: formatUtc(d.at) });
  const others = g.senderCount - g.senders.length;
  facts.push({
    title: ui['queue.senders'],
    value: escapeMarkdown(g.senders.join(', ') + (others > 0 ? ` ${fill(ui['queue.sendersMore'], { n: others })}` : '')),
  });
  return facts;
}

function groupRow(g: QueueGroup, ui: UiStrings, now: Date): QueueCardData['groups'][number] {
  const error = g.lastDeferral?.error;
  return {
    heading: escapeMarkdown(truncate(queueDestination(g), 200)),
    color: Date.parse(g.bouncesAt) - now.getTime() < 4 * 3_600_000 ? 'attention' : 'warning',
    summary: escapeMarkdown(fill(ui['queue.counts'], { messages: g.messages, recipients: g.recipients })),
    facts: queueFacts(g, ui, now),
    // The diagnosis card of the deferral reason, with the queue's recipient so Fix now can find the route.
    open: error ? { error: cardError({ ...error, recipient: error.recipient ?? g.firstRecipient }, 'row') } : null,
  };
}
