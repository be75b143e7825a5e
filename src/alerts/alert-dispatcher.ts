import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/logger';
import type { ParsedError } from '../parse/types';
import type { AdaptiveCard } from '../render/render-card';
import { PreconditionFailedError, updateDocument, type Store } from '../store/store';
import type { ProactiveSender } from '../teams/proactive-sender';
import { SendError } from '../teams/proactive-sender';
import { addOccurrence, fingerprintOf, groupKey, type AlertGroup } from './alert-group';
import type { ConversationRateLimit } from './conversation-rate-limit';
import type { IncomingAlert } from './normalise-alert';
import type { Subscriptions } from './subscriptions';

const OUTBOX = 'alert-outbox';
const GROUPS = 'alert-groups';
const DIRTY = 'alert-dirty';
const EXTERNAL = 'alert-external';
const CLAIMS = 'alert-outbox-claims';
/** How long an instance may hold a group while it sends; a crashed holder's lease simply runs out. */
const LEASE_MS = 30_000;

interface OutboxItem {
  id: string;
  alert: IncomingAlert;
  receivedAt: string;
}

export interface DispatcherDeps {
  store: Store;
  sender: ProactiveSender;
  subscriptions: Subscriptions;
  rateLimit: ConversationRateLimit;
  render(group: AlertGroup): Promise<AdaptiveCard>;
  /** The chat parser, picking the alert's main error (undefined when its text has no code). */
  parse(text: string): ParsedError | undefined;
  groupWindowMs: number;
  clock?: () => number;
  logger: Logger;
}

/**
 * The alert pipeline after the webhook: accepted alerts sit in a durable outbox (the 202 is sent only
 * after that write); a single loop folds them into per-conversation groups and delivers every group whose
 * card is behind, one message per group, within Teams' per-conversation limits. Everything it needs to
 * resume lives in the store, so a crash or a Teams outage loses nothing.
 */
