import type { ProbeReport } from './types';

export interface ProbeLimiterOptions {
  /** probes one user may start per window */
  perUser: number;
  /** probes everyone together may start per window */
  overall: number;
  windowMs: number;
  clock?: () => number;
}

export interface LimitedRun {
  status: 'started' | 'joined' | 'limited';
  promise?: Promise<ProbeReport>;
  retryAfterMs?: number;
}

/**
 * Keeps the bot from becoming a port scanner or a flood source: one probe per destination at a
 * time (a second ask joins the running one and costs nothing), and sliding-window budgets of
 * starts per user and overall. State lives in the returned object, one per bot instance.
 */
export function createProbeLimiter(opts: ProbeLimiterOptions): { run(userId: string, key: string, start: () => Promise<ProbeReport>): LimitedRun } {
  const clock = opts.clock ?? Date.now;
  const running = new Map<string, Promise<ProbeReport>>();
  const startsByUser = new Map<string, number[]>();
  let startsOverall: number[] = [];

  const recent = (times: number[], now: number): number[] => times.filter((t) => now - t < opts.windowMs);
  const waitFor = (times: number[], now: number): number => Math.max(1, times[0] + opts.windowMs - now);

  return {
    run(userId, key, start) {
      const id = key.trim().toLowerCase();
      const joined = running.get(id);
      if (joined) return { status: 'joined', promise: joined };

      const now = clock();
      startsOverall = recent(startsOverall, now);
      // sweep every user, so users who never come back do not stay in memory
      for (const [user, times] of startsByUser) {
        const kept = recent(times, now);
        if (kept.length) startsByUser.set(user, kept);
        else startsByUser.delete(user);
      }
      const mine = startsByUser.get(userId) ?? [];
      if (mine.length >= opts.perUser) return { status: 'limited', retryAfterMs: waitFor(mine, now) };
      if (startsOverall.length >= opts.overall) return { status: 'limited', retryAfterMs: waitFor(startsOverall, now) };

      startsByUser.set(userId, [...mine, now]);
      startsOverall.push(now);
      let promise: Promise<ProbeReport>;
      try {
        promise = start();
      } catch (err) {
        promise = Promise.reject(err);
      }
      running.set(id, promise);
      const forget = (): void => {
        if (running.get(id) === promise) running.delete(id);
      };
      promise.then(forget, forget);
      return { status: 'started', promise };
    },
  };
}
