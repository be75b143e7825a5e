import { randomUUID } from 'node:crypto';
import type { Store } from './store';

export interface StoreHealth {
  ok: boolean;
  /** What failed, in words without paths or secrets (the detail goes to the log). */
  problem?: string;
}

/** How long one check's answer is reused: a health probe every second costs the store nothing. */
const REMEMBER_MS = 5000;

/**
 * Checks that the store can be read and written (a read-only, full or corrupt store fails here, not on a
 * user's message): one small document is written and read back, at most once per REMEMBER_MS.
 */
export function createStoreHealth(store: Store, onFailure: (err: unknown) => void, clock: () => number = Date.now, instance = randomUUID()) {
  let last: { at: number; result: Promise<StoreHealth> } | undefined;
  const check = async (): Promise<StoreHealth> => {
    try {
      const at = clock();
      await store.put('health', instance, { at });
      const back = await store.get<{ at: number }>('health', instance);
      if (back?.value.at !== at) return { ok: false, problem: 'the store did not return what was just written to it' };
      return { ok: true };
    } catch (err) {
      onFailure(err);
      return { ok: false, problem: `the store cannot be written or read (${store.kind})` };
    }
  };
  return {
    check(): Promise<StoreHealth> {
      const now = clock();
      if (!last || now - last.at >= REMEMBER_MS) last = { at: now, result: check() };
      return last.result;
    },
  };
}
