import { createHash, randomUUID } from 'node:crypto';
import { PreconditionFailedError, type Store } from '../store/store';
import { FingerprintSet, fingerprint } from './fingerprint-set';

/** Ten-minute buckets, checking the previous one too: a key is remembered for 10 to 20 minutes. */
const BUCKET_MS = 10 * 60 * 1000;
/** How often keys seen by a single instance are written down, for a restart. */
const JOURNAL_EVERY_MS = 1000;

export interface SeenKeys {
  /** True the first time a key is seen within the window; false for a repeat. */
  firstTime(key: string): Promise<boolean>;
  /** Writes down what is only in memory; call before the store closes. */
  flush(): Promise<void>;
}

/**
 * Remembers keys seen recently, so that a repeat is answered once: Teams' re-sent activities (~15 s later)
 * and replayed signed alerts (a 5-minute window).
 *
 * - On a store that other instances share (Azure Blob), every key is a conditional create in the store, so
 *   a repeat that reaches another instance is caught too.
 * - On a store only this instance uses (SQLite), the check is in memory (keys kept as fingerprints,
 *   fingerprint-set.ts), and they are written to the store once a second, in one document, so that a
 *   restart still knows them. Under load, a store write
 *   per message was the largest cost of answering one after the HTTP work itself (bench/http.bench.ts).
 *   A repeat that arrives within a second of its first copy, across a crash, is answered twice.
 *
 * Store entries live in time buckets, so old ones are dropped by prefix instead of growing forever.
 */
export function createSeenKeys(
  store: Store,
  collection: string,
  /** The longest gap between two copies this must catch; at most BUCKET_MS. */
  repeatWindowMs = BUCKET_MS,
  clock: () => number = Date.now,
  options: SeenKeysOptions = {},
): SeenKeys {
  const keys = store.shared
    ? keysInStore(store, collection, repeatWindowMs, clock)
    : keysInMemory(store, collection, repeatWindowMs, clock, options.maxKeysPerWindow ?? 25_000, options.onWriteError ?? (() => undefined));
  // Keys come from requests (a conversation id can be long): a long one is stored as its SHA-256 (as
  // journals written before fingerprints hold it, too).
  return { firstTime: (key) => keys.firstTime(key.length > 200 ? `sha256:${createHash('sha256').update(key).digest('base64url')}` : key), flush: keys.flush };
}

export interface SeenKeysOptions {
  /**
   * Memory bound on one instance: at most twice this many keys are held (as fingerprints, 8 bytes each in a
   * table at most half full: 1 MB in all at the default).
   * Under a load that brings more than this many keys within the window, each is remembered for as long as
   * it takes this many more to arrive instead (at 1,000 messages a second, 25 s; Teams re-sends after
   * about 15 s). Default 25,000.
   */
  maxKeysPerWindow?: number;
  /** Told when the keys of one instance could not be written down (a restart would not know them). */
  onWriteError?: (err: unknown) => void;
}

/** Teams re-sends an activity it thinks timed out: one entry per conversation and activity id. */
export function createSeenActivities(store: Store, clock: () => number = Date.now, options: SeenKeysOptions = {}) {
  // Teams re-sends after about 15 s; three minutes is ample, and saves a read on most messages.
  const keys = createSeenKeys(store, 'seen-activities', 3 * 60 * 1000, clock, options);
  return {
    firstTime: (conversationId: string, activityId: string) => keys.firstTime(`${conversationId}|${activityId}`),
    flush: () => keys.flush(),
  };
}

export type SeenActivities = ReturnType<typeof createSeenActivities>;

const bucketOf = (t: number) => Math.floor(t / BUCKET_MS).toString(36).padStart(8, '0');

/** Once per bucket: deletes every entry older than the previous bucket (keys start with the bucket). */
function bucketPruner(store: Store, collection: string) {
  let prunedIn = -1;
  async function prune(current: number): Promise<void> {
    const keepFrom = `${bucketOf((current - 1) * BUCKET_MS)}:`;
    for (let round = 0; round < 20; round++) {
      const old = (await store.list(collection, { limit: 500 })).filter((o) => o.key < keepFrom);
      if (!old.length) break;
      // Fifty at a time: one commit for SQLite, a bounded number of requests in flight for Azure.
      for (let i = 0; i < old.length; i += 50) await Promise.all(old.slice(i, i + 50).map((o) => store.delete(collection, o.key)));
    }
  }
  return (now: number) => {
    const bucket = Math.floor(now / BUCKET_MS);
    if (bucket === prunedIn) return;
    prunedIn = bucket;
    prune(bucket).catch(() => undefined); // housekeeping; a failure only leaves old entries for next time
  };
}

