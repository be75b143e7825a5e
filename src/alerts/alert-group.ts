import crypto from 'node:crypto';
import type { Actor } from '../remediation/actor';
import type { ParsedError } from '../parse/types';
import type { ConnectorFinding } from '../signals/connector-findings';
import type { QueueGroup } from '../signals/read-queue';
import type { HealthIssue } from '../signals/signals-source';
import type { AlertCounts } from './alert-counts';
import type { IncomingAlert, MicrosoftAlert } from './normalise-alert';

/**
 * One card in one subscribed conversation: every occurrence of the same fingerprint within the group
 * window lands here and updates that card in place. `version` counts changes; the dispatcher delivers
 * until `deliveredVersion` catches up, so a change is never lost, however many arrive in between.
 */
export interface AlertGroup {
  key: string;
  conversationId: string;
  fingerprint: string;
  source: IncomingAlert['source'];
  title: string;
  text: string;
  parsed?: ParsedError;
  severity?: string;
  link?: string;
  status: 'firing' | 'resolved';
  count: number;
  firstSeen: string;
  lastSeen: string;
  /**
   * What the sender said: when it started and resolved, and its latest counts. Optional, as groups stored
   * before they were kept have none: such a group's card simply shows no such facts.
   */
  startedAt?: string;
  endedAt?: string;
  counts?: AlertCounts;
  /** The latest reading of the watch that raised it (queue-watch, microsoft-incident). */
  queue?: QueueGroup;
  incident?: HealthIssue;
  finding?: ConnectorFinding;
  microsoftAlert?: MicrosoftAlert;
  endpoints?: IncomingAlert['endpoints'];
  card?: IncomingAlert['card'];
  ack?: { by: Actor; at: string };
  muted?: { by: Actor; until: string };
  locale: string;
  version: number;
  deliveredVersion: number;
  /** The Teams message that shows this group, once posted. */
  messageId?: string;
  /** Outbox ids already counted, newest last (bounded): replaying an outbox item never counts twice. */
  applied: string[];
  /** The instance delivering this group right now: only the lease holder sends, so two instances never both post. */
  lease?: { by: string; until: number };
}

/**
 * The fingerprint of an alert: its delivery error code plus destination server (or connector, IP) when
 * the text holds one, so the same failure from different monitors groups together; else the sender's own
 * id; else a hash of its title.
 */
export function fingerprintOf(alert: IncomingAlert, parsed: ParsedError | undefined): string {
  if (alert.externalId && isReading(alert.source)) return `${alert.source}:${alert.externalId}`;
  if (parsed) return `${parsed.enhancedCode}|${(parsed.server ?? parsed.ip ?? '').toLowerCase()}`;
  if (alert.externalId) return `${alert.source}:${alert.externalId}`;
  return `title:${crypto.createHash('sha256').update(alert.title.toLowerCase()).digest('hex').slice(0, 24)}`;
}

export function groupKey(conversationId: string, fingerprint: string): string {
  return crypto.createHash('sha256').update(`${conversationId}\u0000${fingerprint}`).digest('hex').slice(0, 40);
}

const APPLIED_KEPT = 256;

/**
 * Sources whose alerts are readings of one thing (a destination's queue, an incident, a Microsoft 365 alert):
 * one card per thing, found by its id whatever its error says now, kept while it lasts however long
 * between readings, and a new card only once it has resolved and comes back.
 */
export function isReading(source: IncomingAlert['source']): boolean {
  return source === 'queue-watch' || source === 'microsoft-incident' || source === 'connector-watch' || source === 'microsoft-alert';
}

/**
 * Adds one occurrence to the group (or starts a new group when there is none, or the window has passed
 * since the last occurrence). Pure: returns the next group, or undefined when this outbox item was already
 * counted.
 */
export function addOccurrence(
  current: AlertGroup | undefined,
  occurrence: { outboxId: string; alert: IncomingAlert; parsed?: ParsedError; fingerprint: string; conversationId: string; locale: string; at: string },
  windowMs: number,
): AlertGroup | undefined {
  if (current?.applied.includes(occurrence.outboxId)) return undefined;
  const { alert, at } = occurrence;
  const fresh = !current
    ? true
    : isReading(alert.source)
      ? current.status === 'resolved' && alert.status === 'firing'
      : Date.parse(at) - Date.parse(current.lastSeen) > windowMs;
  if (fresh) {
    return {
      key: groupKey(occurrence.conversationId, occurrence.fingerprint),
      conversationId: occurrence.conversationId,
      fingerprint: occurrence.fingerprint,
      source: alert.source,
      title: alert.title,
      text: alert.text.slice(0, 4000),
      parsed: occurrence.parsed,
      severity: alert.severity,
      link: alert.link,
      status: alert.status,
      startedAt: alert.startedAt,
      endedAt: alert.status === 'resolved' ? alert.endedAt : undefined,
      counts: alert.counts,
      ...(alert.queue && { queue: alert.queue }),
      ...(alert.incident && { incident: alert.incident }),
      ...(alert.finding && { finding: alert.finding }),
      ...(alert.microsoftAlert && { microsoftAlert: alert.microsoftAlert }),
      ...(alert.endpoints && { endpoints: alert.endpoints }),
      ...(alert.card && { card: alert.card }),
      count: alert.status === 'resolved' ? 0 : 1,
      firstSeen: at,
      lastSeen: at,
      locale: occurrence.locale,
      version: (current?.version ?? 0) + 1,
      deliveredVersion: current?.version ?? 0,
      messageId: undefined,
      applied: [occurrence.outboxId],
    };
  }
  return {
    ...current!,
    status: alert.status,
    // The first start stands (several monitors may report one failure); an end holds only while resolved.
    startedAt: current!.startedAt ?? alert.startedAt,
    endedAt: alert.status === 'resolved' ? alert.endedAt : undefined,
    // Counts are readings (the queue now), so the latest one replaces the last, and is kept when none came.
    counts: alert.counts ?? current!.counts,
    count: alert.status === 'resolved' ? current!.count : current!.count + 1,
    lastSeen: at,
    // A reading's latest error is the one that holds now; a monitor's first one names the failure.
    parsed: isReading(alert.source) ? (occurrence.parsed ?? current!.parsed) : (current!.parsed ?? occurrence.parsed),
    queue: alert.queue ?? current!.queue,
    incident: alert.incident ?? current!.incident,
    finding: alert.finding ?? current!.finding,
    microsoftAlert: alert.microsoftAlert ?? current!.microsoftAlert,
    endpoints: alert.endpoints ?? current!.endpoints,
    // The latest card the sender posted is the one to show.
    card: alert.card ?? current!.card,
    version: current!.version + 1,
    applied: [...current!.applied, occurrence.outboxId].slice(-APPLIED_KEPT),
  };
}
