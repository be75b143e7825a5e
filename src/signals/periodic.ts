import { randomUUID } from 'node:crypto';
import { holdLease, releaseLease } from '../store/lease';
import type { Store } from '../store/store';

/**
 * Runs `run` every `intervalMs` on the one instance that holds the named lease (two intervals long,
 * renewed at each run), the first run at start. `run` must not throw; a run still going when stop() is
 * called is awaited, and the lease is given back.
 */
export function createPeriodic(opts: { store: Store; lease: string; intervalMs: number; clock: () => number; run: () => Promise<void> }) {
  const holder = randomUUID();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let again = false;

  const once = async () => {
    if (await holdLease(opts.store, opts.lease, holder, opts.intervalMs * 2, opts.clock())) await opts.run();
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = once().finally(() => {
        running = undefined;
        const soon = again;
        again = false;
        schedule(soon ? 0 : opts.intervalMs);
      });
    }, ms);
  };
  return {
    start(): void {
      stopped = false;
      schedule(0);
    },
    /** Runs now rather than at the next interval (new work arrived); a run going now is followed by another. */
    kick(): void {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      if (timer) clearTimeout(timer);
      schedule(0);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await releaseLease(opts.store, opts.lease, holder).catch(() => undefined);
    },
  };
}
