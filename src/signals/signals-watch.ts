/**
 * The watch: every interval, one instance (a lease in the store) reads the tenant's pending mail and
 * Microsoft's Exchange incidents and hands what changed to the alert dispatcher, whose outbox, grouping
 * and per-conversation limits carry it to the subscribed conversations:
 * - a destination with mail older than WATCH_MIN_AGE: a card, updated at every reading while mail waits,
 *   resolved once its queue drains;
 * - an incident that is new or changed status: posted once per change, resolved when Microsoft resolves it.
 * What was last raised lives in the store too, so a restart or another instance carries on from it.
 */
import type { IncomingAlert } from '../alerts/normalise-alert';
import type { Logger } from '../log/logger';
import { updateDocument, type Store } from '../store/store';
import { createPeriodic } from './periodic';
import { isExchangeService } from './read-graph-json';
import type { QueueGroup, QueueReading } from './read-queue';
import type { HealthIssue } from './signals-source';

const STATE = 'watch-state';
const LEASE = 'signals-watch';
/** The window the watch reads: Microsoft 365 returns mail after 24 hours, so nothing older is pending. */
export const WATCH_WINDOW_MS = 48 * 3_600_000;

interface WatchState {
  /** Destinations with a card up (queue-watch externalId). */
  queues: string[];
  /** Incidents by id: the status last posted, and whether it was resolved. */
  incidents: Record<string, string>;
  /** The subscribed conversations at the last reading: a new one is told of the incidents already open. */
  conversations?: string[];
}

export interface WatchDeps {
  store: Store;
  logger: Logger;
  clock: () => number;
  intervalMs: number;
  minAgeMs: number;
  readQueue(windowMs: number): Promise<QueueReading>;
  readIssues(): Promise<HealthIssue[]>;
  accept(alerts: IncomingAlert[]): Promise<unknown>;
  /** The subscribed conversations' ids. */
  conversations(): Promise<string[]>;
}

export function createSignalsWatch(deps: WatchDeps) {
  /** One reading: what changed goes to the dispatcher, and what was raised is remembered. */
  async function tick(): Promise<void> {
    try {
      const previous = (await deps.store.get<WatchState>(STATE, 'state'))?.value ?? { queues: [], incidents: {} };
      const conversations = await deps.conversations();
      const told = new Set(previous.conversations ?? []);
      const newcomer = conversations.some((c) => !told.has(c));
      const alerts: IncomingAlert[] = [];
      const queues = await queueAlerts(previous.queues, alerts).catch((err) => {
        deps.logger.warn('the watch could not read the message trace; it tries again next interval', { err: err as Error });
        return previous.queues;
      });
      const incidents = await incidentAlerts(newcomer ? {} : previous.incidents, alerts).catch((err) => {
        deps.logger.warn('the watch could not read service health; it tries again next interval', { err: err as Error });
        return previous.incidents;
      });
      if (alerts.length) await deps.accept(alerts);
      await updateDocument<WatchState>(deps.store, STATE, 'state', () => ({ queues, incidents, conversations }));
    } catch (err) {
      deps.logger.error('the watch failed; it tries again next interval', { err: err as Error });
    }
  }

  async function queueAlerts(before: readonly string[], out: IncomingAlert[]): Promise<string[]> {
    const reading = await deps.readQueue(WATCH_WINDOW_MS);
    const now = deps.clock();
    const late = reading.groups.filter((g) => now - Date.parse(g.oldestReceived) >= deps.minAgeMs);
    for (const g of late) out.push(queueAlert(g, 'firing'));
    const up = new Set(late.map((g) => g.key));
    // A destination whose card is up and that has no late mail any more has drained.
    for (const key of before)
      if (!up.has(key)) out.push({ source: 'queue-watch', externalId: key, status: 'resolved', title: key, text: '', endedAt: reading.checkedAt });
    return [...up];
  }

  async function incidentAlerts(before: Readonly<Record<string, string>>, out: IncomingAlert[]): Promise<Record<string, string>> {
    const issues = (await deps.readIssues()).filter((i) => isExchangeService(i.service));
    const after: Record<string, string> = {};
    for (const issue of issues) {
      const state = `${issue.status.toLowerCase()}|${issue.isResolved}`;
      // Resolved issues are remembered only while a card of theirs may be up (a newcomer is told of none).
      if (!issue.isResolved || before[issue.id]) after[issue.id] = state;
      if (before[issue.id] === state || (issue.isResolved && !before[issue.id])) continue;
      out.push({
        source: 'microsoft-incident',
        externalId: issue.id,
        status: issue.isResolved ? 'resolved' : 'firing',
        title: `${issue.id}: ${issue.title}`.slice(0, 200),
        text: '',
        startedAt: issue.startDateTime,
        ...(issue.isResolved && issue.endDateTime && { endedAt: issue.endDateTime }),
        link: `https://admin.microsoft.com/#/servicehealth/:/alerts/${encodeURIComponent(issue.id)}`,
        incident: issue,
      });
    }
    return after;
  }

  const periodic = createPeriodic({ store: deps.store, lease: LEASE, intervalMs: deps.intervalMs, clock: deps.clock, run: tick });
  return { start: periodic.start, stop: periodic.stop, tick };
}

function queueAlert(g: QueueGroup, status: 'firing'): IncomingAlert {
  return {
    source: 'queue-watch',
    externalId: g.key,
    status,
    title: g.connector ?? g.domains.join(', '),
    // The deferral reason is what the dispatcher's parser reads into the card's diagnosis.
    text: g.lastDeferral?.text ?? '',
    startedAt: g.oldestReceived,
    counts: { queuedMessages: g.messages },
    queue: g,
  };
}
