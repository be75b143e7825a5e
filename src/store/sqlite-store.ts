import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PreconditionFailedError, type ListOptions, type Store, type Stored, type WriteCondition } from './store';

/** The embedded default: one SQLite file in DATA_DIR (WAL mode, so readers never wait for the writer). */
export function openSqliteStore(
  dataDir: string,
  fileName = 'mail-flow-doctor.sqlite',
  /** Runs on the connection once it is open (tests use it to make the disk "full"). */
  configure: (db: Database.Database) => void = () => undefined,
): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, fileName));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  configure(db);
  // Etags are random, not counters: a document deleted and written again never reuses an etag someone
  // read before, so a stale ifMatch cannot succeed against a different document.
  db.exec(`CREATE TABLE IF NOT EXISTS docs (
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    etag       TEXT NOT NULL,
    PRIMARY KEY (collection, key)
  ) WITHOUT ROWID`);

  const getStmt = db.prepare<[string, string], { value: string; etag: string }>('SELECT value, etag FROM docs WHERE collection = ? AND key = ?');
  const insertStmt = db.prepare('INSERT INTO docs (collection, key, value, etag) VALUES (?, ?, ?, ?)');
  const upsertStmt = db.prepare(`INSERT INTO docs (collection, key, value, etag) VALUES (?, ?, ?, ?)
    ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, etag = excluded.etag`);
  const updateIfStmt = db.prepare('UPDATE docs SET value = ?, etag = ? WHERE collection = ? AND key = ? AND etag = ?');
  const deleteStmt = db.prepare('DELETE FROM docs WHERE collection = ? AND key = ?');
  const listStmt = (descending: boolean) =>
    db.prepare<[string, string, string, number], { key: string; value: string; etag: string }>(
      `SELECT key, value, etag FROM docs WHERE collection = ? AND key >= ? AND key < ?
       ORDER BY key ${descending ? 'DESC' : 'ASC'} LIMIT ?`,
    );
  const listAsc = listStmt(false);
  const listDesc = listStmt(true);

  // Group commit: writes asked for in the same turn of the event loop run together in one transaction on
  // the next turn, and each promise settles after that commit with its own statement's outcome. Each write
  // runs in its own savepoint, so a failed one is undone on its own and the others still commit; an error
  // after which SQLite has rolled back the whole transaction (disk full, I/O error) fails the whole batch,
  // and every write in it is reported as not written. One commit per turn instead of one per write:
  // under load the per-write commit was the largest cost of answering a message (the seen-activity
  // record). The transaction is opened and committed in one synchronous step, never held across turns, so
  // other connections to the file (other instances) wait only for that step.
  type Queued = { run: () => unknown; resolve: (v: unknown) => void; reject: (err: unknown) => void };
  let queued: Queued[] | undefined;
  const runOne = db.transaction((w: Queued) => w.run()); // nested in runQueued: a savepoint
  const runQueued = db.transaction((batch: Queued[]) =>
    batch.map((w) => {
      try {
        return { ok: true as const, value: runOne(w) };
      } catch (err) {
        if (!db.inTransaction) throw err; // SQLite undid the whole batch; nothing after this may run alone
        return { ok: false as const, err };
      }
    }),
  );
  const flush = () => {
    const batch = queued;
    queued = undefined;
    if (!batch) return;
    let outcomes;
    try {
      outcomes = runQueued.immediate(batch); // takes the write lock at once: no deadlock upgrading a read
    } catch (err) {
      for (const w of batch) w.reject(err); // the commit itself failed: nothing in the batch was written
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.value) : batch[i].reject(o.err)));
  };
  function write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!queued) {
        queued = [];
        setImmediate(flush);
      }
      queued.push({ run, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  return {
    kind: 'sqlite',
    shared: false, // one instance per file (docs/deploy.md); several instances use azure-blob
    async get<T>(collection: string, key: string): Promise<Stored<T> | undefined> {
      const row = getStmt.get(collection, key);
      return row ? { key, value: JSON.parse(row.value) as T, etag: row.etag } : undefined;
    },
    async put<T>(collection: string, key: string, value: T, condition?: WriteCondition): Promise<string> {
      const json = JSON.stringify(value);
      const etag = randomUUID();
      return write(() => {
        if (!condition) {
          upsertStmt.run(collection, key, json, etag);
          return etag;
        }
        if ('ifNoneMatch' in condition) {
          try {
            insertStmt.run(collection, key, json, etag);
            return etag;
          } catch (err) {
            if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new PreconditionFailedError(collection, key);
            throw err;
          }
        }
        const changed = updateIfStmt.run(json, etag, collection, key, condition.ifMatch).changes;
        if (!changed) throw new PreconditionFailedError(collection, key);
        return etag;
      });
    },
    async delete(collection: string, key: string): Promise<void> {
      await write(() => deleteStmt.run(collection, key));
    },
    async list<T>(collection: string, options: ListOptions = {}): Promise<Stored<T>[]> {
      const prefix = options.prefix ?? '';
      const rows = (options.descending ? listDesc : listAsc).all(collection, prefix, prefix + '\uffff', options.limit ?? 1000);
      return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as T, etag: r.etag }));
    },
    async close(): Promise<void> {
      if (db.open) flush();
      if (db.open) db.close();
    },
  };
}
