import { expect, it } from 'vitest';
import { PreconditionFailedError, updateDocument, type Store } from '../../src/store/store';

/**
 * A new, empty place to keep documents. `open` may be called more than once: each call is another handle on
 * the same documents, like another bot process.
 */
export type NewPlace = () => Promise<{ open(): Promise<Store> }>;

/** Keys shaped like the ones the app writes: timestamps, uuids, hashes, Teams conversation and user ids. */
export const APP_KEYS = [
  '2024-03-01T09:15:00.000Z|4.4.316',
  '2024-03-01T09:15:00.000Z',
  '2024-03-01T10:00:00.000Z-0b5c',
  '2023-12-31T23:59:59.999Z',
  '0f8fad5b-d9cb-469f-a165-70867728950e',
  '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'E3B0C44298FC',
  '19:abc@thread.tacv2',
  '19:abc@thread.tacv2|1700000000000',
  '19:meeting_MjdhNjM4YzUtYzExZi00OTFkLTkzMjItOGE0MzEx@thread.v2',
  '19:abc-def@thread.skype',
  'a:1rLdXjC4q3Ux-vN_0w8_eC9Qz5Y',
  'a:1rLd',
  '29:1abcDEF_ghi-JKL',
  'conv/with/slashes',
  'trailing.dot.',
  'space and %25 percent',
  'café',
  'naïve~tilde',
  'emoji-😀-inside',
  '中文键',
];

