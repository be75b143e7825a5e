import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { createSeenActivities } from '../../src/teams/seen-activities';

describe('seen activities', () => {
  it('answers a re-sent activity once, across a bucket boundary, and drops entries older than two buckets', async () => {
    const store = openSqliteStore(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-seen-')));
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
});
