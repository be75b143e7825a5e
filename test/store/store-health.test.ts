import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { createStoreHealth } from '../../src/store/store-health';

describe('the store health check', () => {
  it('reuses its answer for five seconds, then checks again and sees the store recover', async () => {
    const sqlite = openSqliteStore(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-sh-')));
    let broken = true;
    let writes = 0;
    const store: Store = {
      ...sqlite,
      put: async (...args: Parameters<Store['put']>) => {
        writes++;
        if (broken) throw new Error('disk I/O error');
        return sqlite.put(...args);
      },
    };
    let now = 1_000_000;
    const failures: unknown[] = [];
    const health = createStoreHealth(
      store,
      (err) => failures.push(err),
      () => now,
    );
    expect(await health.check()).toEqual({ ok: false, problem: 'the store cannot be written or read (sqlite)' });
    broken = false;
    now += 4000;
    expect((await health.check()).ok).toBe(false); // remembered
    expect(writes).toBe(1);
    now += 1000;
    expect(await health.check()).toEqual({ ok: true });
    expect(writes).toBe(2);
    expect(failures).toHaveLength(1);
    await sqlite.close();
  });
});
