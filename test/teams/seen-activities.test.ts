import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { fingerprint } from '../../src/teams/fingerprint-set';
import { createSeenActivities, createSeenKeys } from '../../src/teams/seen-activities';

const tempStore = () => openSqliteStore(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-seen-')));
/** The same SQLite file, declared shared: the path several instances on Azure Blob take. */
const asShared = (store: Store): Store => ({ ...store, shared: true });
const WINDOW = 3 * 60_000; // seen-activities' window

describe('seen activities on a shared store (each key a conditional create)', () => {
  it('answers a re-sent activity once, across a bucket boundary, and drops entries older than two buckets', async () => {
    const sqlite = tempStore();
    const store = asShared(sqlite);
    let now = Date.UTC(2026, 0, 1, 10, 9, 50); // 10 s before a ten-minute boundary
    const seen = createSeenActivities(store, () => now);
    expect(await seen.firstTime('a:c', '1')).toBe(true);
    expect(await seen.firstTime('a:c', '1')).toBe(false);
    now += 15_000; // Teams' retry lands in the next bucket
    expect(await seen.firstTime('a:c', '1')).toBe(false);
    expect(await seen.firstTime('a:c', '2')).toBe(true);
    expect(await seen.firstTime('a:other', '1')).toBe(true);
    now += 30 * 60_000; // three buckets later the first ones are pruned
    expect(await seen.firstTime('a:c', '3')).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    const left = await store.list('seen-activities', { limit: 100 });
    expect(left.map((s) => s.key.split(':').slice(1).join(':'))).toEqual(['a:c|3']);
    await sqlite.close();
  });

  it('catches a copy that another instance saw first', async () => {
    const sqlite = tempStore();
    const a = createSeenActivities(asShared(sqlite));
    const b = createSeenActivities(asShared(sqlite));
    expect(await a.firstTime('a:c', '1')).toBe(true);
    expect(await b.firstTime('a:c', '1')).toBe(false);
    await sqlite.close();
  });
});

describe('seen activities on a store of one instance (in memory, written down once a second)', () => {
  it('answers a repeat within the window once, whatever the order of calls and gaps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: WINDOW }), fc.integer({ min: WINDOW, max: 4 * WINDOW }))), { maxLength: 60 }),
        async (steps) => {
        const store = tempStore();
        let now = Date.UTC(2026, 0, 1, 10, 0, 0);
        const seen = createSeenActivities(store, () => now);
        const firstSeen = new Map<string, number>();
        for (const [id, gap] of steps) {
          now += gap;
          const key = String(id);
          const answer = await seen.firstTime('a:c', key);
          const t = firstSeen.get(key);
          if (t !== undefined && now - t < WINDOW) expect(answer).toBe(false); // a repeat within the window
          if (t === undefined || now - t >= 3 * WINDOW) expect(answer).toBe(true); // new, or long forgotten
          if (answer) firstSeen.set(key, now);
        }
        await seen.flush();
        await store.close();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('writes one journal document for many messages instead of a record each', async () => {
    const store = tempStore();
    const seen = createSeenActivities(store);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => seen.firstTime('a:c', String(i % 100))));
    expect(answers.filter(Boolean)).toHaveLength(100);
    expect(await store.list('seen-activities')).toEqual([]);
    expect(await store.list('seen-activities-journal')).toEqual([]); // not yet: within the second
    await seen.flush();
    const journal = await store.list<{ fingerprints: number[] }>('seen-activities-journal');
    expect(journal).toHaveLength(1);
    expect(journal[0].value.fingerprints).toEqual(Array.from({ length: 100 }, (_, i) => fingerprint(`a:c|${i}`)));
    await store.close();
  });

  it('writes the journal within about a second without being asked', async () => {
    const store = tempStore();
    const seen = createSeenActivities(store);
    expect(await seen.firstTime('a:c', '1')).toBe(true);
    await new Promise((r) => setTimeout(r, 1300));
    expect(await store.list('seen-activities-journal')).toHaveLength(1);
    await store.close();
  });

  it('still knows, after a restart, what it saw within the window, and forgets what is older', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-seen-'));
    let now = Date.UTC(2026, 0, 1, 10, 9, 0);
    let store = openSqliteStore(dir);
    let seen = createSeenActivities(store, () => now);
    expect(await seen.firstTime('a:c', 'old')).toBe(true);
    await seen.flush(); // as the once-a-second write would
    now += WINDOW + 1000;
    expect(await seen.firstTime('a:c', 'recent')).toBe(true);
    await seen.flush();
    await store.close();

    now += 15_000; // Teams re-sends while the bot restarts
    store = openSqliteStore(dir);
    seen = createSeenActivities(store, () => now);
    expect(await seen.firstTime('a:c', 'recent')).toBe(false);
    expect(await seen.firstTime('a:c', 'old')).toBe(true);
    await store.close();
  });

  it('drops journal documents older than the previous bucket', async () => {
    const store = tempStore();
    let now = Date.UTC(2026, 0, 1, 10, 0, 0);
    const seen = createSeenKeys(store, 'sig', 5 * 60_000, () => now);
    expect(await seen.firstTime('x')).toBe(true);
    await seen.flush();
    now += 30 * 60_000;
    expect(await seen.firstTime('y')).toBe(true);
    await seen.flush();
    await new Promise((r) => setTimeout(r, 50));
    const left = await store.list<{ fingerprints: number[] }>('sig-journal');
    expect(left.map((e) => e.value.fingerprints)).toEqual([[fingerprint('y')]]);
    await store.close();
  });
});

