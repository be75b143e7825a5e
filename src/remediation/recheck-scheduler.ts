import type { ConversationReference } from 'botbuilder';
import type { Logger } from '../log/logger';
import type { Store } from '../store/store';

/** A re-check due after a fix: run the diagnostics again and update the fix's card. */
export interface Recheck {
  operationId: string;
  due: string;
  reference: Partial<ConversationReference>;
  /** The card message to update. */
  messageId: string;
  locale: string;
  attempts: number;
}

const COLLECTION = 'rechecks';
const MAX_ATTEMPTS = 5;

/**
 * Keeps re-checks in the store, so that they survive restarts, and runs each when due. `run` does the
 * checking and the card update; a failure is retried a few times with a growing delay.
 */
export function createRecheckScheduler(deps: { store: Store; run(recheck: Recheck): Promise<void>; logger: Logger; clock?: () => number }) {
  const clock = deps.clock ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let running: Promise<void> | undefined;

  const arm = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    // Long waits are re-armed every minute so a clock change or a new earlier re-check is not missed.
    timer = setTimeout(() => void (running = tick()), Math.max(0, Math.min(ms, 60_000)));
    timer.unref();
  };

  let busy = false;
  async function tick(): Promise<void> {
    timer = undefined;
    if (busy) return; // a pass is running; it re-arms when done
    busy = true;
    let next = 60_000;
    try {
      const all = (await deps.store.list<Recheck>(COLLECTION, { limit: 10_000 })).map((s) => s.value);
      const now = clock();
      for (const r of all) {
        const due = Date.parse(r.due);
        if (due > now) {
          next = Math.min(next, due - now);
          continue;
        }
        try {
          await deps.run(r);
          await deps.store.delete(COLLECTION, r.operationId);
        } catch (err) {
          const attempts = r.attempts + 1;
          deps.logger.warn('re-check failed', { operationId: r.operationId, attempts, err: err as Error });
          if (attempts >= MAX_ATTEMPTS) await deps.store.delete(COLLECTION, r.operationId);
          else {
            const retryIn = 30_000 * 2 ** attempts;
            await deps.store.put(COLLECTION, r.operationId, { ...r, attempts, due: new Date(now + retryIn).toISOString() });
            next = Math.min(next, retryIn);
          }
        }
      }
    } catch (err) {
      deps.logger.error('re-check scheduler failed', { err: err as Error });
    } finally {
      busy = false;
    }
    arm(next);
  }

  return {
    async schedule(r: Omit<Recheck, 'attempts'>): Promise<void> {
      await deps.store.put<Recheck>(COLLECTION, r.operationId, { ...r, attempts: 0 });
      arm(Math.max(0, Date.parse(r.due) - clock()));
    },
    async cancel(operationId: string): Promise<void> {
      await deps.store.delete(COLLECTION, operationId);
    },
    start(): void {
      stopped = false;
      arm(0);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

export type RecheckScheduler = ReturnType<typeof createRecheckScheduler>;
