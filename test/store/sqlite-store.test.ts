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

describe('group commit when SQLite undoes the whole transaction', () => {
  it('reports every write of the batch as failed when the disk fills, writes none of them, and recovers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-store-'));
    dirs.push(dir);
    let db: Database.Database | undefined;
    const store = openSqliteStore(dir, 'full.sqlite', (d) => (db = d));
    await store.put('c', 'seed', { v: 0 });
    const pages = db!.pragma('page_count', { simple: true }) as number;
    db!.pragma(`max_page_count = ${pages + 2}`); // room for small writes, not for a large one
    const results = await Promise.allSettled([store.put('c', 'a', { v: 1 }), store.put('c', 'big', { v: 'x'.repeat(200_000) }), store.put('c', 'c', { v: 3 })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.code).toBe('SQLITE_FULL');
    expect((await store.list('c')).map((d) => d.key)).toEqual(['seed']);
    // The next turn's writes commit normally.
    await store.put('c', 'after', { v: 4 });
    expect((await store.get('c', 'after'))?.value).toEqual({ v: 4 });
    await store.close();
  });

  it('commits a write asked for while a batch is being written, in the next batch', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-store-'));
    dirs.push(dir);
    const store = openSqliteStore(dir);
    const first = store.put('c', 'one', {});
    // Settles after the first batch's commit; the write it asks for goes into a new batch.
    const second = first.then(() => store.put('c', 'two', {}, { ifNoneMatch: true }));
    await expect(second).resolves.toEqual(expect.any(String));
    expect((await store.list('c')).map((d) => d.key)).toEqual(['one', 'two']);
    await store.close();
  });
});
