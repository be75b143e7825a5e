/**
 * One storage interface for all state (conversation references, operations, audit, the simulated tenant).
 * Documents are JSON values addressed by (collection, key) and versioned by an opaque etag, so that a
 * shared engine for several instances (Azure Blob Storage with ETags) can implement the same contract.
 */
export interface Stored<T> {
  key: string;
  value: T;
  etag: string;
}

/** `ifMatch`: write only if the stored etag is this one. `ifNoneMatch`: write only if nothing is stored. */
export type WriteCondition = { ifMatch: string } | { ifNoneMatch: true };

export interface ListOptions {
  prefix?: string;
  limit?: number;
  /** Keys in descending order (newest first when keys start with a timestamp). */
  descending?: boolean;
}

export interface Store {
  readonly kind: string;
  /** True when other instances read and write the same state (so in-memory knowledge is not enough). */
  readonly shared: boolean;
  get<T>(collection: string, key: string): Promise<Stored<T> | undefined>;
  /** Returns the new etag; throws PreconditionFailedError when the condition does not hold. */
  put<T>(collection: string, key: string, value: T, condition?: WriteCondition): Promise<string>;
  delete(collection: string, key: string): Promise<void>;
  list<T>(collection: string, options?: ListOptions): Promise<Stored<T>[]>;
  close(): Promise<void>;
}

export class PreconditionFailedError extends Error {
  readonly code = 'precondition_failed';
  constructor(collection: string, key: string) {
    super(`${collection}/${key} changed since it was read`);
  }
}

/**
 * Read-modify-write with optimistic concurrency: re-reads and retries when another writer got there first.
 * `update` returns the new value, or undefined to leave the document as it is.
 */
export async function updateDocument<T>(
  store: Store,
  collection: string,
  key: string,
  update: (current: T | undefined) => T | undefined,
  attempts = 10,
): Promise<{ value: T | undefined; changed: boolean }> {
  for (let i = 0; i < attempts; i++) {
    const current = await store.get<T>(collection, key);
    const next = update(current?.value);
    if (next === undefined) return { value: current?.value, changed: false };
    try {
      await store.put(collection, key, next, current ? { ifMatch: current.etag } : { ifNoneMatch: true });
      return { value: next, changed: true };
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
    }
  }
  throw new Error(`${collection}/${key} is contended; gave up after ${attempts} attempts`);
}
