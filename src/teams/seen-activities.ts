import { PreconditionFailedError, type Store } from '../store/store';

const COLLECTION = 'seen-activities';
/** Teams re-sends after ~15 s; ten-minute buckets (checking the previous one too) cover that with room. */
const BUCKET_MS = 10 * 60 * 1000;

/**
 * Remembers which activities were handled, in the store (so a retry that reaches another instance is
 * caught too), in time buckets so that old entries can be dropped by prefix instead of growing forever.
 */
export function createSeenActivities(store: Store, clock: () => number = Date.now) {
  let prunedBefore = -1;
  const bucketOf = (t: number) => Math.floor(t / BUCKET_MS).toString(36).padStart(8, '0');

  /** Deletes every entry older than the previous bucket; keys start with the bucket, so they list oldest first. */
  async function prune(current: number): Promise<void> {
    const keepFrom = `${bucketOf((current - 1) * BUCKET_MS)}:`;
    for (let round = 0; round < 20; round++) {
      const old = (await store.list(COLLECTION, { limit: 500 })).filter((o) => o.key < keepFrom);
      if (!old.length) break;
      for (const o of old) await store.delete(COLLECTION, o.key);
    }
  }

  return {
    /** True the first time an activity is seen; false for a re-sent one. */
    async firstTime(conversationId: string, activityId: string): Promise<boolean> {
      const now = clock();
      const bucket = Math.floor(now / BUCKET_MS);
      const id = `${conversationId}|${activityId}`;
      if (bucket !== prunedBefore) {
        prunedBefore = bucket;
        prune(bucket).catch(() => undefined); // housekeeping; a failure only leaves old entries for next time
      }
      const previous = await store.get(COLLECTION, `${bucketOf((bucket - 1) * BUCKET_MS)}:${id}`);
      if (previous) return false;
      try {
        await store.put(COLLECTION, `${bucketOf(now)}:${id}`, { at: now }, { ifNoneMatch: true });
        return true;
      } catch (err) {
        if (err instanceof PreconditionFailedError) return false;
        throw err;
      }
    },
  };
}
