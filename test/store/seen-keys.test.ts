import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeenActivities, createSeenKeys } from '../../src/store/seen-keys';
import { openSqliteStore } from '../../src/store/sqlite-store';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-seen-'));
const WINDOW = 3 * 60_000; // seen-activities' window

describe('seen keys (each one a conditional create in the store)', () => {
  it('answers a re-sent activity once, across a bucket boundary, and prunes keys older than two buckets', async () => {
    const store = openSqliteStore(tempDir());
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
    await store.close();
  });

  it('prunes every old key, however many a busy bucket held', async () => {
    const store = openSqliteStore(tempDir());
    let now = Date.UTC(2026, 0, 1, 10, 0, 0);
    const seen = createSeenKeys(store, 'busy', 3 * 60_000, () => now);
    await Promise.all(Array.from({ length: 12_000 }, (_, i) => seen.firstTime(`k${i}`))); // 20 messages a second for 10 minutes
    now += 30 * 60_000;
    expect(await seen.firstTime('new')).toBe(true);
    const deadline = Date.now() + 20_000;
    while ((await store.list('busy', { limit: 2 })).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await store.list('busy', { limit: 20_000 })).map((o) => o.key.split(':')[1])).toEqual(['new']);
    await store.close();
  }, 30_000);

  it('catches a copy that another instance on the same store saw first', async () => {
    const store = openSqliteStore(tempDir());
    const a = createSeenActivities(store);
    const b = createSeenActivities(store);
    expect(await a.firstTime('a:c', '1')).toBe(true);
    expect(await b.firstTime('a:c', '1')).toBe(false);
    await store.close();
  });

  it('still knows a key after the process dies right after answering (nothing is held back in memory)', async () => {
    const dir = tempDir();
    const first = openSqliteStore(dir);
    expect(await createSeenActivities(first).firstTime('a:c', 'before-crash')).toBe(true);
    // No close, no flush: a second connection to the same file is what a restarted process sees.
    const second = openSqliteStore(dir);
    expect(await createSeenActivities(second).firstTime('a:c', 'before-crash')).toBe(false);
    await second.close();
    await first.close();
  });

  it('answers a repeat within the window once, whatever the order of calls and gaps', async () => {
    const store = openSqliteStore(tempDir());
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 5 }),
            fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: WINDOW }), fc.integer({ min: WINDOW, max: 4 * WINDOW })),
          ),
          { maxLength: 60 },
        ),
        async (steps) => {
          let now = Date.UTC(2026, 0, 1, 10, 0, 0);
          // One collection per property run: runs restart the clock, and one run's pruning must not reach another's keys.
          const seen = createSeenKeys(store, `seen-${++run}`, WINDOW, () => now);
          const firstSeen = new Map<string, number>();
          for (const [id, gap] of steps) {
            now += gap;
            const key = String(id);
            const answer = await seen.firstTime(key);
            const t = firstSeen.get(key);
            if (t !== undefined && now - t < WINDOW) expect(answer).toBe(false); // a repeat within the window
            if (t === undefined || now - t >= 3 * WINDOW + 20 * 60_000) expect(answer).toBe(true); // new, or long forgotten
            if (answer) firstSeen.set(key, now);
          }
        },
      ),
      { numRuns: 60 },
    );
    await store.close();
  });

  it('tells apart keys that differ only past the stored length, and keys that differ in one character', async () => {
    const store = openSqliteStore(tempDir());
    const seen = createSeenKeys(store, 'sig');
    const long = 'x'.repeat(100_000);
    expect(await seen.firstTime(long)).toBe(true);
    expect(await seen.firstTime(long)).toBe(false);
    expect(await seen.firstTime(`${long}y`)).toBe(true);
    expect(await seen.firstTime('ab')).toBe(true);
    expect(await seen.firstTime('aB')).toBe(true);
    expect(await seen.firstTime('ab')).toBe(false);
    await store.close();
  });

  it('lets a store failure reach the caller instead of answering as if the key were new', async () => {
    const store = openSqliteStore(tempDir());
    const failing = { ...store, put: async () => Promise.reject(new Error('disk full')) };
    await expect(createSeenKeys(failing, 'sig').firstTime('k')).rejects.toThrow('disk full');
    await store.close();
  });
});