function keysInStore(store: Store, collection: string, repeatWindowMs: number, clock: () => number): SeenKeys {
  const prune = bucketPruner(store, collection);
  return {
    async firstTime(key) {
      const now = clock();
      prune(now);
      const bucket = Math.floor(now / BUCKET_MS);
      // A copy from the previous bucket can only matter when this one began less than repeatWindowMs ago.
      if (now - bucket * BUCKET_MS < repeatWindowMs) {
        const previous = await store.get(collection, `${bucketOf((bucket - 1) * BUCKET_MS)}:${key}`);
        if (previous) return false;
      }
      try {
        await store.put(collection, `${bucketOf(now)}:${key}`, { at: now }, { ifNoneMatch: true });
        return true;
      } catch (err) {
        if (err instanceof PreconditionFailedError) return false;
        throw err;
      }
    },
    flush: async () => undefined,
  };
}

const FIRST = Promise.resolve(true);
const REPEAT = Promise.resolve(false);

/** One journal document: the keys first seen in about a second (their fingerprints), and when it was written. */
interface JournalEntry {
  at: number;
  fingerprints?: number[];
  /** As versions before fingerprints wrote them. */
  keys?: string[];
}

function keysInMemory(store: Store, collection: string, repeatWindowMs: number, clock: () => number, maxKeysPerWindow: number, onWriteError: (err: unknown) => void): SeenKeys {
  const journal = `${collection}-journal`;
  const pruneJournal = bucketPruner(store, journal);
  const pruneRecords = bucketPruner(store, collection); // records a shared store (or an older version) left
  const prune = (now: number) => {
    pruneJournal(now);
    pruneRecords(now);
  };
  // Two generations, each spanning at least repeatWindowMs: a key stays at least that long. Keys are kept
  // as fingerprints (fingerprint-set.ts): 1 MB at the default bound whatever the keys, nothing for the GC to trace.
  let current = new FingerprintSet(maxKeysPerWindow);
  let previous = new FingerprintSet(maxKeysPerWindow);
  let since = clock();
  let unwritten: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  // What earlier runs saw within the window (the document's time is at or after its keys' times).
  let loading: Promise<void> | undefined = (async () => {
    const from = clock() - repeatWindowMs;
    for (const prefix of new Set([bucketOf(from), bucketOf(clock())])) {
      const entries = await store.list<JournalEntry>(journal, { prefix: `${prefix}:`, limit: 10_000 });
      for (const { value: e } of entries) {
        if (!(e.at >= from)) continue;
        if (Array.isArray(e.fingerprints)) for (const fp of e.fingerprints) if (Number.isSafeInteger(fp) && fp > 0) current.add(fp);
        if (Array.isArray(e.keys)) for (const k of e.keys) if (typeof k === 'string') current.add(fingerprint(k));
      }
    }
  })().catch(() => undefined); // without the journal a restart may answer a re-sent activity twice; no worse

  const write = () => {
    clearTimeout(timer);
    timer = undefined;
    const fingerprints = unwritten;
    unwritten = [];
    if (!fingerprints.length) return writing;
    const at = clock();
    prune(at);
    const entry: JournalEntry = { at, fingerprints };
    writing = writing.then(() => store.put(journal, `${bucketOf(at)}:${at.toString(36).padStart(9, '0')}-${randomUUID()}`, entry)).then(
      () => undefined,
      onWriteError, // only a restart's memory is lost; the caller logs it
    );
    return writing;
  };

  const check = (key: string): boolean => {
    const now = clock();
    if (now - since >= repeatWindowMs || current.size >= maxKeysPerWindow) {
      // Everything in `current` was seen before since + repeatWindowMs: after twice the window, none counts.
      previous.clear();
      if (now - since >= 2 * repeatWindowMs) {
        current.clear();
      } else {
        const emptied = previous; // its memory serves the new generation
        previous = current;
        current = emptied;
      }
      since = now;
    }
    const fp = fingerprint(key);
    if (previous.has(fp) || !current.add(fp)) return false;
    unwritten.push(fp);
    if (!timer) {
      timer = setTimeout(write, JOURNAL_EVERY_MS);
      timer.unref();
    }
    return true;
  };

  return {
    firstTime(key) {
      if (loading) {
        const loaded = loading;
        return loaded.then(() => {
          if (loading === loaded) loading = undefined;
          return check(key);
        });
      }
      return check(key) ? FIRST : REPEAT; // settled answers, made once: no promise per message
    },
    async flush() {
      if (loading) await loading;
      await write();
    },
  };
}