describe('seen activities in memory, under a load beyond the bound', () => {
  it('lets the oldest keys go beyond the bound, and still catches a repeat among the last ones', async () => {
    const store = tempStore();
    const now = Date.UTC(2026, 0, 1, 10, 0, 0);
    const seen = createSeenActivities(store, () => now, { maxKeysPerWindow: 100 });
    for (let i = 0; i < 1000; i++) expect(await seen.firstTime('a:c', String(i))).toBe(true);
    expect(await seen.firstTime('a:c', '999')).toBe(false); // the newest are remembered
    expect(await seen.firstTime('a:c', '900')).toBe(false);
    expect(await seen.firstTime('a:c', '0')).toBe(true); // the oldest were let go, within the same second
    await store.close();
  });
});

describe('seen activities in memory: keys, failures and leftovers', () => {
  it('keeps a very long key as its fingerprint, and still tells a repeat from a new one', async () => {
    const store = tempStore();
    const seen = createSeenActivities(store);
    const long = `a:${'x'.repeat(100_000)}`;
    expect(await seen.firstTime(long, '1')).toBe(true);
    expect(await seen.firstTime(long, '1')).toBe(false);
    expect(await seen.firstTime(`${long}y`, '1')).toBe(true);
    await seen.flush();
    const [entry] = await store.list<{ fingerprints: number[] }>('seen-activities-journal');
    expect(entry.value.fingerprints).toHaveLength(2);
    expect(entry.value.fingerprints.every((fp) => Number.isSafeInteger(fp) && fp > 0)).toBe(true);
    await store.close();
  });

  it('reads the journal an earlier version wrote (the keys themselves) after an upgrade', async () => {
    const store = tempStore();
    const now = Date.UTC(2026, 0, 1, 10, 9, 0);
    const bucket = Math.floor(now / (10 * 60_000)).toString(36).padStart(8, '0');
    // Keys longer than 200 characters were written as their SHA-256.
    const long = `a:${'l'.repeat(300)}`;
    const digest = `sha256:${createHash('sha256').update(`${long}|1`).digest('base64url')}`;
    await store.put('seen-activities-journal', `${bucket}:old-version`, { at: now - 5000, keys: ['a:c|sent-before-upgrade', digest] });
    const seen = createSeenActivities(store, () => now);
    expect(await seen.firstTime('a:c', 'sent-before-upgrade')).toBe(false);
    expect(await seen.firstTime(long, '1')).toBe(false);
    expect(await seen.firstTime(long, '2')).toBe(true);
    expect(await seen.firstTime('a:c', 'new')).toBe(true);
    await store.close();
  });

  it('says when the keys could not be written down', async () => {
    const sqlite = tempStore();
    const failing: Store = { ...sqlite, put: async () => Promise.reject(new Error('disk full')) };
    const errors: unknown[] = [];
    const seen = createSeenActivities(failing, Date.now, { onWriteError: (err) => errors.push(err) });
    expect(await seen.firstTime('a:c', '1')).toBe(true);
    await seen.flush();
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full']);
    await sqlite.close();
  });

  it('drops old per-activity records a shared store or an earlier version left', async () => {
    const sqlite = tempStore();
    let now = Date.UTC(2026, 0, 1, 10, 0, 0);
    const shared = createSeenActivities(asShared(sqlite), () => now);
    expect(await shared.firstTime('a:c', 'old')).toBe(true);
    now += 30 * 60_000;
    const local = createSeenActivities(sqlite, () => now);
    expect(await local.firstTime('a:c', 'new')).toBe(true);
    await local.flush(); // writing the journal is when old entries are dropped
    await new Promise((r) => setTimeout(r, 50));
    expect(await sqlite.list('seen-activities')).toEqual([]);
    await sqlite.close();
  });
});

describe('seen activities in memory, asked before the journal is read', () => {
  it('answers calls made while it loads in order, each once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-seen-'));
    let store = openSqliteStore(dir);
    let seen = createSeenActivities(store);
    expect(await seen.firstTime('a:c', 'before')).toBe(true);
    await seen.flush();
    await store.close();
    store = openSqliteStore(dir);
    seen = createSeenActivities(store);
    // All asked at once, before the journal has been read.
    const answers = await Promise.all([seen.firstTime('a:c', 'before'), seen.firstTime('a:c', 'new'), seen.firstTime('a:c', 'new'), seen.firstTime('a:c', 'before')]);
    expect(answers).toEqual([false, true, false, false]);
    await store.close();
  });
});
