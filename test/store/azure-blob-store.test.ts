import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/log/logger';
import { decodeName, encodeName, openAzureBlobStore } from '../../src/store/azure-blob-store';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { APP_KEYS, byteOrder, storeContract } from './store-contract';

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
}, 20_000);
afterAll(() => azurite?.stop());

const newContainer = () => `t-${randomUUID()}`;
const open = (container: string, logger = memoryLogger()) => openAzureBlobStore({ connectionString: azurite.connectionString, container, logger });

describe('the Azure Blob store (on Azurite)', () => {
  storeContract(async () => {
    const container = newContainer();
    return { open: () => open(container) };
  });

  it('lists the app’s keys in the same order as the SQLite store', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-store-'));
    const sqlite = openSqliteStore(dir);
    const blob = await open(newContainer());
    for (const store of [sqlite, blob]) await Promise.all(APP_KEYS.map((k) => store.put('keys', k, { k })));
    for (const options of [{}, { descending: true }, { prefix: '19:' }, { prefix: '2024-03-01T', descending: true, limit: 2 }, { prefix: 'a:1' }]) {
      const keys = async (store: typeof sqlite) => (await store.list('keys', options)).map((s) => s.key);
      expect(await keys(blob), JSON.stringify(options)).toEqual(await keys(sqlite));
    }
    await Promise.all([sqlite.close(), blob.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each document as a readable JSON blob named <collection>/<encoded key>', async () => {
    const container = newContainer();
    const store = await open(container);
    const etag = await store.put('seen-activities', '19:abc@thread.tacv2|1', { at: 1 });
    const raw = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
    const names: string[] = [];
    for await (const item of raw.listBlobsFlat()) names.push(item.name);
    expect(names).toEqual(['seen-activities/19=3Aabc=40thread.2Etacv2~7C1']);
    const props = await raw.getBlobClient(names[0]).getProperties();
    expect(props.contentType).toBe('application/json');
    expect(props.etag).toBe(etag);
    expect((await raw.getBlobClient(names[0]).downloadToBuffer()).toString('utf8')).toBe('{"at":1}');
    await store.close();
  });

  it('skips, with a warning, a blob in a collection that it did not write', async () => {
    const container = newContainer();
    const logger = memoryLogger();
    const store = await open(container, logger);
    await store.put('c', 'mine', { n: 1 });
    const raw = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
    await raw.getBlockBlobClient('c/dropped here by hand.json').upload('{}', 2);
    expect((await store.list('c')).map((s) => s.key)).toEqual(['mine']);
    expect(logger.lines.join('\n')).toContain('c/dropped here by hand.json');
    await store.close();
  });

  it('creates its container once, whichever instance comes first, and never logs the account key', async () => {
    const container = newContainer();
    const logger = memoryLogger();
    const stores = await Promise.all([open(container, logger), open(container, logger)]);
    await stores[0].put('c', 'k', { n: 1 });
    expect((await stores[1].get('c', 'k'))?.value).toEqual({ n: 1 });
    const key = /AccountKey=([^;]+)/.exec(azurite.connectionString)![1];
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(key);
    expect(logger.lines.join('\n')).not.toContain('AccountKey');
    await Promise.all(stores.map((s) => s.close()));
  });

  it('says how to fix a bad container name, without echoing the connection string', async () => {
    const err = await openAzureBlobStore({ connectionString: azurite.connectionString, container: 'Mail_Flow' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/"Mail_Flow" is not a valid blob container name\. To resolve, use 3-63 lowercase/);
    expect((err as Error).message).not.toContain('AccountKey');
  });

  it('refuses an empty key and a key too long for a blob name instead of writing somewhere surprising', async () => {
    const store = await open(newContainer());
    await expect(store.put('c', '', {})).rejects.toThrow(/non-empty key/);
    await expect(store.put('c', 'é'.repeat(200), {})).rejects.toThrow(/key too long/);
    await store.close();
    await expect(store.get('c', 'k')).rejects.toThrow(/closed/);
  });
});

describe('blob names', () => {
  it('keep the app’s keys readable', () => {
    expect(encodeName('19:abc@thread.tacv2')).toBe('19=3Aabc=40thread.2Etacv2');
    expect(encodeName('a:1rLdXjC4q3Ux-vN_0w8')).toBe('a=3A1rLdXjC4q3Ux-vN_5F0w8');
    expect(encodeName('2024-03-01T09:15:00.000Z')).toBe('2024-03-01T09=3A15=3A00.2E000Z');
    expect(encodeName('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(encodeName('conv/x.')).toBe('conv.2Fx.2E');
    expect(encodeName('café')).toBe('caf~C3~A9');
  });

  it('sort as the keys’ UTF-8 bytes, keep prefixes, and decode back, for any string', () => {
    const key = fc.string({ unit: 'binary', maxLength: 12 });
    const sign = (n: number) => Math.sign(n);
    fc.assert(
      fc.property(key, key, (a, b) => {
        const [ea, eb] = [encodeName(a), encodeName(b)];
        expect(ea).toMatch(/^[-0-9A-Za-z!.=_~]*$/);
        expect(decodeName(ea)).toBe(a);
        expect(sign(ea < eb ? -1 : ea > eb ? 1 : 0)).toBe(sign(byteOrder(a, b)));
        expect(eb.startsWith(ea)).toBe(Buffer.from(b, 'utf8').subarray(0, Buffer.byteLength(a)).equals(Buffer.from(a, 'utf8')));
      }),
      { numRuns: 2000 },
    );
  });

  it('are rejected when this store could not have written them', () => {
    for (const foreign of ['a b', 'x%3A', 'x=3a', 'x!3A', 'x~', '~FF', 'trail/']) expect(decodeName(foreign), foreign).toBeUndefined();
  });
});
