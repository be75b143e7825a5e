/**
 * The tenant's queue, rebuilt from the message trace (microsoft-signals.md §1b, "channel D"): the rows with
 * status Pending, grouped by where they are going, each group with its last deferral reason read from the
 * DEFER event by the paste parser. Microsoft 365 returns a message 24 hours after it was received, so the
 * oldest message of a group says how long is left.
 */
import { worstError } from '../alerts/worst-error';
import type { ParsedError } from '../parse/types';
import type { OutboundConnector } from '../remediation/backends/exchange-backend';
import { domainOf, routesTo } from '../remediation/kinds/connector-routing';
import type { MessageTrace, MessageTraceDetail, SignalsSource } from './signals-source';
import { traceWindows } from './trace-windows';

/** Microsoft 365 retries a queued message for 24 hours, then returns it. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The message trace's own default window, and `queue`'s. */
export const DEFAULT_QUEUE_WINDOW_MS = 48 * 60 * 60 * 1000;
/** Detail requests one reading may make: the trace API allows 100 requests per 5 minutes in all. */
export const MAX_DETAIL_READS = 20;
/** Senders named per group; the rest are counted. */
const SENDERS_SHOWN = 5;

export interface QueueGroup {
  /** Stable across readings: the connector's name, else the recipient domain and the IP mail goes to. */
  key: string;
  /** The enabled outbound connector that routes there, by name. */
  connector?: string;
  domains: string[];
  toIPs: string[];
  messages: number;
  recipients: number;
  /** ISO UTC */
  oldestReceived: string;
  /** When the oldest message is returned to its sender (received + 24 h). */
  bouncesAt: string;
  senders: string[];
  senderCount: number;
  /** The oldest message's recipient: the diagnosis card routes by its domain when the reason names no server. */
  firstRecipient: string;
  /** The newest DEFER event read for this group, and the error the parser read from it. */
  lastDeferral?: { at: string; text: string; error?: ParsedError };
}

export interface QueueReading {
  checkedAt: string;
  start: string;
  end: string;
  /** Queries of at most 10 days the window took. */
  windows: number;
  groups: QueueGroup[];
  messages: number;
  recipients: number;
  /** Groups whose deferral reason was not read (more groups than MAX_DETAIL_READS allows). */
  unread: number;
}

export interface QueueDeps {
  source: SignalsSource;
  connectors(): Promise<OutboundConnector[]>;
  parse(text: string): ParsedError[];
  now(): Date;
}

/** Reads the queue for the window ending now. */
export async function readQueue(deps: QueueDeps, windowMs: number): Promise<QueueReading> {
  const end = deps.now();
  const start = new Date(end.getTime() - windowMs);
  const [traces, connectors] = await Promise.all([deps.source.messageTraces({ start, end, status: 'pending' }), deps.connectors()]);
  const grouped = groupPending(traces, connectors);
  let reads = 0;
  let unread = 0;
  const groups: QueueGroup[] = [];
  for (const { group, rows } of grouped) {
    // The oldest message has been retried longest; the newest shows the latest attempt. One or two reads.
    const picks = rows.length > 1 ? [rows[0]!, rows[rows.length - 1]!] : rows;
    if (reads + picks.length > MAX_DETAIL_READS) {
      unread++;
      groups.push(group);
      continue;
    }
    reads += picks.length;
    const details = (await Promise.all(picks.map((t) => deps.source.traceDetails(t)))).flat();
    groups.push({ ...group, ...lastDeferralOf(details, deps.parse) });
  }
  return {
    checkedAt: end.toISOString(),
    start: start.toISOString(),
    end: end.toISOString(),
    windows: traceWindows(start, end).length,
    groups,
    messages: groups.reduce((n, g) => n + g.messages, 0),
    recipients: groups.reduce((n, g) => n + g.recipients, 0),
    unread,
  };
}

/** Pending rows → groups by destination, the oldest first; each group's rows oldest first. Pure. */
export function groupPending(traces: readonly MessageTrace[], connectors: readonly OutboundConnector[]): Array<{ group: QueueGroup; rows: MessageTrace[] }> {
  const byKey = new Map<string, { connector?: string; rows: MessageTrace[] }>();
  for (const t of traces) {
    if (t.status !== 'pending') continue;
    const connector = connectors.find((c) => c.enabled && routesTo(c, { recipient: t.recipientAddress, ip: t.toIP }));
    const key = connector ? `connector:${connector.name}` : `domain:${domainOf(t.recipientAddress) ?? '?'}|${t.toIP ?? ''}`;
    const entry = byKey.get(key) ?? { connector: connector?.name, rows: [] };
    entry.rows.push(t);
    byKey.set(key, entry);
  }
  const out = [...byKey.entries()].map(([key, { connector, rows }]) => {
    rows.sort((a, b) => a.receivedDateTime.localeCompare(b.receivedDateTime));
    const oldest = rows[0]!.receivedDateTime;
    const senders = distinct(rows.map((r) => r.senderAddress.toLowerCase()).filter(Boolean));
    const group: QueueGroup = {
      key,
      ...(connector && { connector }),
      domains: distinct(rows.map((r) => domainOf(r.recipientAddress) ?? '')).filter(Boolean),
      toIPs: distinct(rows.map((r) => r.toIP ?? '').filter(Boolean)),
      messages: distinct(rows.map((r) => r.messageId || r.id)).length,
      recipients: distinct(rows.map((r) => r.recipientAddress)).length,
      oldestReceived: oldest,
      bouncesAt: new Date(Date.parse(oldest) + RETRY_WINDOW_MS).toISOString(),
      senders: senders.slice(0, SENDERS_SHOWN),
      senderCount: senders.length,
      firstRecipient: rows[0]!.recipientAddress,
    };
    return { group, rows };
  });
  return out.sort((a, b) => a.group.oldestReceived.localeCompare(b.group.oldestReceived));
}

/** The newest DEFER event's text and what the parser reads in it (a code, a server, an IP). */
function lastDeferralOf(details: readonly MessageTraceDetail[], parse: QueueDeps['parse']): Pick<QueueGroup, 'lastDeferral'> {
  const defer = details.filter((d) => d.event === 'defer').sort((a, b) => b.dateTime.localeCompare(a.dateTime))[0];
  if (!defer) return {};
  const text = [defer.description, defer.data].filter(Boolean).join('\n').slice(0, 4000);
  const error = worstError(parse(text));
  return { lastDeferral: { at: defer.dateTime, text, ...(error && { error }) } };
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
