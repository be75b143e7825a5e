import { PreconditionFailedError, type Store } from '../store/store';

/** Ten-minute buckets, checking the previous one too: a key is remembered for 10 to 20 minutes. */
const BUCKET_MS = 10 * 60 * 1000;

/**
 * Remembers keys seen recently, in the store (so a repeat that reaches another instance is caught too), in
 * time buckets so that old entries are dropped by prefix instead of growing forever. Used for Teams' re-sent
 * activities (~15 s later) and for replayed signed alerts (a 5-minute window).
 */
export function createSeenKeys(
  store: Store,
  collection: string,
  /** The longest gap between two copies this must catch; at most BUCKET_MS. */
  repeatWindowMs = BUCKET_MS,
  clock: () => number = Date.now,
) {
  const COLLECTION = collection;
  let prunedBefore = -1;
  const bucketOf = (t: number) => Math.floor(t / BUCKET_MS).toString(36).padStart(8, '0');

  /** Deletes every entry older than the previous bucket; keys start with the bucket, so they list oldest first. */
  async function prune(current: number): Promise<void> {
    const keepFrom = `${bucketOf((current - 1) * BUCKET_MS)}:`;
    for (let round = 0; round < 20; round++) {
      const old = (await store.list(COLLECTION, { limit: 500 })).filter((o) => o.key < keepFrom);
      if (!old.length) break;
      // Fifty at a time: one commit for SQLite, a bounded number of requests in flight for Azure.
      for (let i = 0; i < old.length; i += 50) await Promise.all(old.slice(i, i + 50).map((o) => store.delete(COLLECTION, o.key)));
    }
  }

  return {
    /** True the first time a key is seen within the window; false for a repeat. */
    async firstTime(key: string): Promise<boolean> {
      const now = clock();
      const bucket = Math.floor(now / BUCKET_MS);
      const id = key;
      if (bucket !== prunedBefore) {
        prunedBefore = bucket;
        prune(bucket).catch(() => undefined); // housekeeping; a failure only leaves old entries for next time
      }
      // A copy from the previous bucket can only matter when this one began less than repeatWindowMs ago.
      if (now - bucket * BUCKET_MS < repeatWindowMs) {
        const previous = await store.get(COLLECTION, `${bucketOf((bucket - 1) * BUCKET_MS)}:${id}`);
        if (previous) return false;
      }
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

/** Teams re-sends an activity it thinks timed out: one entry per conversation and activity id. */
export function createSeenActivities(store: Store, clock: () => number = Date.now) {
  // Teams re-sends after about 15 s; three minutes is ample, and saves a read on most messages.
  const keys = createSeenKeys(store, 'seen-activities', 3 * 60 * 1000, clock);
  return { firstTime: (conversationId: string, activityId: string) => keys.firstTime(`${conversationId}|${activityId}`) };
}
