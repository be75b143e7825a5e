import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { startBot, type Harness } from '../support/bot-harness';

let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const ROOT = path.join(__dirname, '..', '..');

describe('GET /healthz', () => {
  it('says ok while the store can be written and read', async () => {
    bot = await startBot();
    const res = await fetch(`${bot.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', storage: 'sqlite' });
  });

  it('answers 503 when the store cannot be written, without a path or the error itself', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-health-'));
    const sqlite = openSqliteStore(dir);
    const full: Store = {
      ...sqlite,
      put: async () => Promise.reject(Object.assign(new Error(`SQLITE_FULL: database or disk is full at ${dir}`), { code: 'SQLITE_FULL' })),
    };
    bot = await startBot({}, { store: full, dataDir: dir });
    const res = await fetch(`${bot.url}/healthz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 'failing', problem: 'the store cannot be written or read (sqlite)' });
    expect(text).not.toContain(dir);
    expect(text).not.toContain('SQLITE_FULL');
    expect(bot.logs.join('\n')).toContain('the store failed its health check');
  });
});

describe('a store that cannot be opened at start-up', () => {
  const start = (dataDir: string) =>
    spawnSync(process.execPath, ['--disable-warning=DEP0111', require.resolve('tsx/cli'), path.join(ROOT, 'src', 'index.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('stops with one line saying what is wrong and what to do, not a stack trace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-open-'));
    const notAFolder = path.join(dir, 'data');
    fs.writeFileSync(notAFolder, 'a file where the data folder should be');
    const run = start(notAFolder);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot open its store: DATA_DIR .* is not a folder/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 40_000);

  it('names a corrupt database file and what to do about it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-open-'));
    fs.writeFileSync(path.join(dir, 'mail-flow-doctor.sqlite'), Buffer.alloc(8192, 0x5a));
    const run = start(dir);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/is not a readable SQLite database .* Restore it from a backup, or move it aside/);
  }, 40_000);
});
