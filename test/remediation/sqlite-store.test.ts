import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { PreconditionFailedError, updateDocument } from '../../src/store/store';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-store-'));

describe('the SQLite store', () => {
  it('writes conditionally: ifNoneMatch once, ifMatch only on the etag it read', async () => {
    const store = openSqliteStore(tmp());
    const etag = await store.put('c', 'k', { n: 1 }, { ifNoneMatch: true });
    await expect(store.put('c', 'k', { n: 2 }, { ifNoneMatch: true })).rejects.toBeInstanceOf(PreconditionFailedError);
    const next = await store.put('c', 'k', { n: 2 }, { ifMatch: etag });
    await expect(store.put('c', 'k', { n: 3 }, { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.get('c', 'k')).toEqual({ key: 'k', value: { n: 2 }, etag: next });
    await store.close();
  });

  it('survives reopening the same file, and lists by prefix newest first', async () => {
    const dir = tmp();
    const a = openSqliteStore(dir);
    for (const k of ['2023-01-01', '2023-01-02', '2024-01-01']) await a.put('audit', k, { k });
    await a.close();
    const b = openSqliteStore(dir);
    expect((await b.list('audit', { descending: true, limit: 2 })).map((s) => s.key)).toEqual(['2024-01-01', '2023-01-02']);
    expect((await b.list('audit', { prefix: '2023' })).map((s) => s.key)).toEqual(['2023-01-01', '2023-01-02']);
    await b.close();
  });

  it('loses no update when two writers race on one document', async () => {
    const store = openSqliteStore(tmp());
    await Promise.all(Array.from({ length: 20 }, () => updateDocument<{ n: number }>(store, 'c', 'counter', (cur) => ({ n: (cur?.n ?? 0) + 1 }), 50)));
    expect((await store.get<{ n: number }>('c', 'counter'))?.value.n).toBe(20);
    await store.close();
  });
});