export function createAlertDispatcher(deps: DispatcherDeps) {
  const clock = deps.clock ?? Date.now;
  const instanceId = randomUUID();
  const failures = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let rerun = false;
  let stopped = true;
  const idleWaiters: Array<() => void> = [];

  const kick = (delayMs = 0) => {
    if (stopped) return;
    if (running) {
      rerun = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, Math.max(0, delayMs));
  };

  async function tick(): Promise<void> {
    timer = undefined;
    running = true;
    let next: number | undefined;
    try {
      next = await processOnce();
    } catch (err) {
      deps.logger.error('alert dispatch failed; will retry', { err: err as Error });
      next = 1000;
    } finally {
      running = false;
    }
    if (rerun) {
      rerun = false;
      next = 0;
    }
    if (next !== undefined) kick(next);
    else idleWaiters.splice(0).forEach((w) => w());
  }

  /** One pass: fold the outbox into groups, then deliver what is due. Returns when to run again. */
  async function processOnce(): Promise<number | undefined> {
    const items = await deps.store.list<OutboxItem>(OUTBOX, { limit: 500 });
    let folded = 0;
    if (items.length) {
      const subs = await deps.subscriptions.list();
      for (const { key, value: item } of items) {
        if (!(await claim(key))) continue; // another instance is folding it
        await fold(item, subs);
        await deps.store.delete(OUTBOX, key);
        await deps.store.delete(CLAIMS, key);
        folded++;
      }
    }
    const due = await deliver();
    // More outbox to fold: go again at once if this pass made progress, else (all claimed elsewhere) shortly.
    if (items.length === 500 && folded) return 0;
    if (items.length > folded) return Math.min(due ?? 1000, 1000);
    return due;
  }

  /** One instance folds each outbox item; a claim left by a crashed instance expires. */
  async function claim(key: string): Promise<boolean> {
    const now = clock();
    const mine = { by: instanceId, until: now + LEASE_MS };
    try {
      await deps.store.put(CLAIMS, key, mine, { ifNoneMatch: true });
      return true;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
    }
    const held = await deps.store.get<{ by: string; until: number }>(CLAIMS, key);
    if (!held) return false;
    if (held.value.by !== instanceId && held.value.until > now) return false;
    try {
      await deps.store.put(CLAIMS, key, mine, { ifMatch: held.etag });
      return true;
    } catch (err) {
      if (err instanceof PreconditionFailedError) return false;
      throw err;
    }
  }

  async function fold(item: OutboxItem, subs: Awaited<ReturnType<Subscriptions['list']>>): Promise<void> {
    const parsed = deps.parse(item.alert.text);
    const externalKey = item.alert.externalId ? `${item.alert.source}|${item.alert.externalId}` : undefined;
    let fingerprint = fingerprintOf(item.alert, parsed);
    if (externalKey) {
      // A resolution may carry less text than the alert it resolves: match it by the sender's own id.
      const known = await deps.store.get<{ fingerprint: string }>(EXTERNAL, externalKey);
      if (known && item.alert.status === 'resolved') fingerprint = known.value.fingerprint;
      else if (!known) await deps.store.put(EXTERNAL, externalKey, { fingerprint });
    }
    for (const sub of subs) {
      const key = groupKey(sub.conversationId, fingerprint);
      const { changed } = await updateDocument<AlertGroup>(deps.store, GROUPS, key, (current) =>
        item.alert.status === 'resolved' && !current
          ? undefined
          : addOccurrence(
              current,
              { outboxId: item.id, alert: item.alert, parsed, fingerprint, conversationId: sub.conversationId, locale: sub.locale, at: item.receivedAt },
              deps.groupWindowMs,
            ),
      );
      if (changed) await deps.store.put(DIRTY, key, { conversationId: sub.conversationId });
    }
  }

  async function deliver(): Promise<number | undefined> {
    const dirty = await deps.store.list<{ conversationId: string }>(DIRTY, { limit: 1000 });
    // A full page means more may follow: come back at once for the rest.
    let soonest: number | undefined = dirty.length === 1000 ? 0 : undefined;
    const later = (ms: number) => (soonest = soonest === undefined ? ms : Math.min(soonest, ms));
    for (const { key, value } of dirty) {
      const now = clock();
      const sub = await deps.subscriptions.get(value.conversationId);
      const current = (await deps.store.get<AlertGroup>(GROUPS, key))?.value;
      if (!current || !sub || current.deliveredVersion >= current.version) {
        await deps.store.delete(DIRTY, key);
        continue;
      }
      if (current.muted && Date.parse(current.muted.until) > now && current.messageId) {
        later(Date.parse(current.muted.until) - now);
        continue;
      }
      // Lease the group: with several instances, only the holder delivers it (the others skip it).
      const leased = await updateDocument<AlertGroup>(deps.store, GROUPS, key, (cur) =>
        cur && cur.deliveredVersion < cur.version && (!cur.lease || cur.lease.until < now || cur.lease.by === instanceId)
          ? { ...cur, lease: { by: instanceId, until: now + LEASE_MS } }
          : undefined,
      );
      if (!leased.changed || !leased.value) {
        later(500);
        continue;
      }
      const group = leased.value;
      const release = () =>
        updateDocument<AlertGroup>(deps.store, GROUPS, key, (cur) => (cur?.lease?.by === instanceId ? { ...cur, lease: undefined } : undefined));
      const wait = await deps.rateLimit.reserve(value.conversationId, now);
      if (wait > 0) {
        await release();
        later(wait);
        continue;
      }
      try {
        const card = await deps.render(group);
        const messageId = group.messageId
          ? (await deps.sender.update(sub.reference, group.messageId, card), group.messageId)
          : await deps.sender.post(sub.reference, card);
        failures.delete(value.conversationId);
        const sent = group.version;
        const { value: after } = await updateDocument<AlertGroup>(deps.store, GROUPS, key, (cur) =>
          cur ? { ...cur, messageId: cur.messageId ?? messageId, deliveredVersion: Math.max(cur.deliveredVersion, sent), lease: undefined } : undefined,
        );
        if (!after || after.deliveredVersion >= after.version) await deps.store.delete(DIRTY, key);
      } catch (err) {
        await release().catch(() => undefined);
        if (!(err instanceof SendError)) {
          // A fault of ours (rendering, the store) must not stop the other groups: log it, retry this one later.
          deps.logger.error('could not deliver an alert card', { conversationId: value.conversationId, err: err as Error });
          later(30_000);
          continue;
        }
        if (err.gone) {
          deps.logger.warn('Teams says the conversation is gone; retiring its alert subscription', {
            conversationId: value.conversationId,
            status: err.status,
          });
          await deps.subscriptions.remove(value.conversationId);
          await deps.store.delete(DIRTY, key);
          continue;
        }
        const n = (failures.get(value.conversationId) ?? 0) + 1;
        failures.set(value.conversationId, n);
        const backoff =
          err.status === 429 && err.retryAfterMs !== undefined ? err.retryAfterMs : Math.min(60_000, 500 * 2 ** Math.min(n, 7)) * (0.8 + Math.random() * 0.4);
        await deps.rateLimit.blockUntil(value.conversationId, clock() + backoff);
        deps.logger.info('alert delivery deferred', { conversationId: value.conversationId, status: err.status, retryInMs: Math.round(backoff) });
        later(backoff);
      }
    }
    return soonest;
  }

  return {
    /** Stores the alerts durably; resolves once they are safe. Delivery follows in the background. */
    async accept(alerts: IncomingAlert[]): Promise<string[]> {
      const ids: string[] = [];
      for (const alert of alerts) {
        const receivedAt = new Date(clock()).toISOString();
        const id = `${receivedAt}-${randomUUID()}`;
        await deps.store.put<OutboxItem>(OUTBOX, id, { id, alert, receivedAt }, { ifNoneMatch: true });
        ids.push(id);
      }
      kick();
      return ids;
    },
    /** Marks a group changed (acknowledged, muted) so every copy of its card is updated. */
    async touch(key: string, conversationId: string): Promise<void> {
      await deps.store.put(DIRTY, key, { conversationId });
      kick();
    },
    start(): void {
      stopped = false;
      kick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (running) await new Promise((r) => setTimeout(r, 10));
    },
    /** Resolves when nothing is left to do right now (tests; graceful shutdown). */
    idle(): Promise<void> {
      if (!running && !timer) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

export type AlertDispatcher = ReturnType<typeof createAlertDispatcher>;
