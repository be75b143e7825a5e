import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PreconditionFailedError, type ListOptions, type Store, type Stored, type WriteCondition } from './store';

/** The embedded default: one SQLite file in DATA_DIR (WAL mode, so readers never wait for the writer). */
export function openSqliteStore(dataDir: string, fileName = 'mail-flow-doctor.sqlite'): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, fileName));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (collection, key)
  ) WITHOUT ROWID`);

  const getStmt = db.prepare<[string, string], { value: string; version: number }>(
    'SELECT value, version FROM documents WHERE collection = ? AND key = ?',
  );
  const insertStmt = db.prepare('INSERT INTO documents (collection, key, value, version) VALUES (?, ?, ?, 1)');
  const upsertStmt = db.prepare(`INSERT INTO documents (collection, key, value, version) VALUES (?, ?, ?, 1)
    ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, version = documents.version + 1
    RETURNING version`);
  const updateIfStmt = db.prepare(
    'UPDATE documents SET value = ?, version = version + 1 WHERE collection = ? AND key = ? AND version = ? RETURNING version',
  );
  const deleteStmt = db.prepare('DELETE FROM documents WHERE collection = ? AND key = ?');
  const listStmt = (descending: boolean) =>
    db.prepare<[string, string, string, number], { key: string; value: string; version: number }>(
      `SELECT key, value, version FROM documents WHERE collection = ? AND key >= ? AND key < ?
       ORDER BY key ${descending ? 'DESC' : 'ASC'} LIMIT ?`,
    );
  const listAsc = listStmt(false);
  const listDesc = listStmt(true);

  return {
    kind: 'sqlite',
    async get<T>(collection: string, key: string): Promise<Stored<T> | undefined> {
      const row = getStmt.get(collection, key);
      return row ? { key, value: JSON.parse(row.value) as T, etag: String(row.version) } : undefined;
    },
    async put<T>(collection: string, key: string, value: T, condition?: WriteCondition): Promise<string> {
      const json = JSON.stringify(value);
      if (!condition) return String((upsertStmt.get(collection, key, json) as { version: number }).version);
      if ('ifNoneMatch' in condition) {
        try {
          insertStmt.run(collection, key, json);
          return '1';
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new PreconditionFailedError(collection, key);
          throw err;
        }
      }
      const row = updateIfStmt.get(json, collection, key, Number(condition.ifMatch)) as { version: number } | undefined;
      if (!row) throw new PreconditionFailedError(collection, key);
      return String(row.version);
    },
    async delete(collection: string, key: string): Promise<void> {
      deleteStmt.run(collection, key);
    },
    async list<T>(collection: string, options: ListOptions = {}): Promise<Stored<T>[]> {
      const prefix = options.prefix ?? '';
      const rows = (options.descending ? listDesc : listAsc).all(collection, prefix, prefix + '\uffff', options.limit ?? 1000);
      return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as T, etag: String(r.version) }));
    },
    async close(): Promise<void> {
      if (db.open) db.close();
    },
  };
}