/** SQLite's BINARY collation: UTF-8 bytes. */
export const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** The behaviour every engine must share; callers rely on it for idempotency across instances. */
export function storeContract(newPlace: NewPlace): void {
  const openOne = async () => (await newPlace()).open();

  it('writes conditionally: ifNoneMatch once, ifMatch only on the etag it read', async () => {
    const store = await openOne();
    const etag = await store.put('c', 'k', { n: 1 }, { ifNoneMatch: true });
    await expect(store.put('c', 'k', { n: 2 }, { ifNoneMatch: true })).rejects.toBeInstanceOf(PreconditionFailedError);
    const next = await store.put('c', 'k', { n: 2 }, { ifMatch: etag });
    expect(next).not.toBe(etag);
    await expect(store.put('c', 'k', { n: 3 }, { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.get('c', 'k')).toEqual({ key: 'k', value: { n: 2 }, etag: next });
    await store.close();
  });

  it('refuses an ifMatch write to a document that is missing or was deleted', async () => {
    const store = await openOne();
    await expect(store.put('c', 'never', { n: 1 }, { ifMatch: '1' })).rejects.toBeInstanceOf(PreconditionFailedError);
    const etag = await store.put('c', 'gone', { n: 1 });
    await store.delete('c', 'gone');
    await expect(store.put('c', 'gone', { n: 2 }, { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.get('c', 'gone')).toBeUndefined();
    expect(await store.get('c', 'never')).toBeUndefined();
    await store.close();
  });

  it('refuses an ifMatch that is not an etag it handed out, even a wildcard or an empty one', async () => {
    const store = await openOne();
    const etag = await store.put('c', 'k', { n: 1 });
    for (const notAnEtag of ['', '*', 'garbage', `${etag}, *`]) {
      await expect(store.put('c', 'k', { n: 2 }, { ifMatch: notAnEtag }), JSON.stringify(notAnEtag)).rejects.toBeInstanceOf(PreconditionFailedError);
    }
    expect(await store.get('c', 'k')).toEqual({ key: 'k', value: { n: 1 }, etag });
    await store.close();
  });

  it('overwrites without a condition and hands back an etag that the next conditional write accepts', async () => {
    const store = await openOne();
    const first = await store.put('c', 'k', { n: 1 });
    const second = await store.put('c', 'k', { n: 2 });
    expect(second).not.toBe(first);
    const third = await store.put('c', 'k', { n: 3 }, { ifMatch: second });
    expect(await store.get('c', 'k')).toEqual({ key: 'k', value: { n: 3 }, etag: third });
    await store.close();
  });

  it('deletes a document, and deleting a missing one is not an error', async () => {
    const store = await openOne();
    await store.put('c', 'k', { n: 1 });
    await store.delete('c', 'k');
    await store.delete('c', 'k');
    await store.delete('nothing-here', 'k');
    expect(await store.get('c', 'k')).toBeUndefined();
    await store.put('c', 'k', { n: 2 }, { ifNoneMatch: true });
    expect((await store.get<{ n: number }>('c', 'k'))?.value).toEqual({ n: 2 });
    await store.close();
  });

  it('survives reopening, and lists by prefix newest first', async () => {
    const place = await newPlace();
    const a = await place.open();
    for (const k of ['2023-01-01', '2023-01-02', '2024-01-01']) await a.put('audit', k, { k });
    await a.close();
    const b = await place.open();
    expect((await b.list('audit', { descending: true, limit: 2 })).map((s) => s.key)).toEqual(['2024-01-01', '2023-01-02']);
    expect((await b.list('audit', { prefix: '2023' })).map((s) => s.key)).toEqual(['2023-01-01', '2023-01-02']);
    expect(await b.list('audit', { prefix: '2023-01-02' })).toEqual([{ key: '2023-01-02', value: { k: '2023-01-02' }, etag: expect.any(String) }]);
    await b.close();
  });

  it('lists keys in UTF-8 byte order, with prefix, limit and descending, each collection on its own', async () => {
    const store = await openOne();
    await Promise.all(APP_KEYS.map((k) => store.put('keys', k, { k })));
    await store.put('keys-2', '19:abc@thread.tacv2', { other: true });
    await store.put('key', 's', { other: true });
    const sorted = [...APP_KEYS].sort(byteOrder);

    const all = await store.list<{ k: string }>('keys');
    expect(all.map((s) => s.key)).toEqual(sorted);
    expect(all.every((s) => s.value.k === s.key && typeof s.etag === 'string')).toBe(true);
    expect((await store.list('keys', { descending: true })).map((s) => s.key)).toEqual([...sorted].reverse());
    expect((await store.list('keys', { limit: 3 })).map((s) => s.key)).toEqual(sorted.slice(0, 3));
    expect((await store.list('keys', { limit: 3, descending: true })).map((s) => s.key)).toEqual(sorted.slice(-3).reverse());
    expect((await store.list('keys', { prefix: '19:abc@' })).map((s) => s.key)).toEqual(['19:abc@thread.tacv2', '19:abc@thread.tacv2|1700000000000']);
    expect((await store.list('keys', { prefix: '2024-03-01T09', descending: true })).map((s) => s.key)).toEqual([
      '2024-03-01T09:15:00.000Z|4.4.316',
      '2024-03-01T09:15:00.000Z',
    ]);
    expect((await store.list('keys', { prefix: 'a:1rLd', limit: 1 })).map((s) => s.key)).toEqual(['a:1rLd']);
    expect(await store.list('keys', { prefix: 'zzz' })).toEqual([]);
    expect(await store.list('keys', { limit: 0 })).toEqual([]);
    expect(await store.list('empty-collection')).toEqual([]);
    await store.close();
  });

  it('round-trips JSON values with unicode, nesting and every JSON type', async () => {
    const store = await openOne();
    const value = {
      text: 'Zustellung fehlgeschlagen — 配信エラー 😀 "quoted" \\ back\nslash\u2028',
      n: -1.5e-7,
      big: Number.MAX_SAFE_INTEGER,
      ok: false,
      none: null,
      list: [1, 'two', { three: [3] }],
      empty: {},
    };
    const etag = await store.put('c', 'ünïcødé 🔑', value);
    expect(await store.get('c', 'ünïcødé 🔑')).toEqual({ key: 'ünïcødé 🔑', value, etag });
    await store.put('c', 'string', 'just a string');
    expect((await store.get('c', 'string'))?.value).toBe('just a string');
    await store.close();
  });

  it('loses no update when 20 increments race from two instances on one document', async () => {
    const place = await newPlace();
    const [one, two] = await Promise.all([place.open(), place.open()]);
    const increment = (store: Store) => updateDocument<{ n: number }>(store, 'c', 'counter', (cur) => ({ n: (cur?.n ?? 0) + 1 }), 50);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => increment(i % 2 ? one : two)));
    expect(results.every((r) => r.changed)).toBe(true);
    expect((await one.get<{ n: number }>('c', 'counter'))?.value.n).toBe(20);
    expect((await two.get<{ n: number }>('c', 'counter'))?.value.n).toBe(20);
    await Promise.all([one.close(), two.close()]);
  });

  it('lets exactly one of several instances create a document with ifNoneMatch', async () => {
    const place = await newPlace();
    const stores = await Promise.all([place.open(), place.open(), place.open()]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => stores[i % 3].put('seen-activities', '19:abc@thread.tacv2|1', { by: i }, { ifNoneMatch: true })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(PreconditionFailedError);
    await Promise.all(stores.map((s) => s.close()));
  });
}
