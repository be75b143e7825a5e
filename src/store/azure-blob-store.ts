import { BlobServiceClient, RestError, type BlobItem, type BlockBlobClient, type ContainerClient } from '@azure/storage-blob';
import type { Logger } from '../log/logger';
import { PreconditionFailedError, type ListOptions, type Store, type Stored, type WriteCondition } from './store';

export interface AzureBlobStoreOptions {
  /** Holds the account key or a SAS: it is handed to the SDK and never logged. */
  connectionString: string;
  container: string;
  logger?: Logger;
}

/** Same default as the SQLite store, so `list` without a limit answers the same on both engines. */
const DEFAULT_LIMIT = 1000;
const DOWNLOAD_CONCURRENCY = 8;
/** https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata */
const MAX_BLOB_NAME = 1024;
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The shared engine: one JSON blob per document, named `<collection>/<key>` (both encoded, see encodeName),
 * with the blob's ETag as the document's etag, so several bot instances get the same conditional-write
 * contract as the SQLite store: `If-None-Match: *` creates once, `If-Match: <etag>` updates only what was read.
 */
export async function openAzureBlobStore(opts: AzureBlobStoreOptions): Promise<Store> {
  if (!CONTAINER_NAME.test(opts.container)) {
    throw new Error(
      `"${opts.container}" is not a valid blob container name. To resolve, use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.`,
    );
  }
  const service = BlobServiceClient.fromConnectionString(opts.connectionString);
  const container = service.getContainerClient(opts.container);
  const created = await container.createIfNotExists();
  opts.logger?.info('azure blob store ready', { account: service.accountName, container: opts.container, created: created.succeeded });

  let closed = false;
  const open = () => {
    if (closed) throw new Error('the azure-blob store is closed');
  };
  const blob = (collection: string, key: string): BlockBlobClient => container.getBlockBlobClient(blobName(collection, key));

  return {
    kind: 'azure-blob',
    shared: true,
    async get<T>(collection: string, key: string): Promise<Stored<T> | undefined> {
      open();
      return download<T>(blob(collection, key), key);
    },

    async put<T>(collection: string, key: string, value: T, condition?: WriteCondition): Promise<string> {
      open();
      // The service reads an empty If-Match as no condition and `*` as "any version": neither is an etag this
      // store hands out, so refuse them as SQLite does rather than overwrite.
      if (condition && 'ifMatch' in condition && (!condition.ifMatch || /[*,]/.test(condition.ifMatch))) {
        throw new PreconditionFailedError(collection, key);
      }
      const body = JSON.stringify(value);
      const conditions = !condition ? undefined : 'ifNoneMatch' in condition ? { ifNoneMatch: '*' } : { ifMatch: condition.ifMatch };
      try {
        const res = await blob(collection, key).upload(body, Buffer.byteLength(body), {
          blobHTTPHeaders: { blobContentType: 'application/json' },
          conditions,
        });
        return res.etag!;
      } catch (err) {
        if (condition && conditionFailed(err, condition)) throw new PreconditionFailedError(collection, key);
        throw err;
      }
    },

    async delete(collection: string, key: string): Promise<void> {
      open();
      await blob(collection, key).deleteIfExists();
    },

    async list<T>(collection: string, options: ListOptions = {}): Promise<Stored<T>[]> {
      open();
      const limit = options.limit ?? DEFAULT_LIMIT;
      // SQLite's LIMIT: 0 returns nothing, a negative limit means no limit.
      if (limit === 0) return [];
      const collectionPrefix = encodeName(collection) + '/';
      const items = await listNames(container, collectionPrefix + encodeName(options.prefix ?? ''), limit < 0 ? Infinity : limit, !!options.descending);
      const found = await mapBounded(items, DOWNLOAD_CONCURRENCY, ({ name }) => {
        const key = decodeName(name.slice(collectionPrefix.length));
        if (key === undefined) {
          opts.logger?.warn('azure blob store: skipping a blob this store did not write', { container: opts.container, blob: name });
          return Promise.resolve(undefined);
        }
        return download<T>(container.getBlockBlobClient(name), key);
      });
      // A document deleted between listing and download is simply not listed, as if the list ran a moment later.
      return found.filter((s): s is Stored<T> => s !== undefined);
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}

function blobName(collection: string, key: string): string {
  if (key === '') throw new Error(`${collection}: the azure-blob store needs a non-empty key (a blob name cannot end with "/")`);
  const name = `${encodeName(collection)}/${encodeName(key)}`;
  if (name.length > MAX_BLOB_NAME) throw new Error(`${collection}: key too long for a blob name (${name.length} > ${MAX_BLOB_NAME} characters once encoded)`);
  return name;
}

/**
 * Blobs whose names start with `prefix`, in key order, at most `limit`. Descending has to read every
 * name (the service only lists ascending) but keeps just the last `limit` of them, so memory stays bounded.
 */
async function listNames(container: ContainerClient, prefix: string, limit: number, descending: boolean): Promise<BlobItem[]> {
  const kept: BlobItem[] = [];
  const pages = container.listBlobsFlat({ prefix }).byPage({ maxPageSize: descending ? 5000 : Math.min(limit, 5000) });
  for await (const page of pages) {
    for (const item of page.segment.blobItems) {
      kept.push(item);
      if (!descending && kept.length === limit) return kept;
      if (kept.length >= 2 * limit) kept.splice(0, kept.length - limit);
    }
  }
  return descending ? kept.slice(-limit).reverse() : kept;
}

/** Body and ETag come from one response, so the pair is always consistent. */
async function download<T>(client: BlockBlobClient, key: string): Promise<Stored<T> | undefined> {
  try {
    const res = await client.download();
    const chunks: Buffer[] = [];
    for await (const chunk of res.readableStreamBody!) chunks.push(chunk as Buffer);
    return { key, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T, etag: res.etag! };
  } catch (err) {
    if (err instanceof RestError && err.statusCode === 404 && errorCode(err) === 'BlobNotFound') return undefined;
    throw err;
  }
}

/**
 * Create-once is refused with 409 BlobAlreadyExists, update-if-unchanged with 412 ConditionNotMet (Azurite also
 * answers 412 when the blob is gone; a 404 BlobNotFound means the same). 412 always means the condition failed.
 * A missing container is a real error, not a race.
 * https://learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations
 */
function conditionFailed(err: unknown, condition: WriteCondition): boolean {
  if (!(err instanceof RestError)) return false;
  if (err.statusCode === 412) return true;
  if ('ifNoneMatch' in condition) return err.statusCode === 409 && errorCode(err) === 'BlobAlreadyExists';
  return err.statusCode === 404 && errorCode(err) === 'BlobNotFound';
}

function errorCode(err: RestError): string | undefined {
  return err.code ?? (err.details as { errorCode?: string } | undefined)?.errorCode;
}

async function mapBounded<A, B>(items: A[], concurrency: number, fn: (item: A) => Promise<B>): Promise<B[]> {
  const out = new Array<B>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/*
 * Blob names that sort like SQLite keys. SQLite compares keys as UTF-8 bytes (BINARY collation); the blob
 * service lists names in its own order, and Azurite in JavaScript string order. Both agree with byte order on
 * ASCII, so each UTF-8 byte of the key becomes ASCII:
 *   - `-`, `0-9`, `A-Z`, `a-z` stand for themselves;
 *   - every other byte is an escape character followed by two upper-case hex digits. The escape character is
 *     chosen from the run of escaped bytes the byte falls in, so it sorts exactly where that run sorts:
 *       0x00-0x2C → `!`   0x2E-0x2F (`.` `/`) → `.`   0x3A-0x40 → `=`   0x5B-0x60 → `_`   0x7B-0xFF → `~`
 * So names compare as the keys' bytes do, a key prefix encodes to a name prefix (list by prefix works), and a
 * name never contains `/`, `\`, `?`, `#`, control characters or a trailing dot.
 * Example: `19:abc@thread.tacv2` → `19=3Aabc=40thread.2Etacv2`.
 */
const ESCAPES: [last: number, escape: string][] = [
  [0x2c, '!'],
  [0x2f, '.'],
  [0x40, '='],
  [0x60, '_'],
  [0xff, '~'],
];
const LITERAL = /^[-0-9A-Za-z]$/;

export function encodeName(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (LITERAL.test(ch)) out += ch;
    else out += ESCAPES.find(([last]) => byte <= last)![1] + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** The key a blob name stands for, or undefined when the name is not one encodeName makes. */
export function decodeName(name: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (LITERAL.test(ch)) {
      bytes.push(ch.charCodeAt(0));
      continue;
    }
    const hex = name.slice(i + 1, i + 3);
    if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  const key = Buffer.from(bytes).toString('utf8');
  // Re-encoding catches a wrong escape character and bytes that are not UTF-8.
  return encodeName(key) === name ? key : undefined;
}
