import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { PreconditionFailedError } from '../../src/store/store';
import { storeContract } from './store-contract';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('the SQLite store', () => {
  storeContract(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-store-'));
    dirs.push(dir);
    return { open: async () => openSqliteStore(dir) };
  });
});

describe('the SQLite store commits the writes of one turn together', () => {
  const fresh = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-store-'));
    dirs.push(dir);
    return dir;
  };

  it('checks each conditional write against the writes queued before it in the same turn', async () => {
    const store = openSqliteStore(fresh());
    const results = await Promise.allSettled([
      store.put('c', 'k', { n: 1 }, { ifNoneMatch: true }),
      store.put('c', 'k', { n: 2 }, { ifNoneMatch: true }),
      store.put('c', 'other', { n: 3 }, { ifNoneMatch: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(PreconditionFailedError);
    expect((await store.get('c', 'k'))?.value).toEqual({ n: 1 });
    expect((await store.get('c', 'other'))?.value).toEqual({ n: 3 });
    await store.close();
  });

  it('settles a write only once it is committed: another connection to the file reads it at once', async () => {
    const dir = fresh();
    const a = openSqliteStore(dir);
    const b = openSqliteStore(dir);
    const etag = await a.put('c', 'k', { v: 'x' });
    expect(await b.get('c', 'k')).toEqual({ key: 'k', value: { v: 'x' }, etag });
    await a.delete('c', 'k');
    expect(await b.get('c', 'k')).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it('writes what is still queued when closed', async () => {
    const dir = fresh();
    const store = openSqliteStore(dir);
    const written = store.put('c', 'late', { v: 1 });
    await store.close();
    await expect(written).resolves.toEqual(expect.any(String));
    const reopened = openSqliteStore(dir);
    expect((await reopened.get('c', 'late'))?.value).toEqual({ v: 1 });
    await reopened.close();
  });
});

describe('group commit', () => {
  it('commits 50 writes asked for in one turn as one transaction', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-store-'));
    dirs.push(dir);
    const store = openSqliteStore(dir);
    await store.put('c', 'first', {});
    // Each commit appends its own frames to the write-ahead log: 50 commits would leave 50 or more.
    const observer = new Database(path.join(dir, 'mail-flow-doctor.sqlite'));
    observer.pragma('wal_checkpoint(TRUNCATE)');
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.put('c', `k${i}`, { i })));
    const [{ log }] = observer.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(log).toBeGreaterThan(0);
    expect(log).toBeLessThan(10);
    expect((await store.list('c')).length).toBe(51);
    observer.close();
    await store.close();
  });
});
