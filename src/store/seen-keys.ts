import { createHash } from 'node:crypto';
import { PreconditionFailedError, type Store } from './store';

/** Keys live in ten-minute buckets; the previous bucket is checked too, so a key is kept 10 to 20 minutes. */
const BUCKET_MS = 10 * 60 * 1000;
/**
 * Keys up to this long are stored as they are; a longer one (a request can send anything) as its SHA-256.
 * Azure Blob names hold 1,024 characters and the store escapes punctuation to three: 300 always fits.
 */
const MAX_PLAIN_KEY = 300;

export interface SeenKeys {
  /** True the first time a key is seen within the window; false for a repeat. */
  firstTime(key: string): Promise<boolean>;
}

/**
 * Remembers keys seen recently, so that a repeat is acted on once: Teams' re-sent activities (~15 s later)
 * and replayed signed alerts (a 5-minute window). The same design on every store: each key is one
 * conditional create (ifNoneMatch) in the store, so the answer is exact, survives a crash (the create is
 * committed before the caller acts), and holds across instances sharing a store.
 *
 * Keys start with their time bucket, so old ones are pruned by listing in key order instead of by scanning
 * everything; a key is kept for at least `repeatWindowMs` and at most two buckets.
 */
export function createSeenKeys(
  store: Store,
  collection: string,
  /** The longest gap between two copies this must catch; at most BUCKET_MS. */
  repeatWindowMs = BUCKET_MS,
  clock: () => number = Date.now,
): SeenKeys {
  const window = Math.min(repeatWindowMs, BUCKET_MS);
  const prune = bucketPruner(store, collection);
  return {
    async firstTime(raw) {
      const key = raw.length > MAX_PLAIN_KEY ? `sha256:${createHash('sha256').update(raw).digest('base64url')}` : raw;
      const now = clock();
      prune(now);
      const bucket = Math.floor(now / BUCKET_MS);
      // A copy in the previous bucket can only matter when this bucket began less than the window ago.
      if (now - bucket * BUCKET_MS < window) {
        if (await store.get(collection, `${bucketName(bucket - 1)}:${key}`)) return false;
      }
      try {
        await store.put(collection, `${bucketName(bucket)}:${key}`, { at: now }, { ifNoneMatch: true });
        return true;
      } catch (err) {
        if (err instanceof PreconditionFailedError) return false;
        throw err;
      }
    },
  };
}

/** Teams re-sends an activity it thinks timed out: one key per conversation and activity id. */
export function createSeenActivities(store: Store, clock: () => number = Date.now) {
  // Teams re-sends after about 15 s; three minutes is ample, and saves a read on most messages.
  const keys = createSeenKeys(store, 'seen-activities', 3 * 60 * 1000, clock);
  return { firstTime: (conversationId: string, activityId: string) => keys.firstTime(`${conversationId}|${activityId}`) };
}

export type SeenActivities = ReturnType<typeof createSeenActivities>;

const bucketName = (bucket: number) => bucket.toString(36).padStart(8, '0');

/** Once per bucket, in the background: deletes every key older than the previous bucket. */
function bucketPruner(store: Store, collection: string) {
  let prunedIn = -1;
  async function prune(bucket: number): Promise<void> {
    const keepFrom = `${bucketName(bucket - 1)}:`;
    // Until nothing older is left, however many keys a bucket holds (oldest first: keys sort by bucket).
    for (;;) {
      const old = (await store.list(collection, { limit: 500 })).filter((o) => o.key < keepFrom);
      if (!old.length) break;
      // Fifty at a time: a bounded number of requests in flight on Azure.
      for (let i = 0; i < old.length; i += 50) await Promise.all(old.slice(i, i + 50).map((o) => store.delete(collection, o.key)));
    }
  }
  return (now: number) => {
    const bucket = Math.floor(now / BUCKET_MS);
    if (bucket === prunedIn) return;
    prunedIn = bucket;
    prune(bucket).catch(() => undefined); // housekeeping: a failure only leaves old keys for the next bucket
  };
}
