/**
 * The Management Activity API's notifications, kept until their content has become cards. A notification
 * is written to the store before the webhook answers 200 (Microsoft does not send it again), then one
 * instance at a time (a lease) fetches each content blob with the bot's token, turns its mail-flow alert
 * records into alerts and hands them to the alert outbox. A blob that cannot be fetched is retried with
 * backoff until Microsoft's own expiry (7 days); one Microsoft cannot serve is not retried forever.
 */
import type { IncomingAlert } from '../alerts/normalise-alert';
import type { Logger } from '../log/logger';
import { PreconditionFailedError, type Store } from '../store/store';
import { readManagementAlerts } from './management-alerts';
import type { ContentNotification } from './management-notifications';
import { createPeriodic } from './periodic';

const INBOX = 'management-inbox';
/** How often the inbox is looked at besides when a notification arrives (retries, another instance's). */
const POLL_MS = 30_000;
const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 30 * 60_000;

interface InboxItem extends ContentNotification {
  receivedAt: number;
  attempts: number;
  nextAt: number;
  lastError?: string;
}

export interface ManagementInboxDeps {
  store: Store;
  logger: Logger;
  clock: () => number;
  /** GET contentUri with the Management API token: a JSON array of audit records. */
  fetchContent(uri: string): Promise<unknown>;
  /** Adds what the bot knows besides the record (the queue for the alert's destination). */
  enrich(alerts: IncomingAlert[]): Promise<IncomingAlert[]>;
  accept(alerts: IncomingAlert[]): Promise<string[]>;
  pollMs?: number;
}

export function createManagementInbox(deps: ManagementInboxDeps) {
  const periodic = createPeriodic({ store: deps.store, lease: 'management-inbox', intervalMs: deps.pollMs ?? POLL_MS, clock: deps.clock, run: drain });

  async function drain(): Promise<void> {
    try {
      const items = await deps.store.list<InboxItem>(INBOX, { limit: 200 });
      for (const { key, value, etag } of items) {
        if (value.nextAt > deps.clock()) continue;
        await take(key, value, etag);
      }
    } catch (err) {
      deps.logger.warn('could not read the Management API inbox', { err: err as Error });
    }
  }

  async function take(key: string, item: InboxItem, etag: string): Promise<void> {
    try {
      const records = await deps.fetchContent(item.contentUri);
      const alerts = readManagementAlerts(records);
      if (alerts.length) await deps.accept(await deps.enrich(alerts));
      deps.logger.info('Management API content read', { contentId: key, records: Array.isArray(records) ? records.length : 0, alerts: alerts.length });
      await deps.store.delete(INBOX, key);
    } catch (err) {
      const now = deps.clock();
      const attempts = item.attempts + 1;
      const expired = item.contentExpiration ? Date.parse(item.contentExpiration) <= now : false;
      if (attempts >= MAX_ATTEMPTS || expired) {
        deps.logger.error('gave up on a Management API content blob', { contentId: key, attempts, err: err as Error });
        await deps.store.delete(INBOX, key);
        return;
      }
      deps.logger.warn('could not fetch a Management API content blob; it will be retried', { contentId: key, attempts, err: err as Error });
      const next: InboxItem = {
        ...item,
        attempts,
        nextAt: now + Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** (attempts - 1)),
        lastError: (err as Error).message?.slice(0, 300),
      };
      await deps.store.put(INBOX, key, next, { ifMatch: etag }).catch((e) => {
        if (!(e instanceof PreconditionFailedError)) throw e;
      });
    }
  }

  return {
    /** Keeps each notification (once per contentId, however often Microsoft sends it); resolves once all are stored. */
    async add(items: readonly ContentNotification[]): Promise<number> {
      const now = deps.clock();
      let added = 0;
      for (const n of items) {
        try {
          await deps.store.put<InboxItem>(INBOX, n.contentId, { ...n, receivedAt: now, attempts: 0, nextAt: now }, { ifNoneMatch: true });
          added++;
        } catch (err) {
          if (!(err instanceof PreconditionFailedError)) throw err;
        }
      }
      if (added) periodic.kick();
      return added;
    },
    start: () => periodic.start(),
    stop: () => periodic.stop(),
  };
}

export type ManagementInbox = ReturnType<typeof createManagementInbox>;
