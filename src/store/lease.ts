import { updateDocument, type Store } from './store';

const LEASES = 'leases';

interface Lease {
  by: string;
  until: number;
}

/**
 * Takes or renews the named lease for `holder` until now + ttlMs: true when this holder has it. With
 * several instances on one store, one of them runs a periodic job (the watch) at a time; a crashed
 * holder's lease runs out and another instance takes over.
 */
export async function holdLease(store: Store, name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
  const { value } = await updateDocument<Lease>(store, LEASES, name, (current) =>
    !current || current.until <= now || current.by === holder ? { by: holder, until: now + ttlMs } : undefined,
  );
  return value?.by === holder && value.until > now;
}

/** Gives the lease back (on shutdown), so another instance need not wait for it to run out. */
export async function releaseLease(store: Store, name: string, holder: string): Promise<void> {
  await updateDocument<Lease>(store, LEASES, name, (current) => (current?.by === holder ? { by: holder, until: 0 } : undefined));
}
