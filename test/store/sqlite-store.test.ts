import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store';
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
