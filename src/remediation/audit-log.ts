import type { Store } from '../store/store';
import type { Actor } from './actor';
import type { Change } from './change';

/** `applying`: written before a change is sent, so that a crash between sending and recording leaves a trace. */
export type AuditResult = 'applying' | 'applied' | 'undone' | 'refused' | 'failed' | 'unchanged' | 'dry-run';

export interface AuditEntry {
  id: string;
  at: string;
  actor: Actor;
  /** The button pressed: fixNow, applyFix, undoFix, ... */
  verb: string;
  change?: Change;
  powershell?: string;
  result: AuditResult;
  before?: unknown;
  after?: unknown;
  detail?: string;
  operationId?: string;
  conversationId?: string;
}

const COLLECTION = 'audit';

/** Append-only: keys start with the time, so the newest come first in a descending list. */
export function createAuditLog(store: Store, clock: () => Date = () => new Date(), newId: () => string = randomId) {
  return {
    async record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
      const at = clock().toISOString();
      const id = `${at}-${newId()}`;
      const full: AuditEntry = { id, at, ...entry };
      await store.put(COLLECTION, id, full, { ifNoneMatch: true });
      return full;
    },
    async recent(limit = 20): Promise<AuditEntry[]> {
      return (await store.list<AuditEntry>(COLLECTION, { descending: true, limit })).map((s) => s.value);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

function randomId(): string {
  return Math.random().toString(36).slice(2, 10);
}
