import { randomUUID } from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import { PreconditionFailedError, type Store } from '../store/store';
import type { Actor } from './actor';
import type { Change } from './change';
import type { ParsedError } from '../parse/types';

/**
 * A proposed change, from the confirmation card to its Undo. The card carries only the operation id;
 * the change itself lives here, so a crafted invoke cannot ask for a different change, and the status
 * makes a double press or a Teams retry apply the change once.
 */
export interface Operation {
  id: string;
  change: Change;
  status: 'proposed' | 'applying' | 'applied' | 'unchanged' | 'failed' | 'undoing' | 'undone' | 'cancelled';
  source: OperationSource;
  proposedBy: Actor;
  proposedAt: string;
  /** The conversation the confirmation was shown in: only a press from there may apply or undo it. */
  conversationId?: string;
  /** The card message that shows this operation, so that it can be settled after a restart. */
  card?: CardRef;
  /** When the current transitional status (applying/undoing) began; a stale one may be taken over. */
  since?: string;
  appliedBy?: Actor;
  appliedAt?: string;
  before?: unknown;
  after?: unknown;
  undoneBy?: Actor;
  undoneAt?: string;
  error?: string;
}

/** The error a change is for: where the mail was going, and the error as its card showed it (to show it again). */
export interface OperationSource {
  code: string;
  server?: string;
  ip?: string;
  port?: number;
  recipient?: string;
  /** The error the Fix now button carried: Cancel and a refused press show its card again. */
  error?: ParsedError;
  /** Set when Fix now was pressed on an alert card: that card is shown again instead. */
  groupKey?: string;
}

/** Where a card message is: its conversation, its id, and the language it was shown in. */
export interface CardRef {
  reference: Partial<ConversationReference>;
  messageId: string;
  locale: string;
}

const COLLECTION = 'operations';
/** The ids of operations half-way through (applying, undoing), for settling them after a crash. */
const IN_FLIGHT = 'operations-in-flight';
const HALF_WAY: readonly Operation['status'][] = ['applying', 'undoing'];
/**
 * An apply that has not finished after this long is taken to have died with its process. Longer than any
 * backend attempt can take (Exchange Online: 5 tries of up to 60 s each, plus backoff and re-reads).
 */
export const STALE_MS = 20 * 60 * 1000;

export function createOperations(store: Store, clock: () => Date = () => new Date()) {
  const get = async (id: string) => (typeof id === 'string' && id ? store.get<Operation>(COLLECTION, id) : undefined);
  return {
    async propose(change: Change, source: Operation['source'], by: Actor, conversationId: string): Promise<Operation> {
      const op: Operation = { id: randomUUID(), change, status: 'proposed', source, proposedBy: by, proposedAt: clock().toISOString(), conversationId };
      await store.put(COLLECTION, op.id, op, { ifNoneMatch: true });
      return op;
    },
    async get(id: string): Promise<Operation | undefined> {
      return (await get(id))?.value;
    },
    /** Operations caught half-way (applying or undoing), e.g. by a crash: kept in a list of their own, so none is missed. */
    async unsettled(): Promise<Operation[]> {
      const inFlight = await store.list(IN_FLIGHT, { limit: 10_000 });
      const ops = await Promise.all(inFlight.map((entry) => this.get(entry.key)));
      return ops.filter((op): op is Operation => !!op && (op.status === 'applying' || op.status === 'undoing'));
    },
    /**
     * Moves the operation from one of `from` to `to` if it is still there (compare-and-swap on the etag).
     * Returns the updated operation when this caller won, or the current one with won=false.
     */
    async transition(
      id: string,
      from: Operation['status'][],
      to: Operation['status'],
      patch: Partial<Operation> = {},
      /** Compare with the stored status as it is: settling after a restart must not read a stale apply as proposed. */
      options: { exact?: boolean } = {},
    ): Promise<{ won: boolean; op: Operation | undefined }> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const stored = await get(id);
        if (!stored) return { won: false, op: undefined };
        const op = stored.value;
        const stale =
          !options.exact &&
          (op.status === 'applying' || op.status === 'undoing') &&
          op.since !== undefined &&
          clock().getTime() - Date.parse(op.since) > STALE_MS;
        const effective = stale ? (op.status === 'applying' ? 'proposed' : 'applied') : op.status;
        if (!from.includes(effective)) return { won: false, op };
        const next: Operation = { ...op, ...patch, status: to, since: clock().toISOString() };
        try {
          await store.put(COLLECTION, id, next, { ifMatch: stored.etag });
          if (HALF_WAY.includes(to)) await store.put(IN_FLIGHT, id, { since: next.since });
          else if (HALF_WAY.includes(op.status)) await store.delete(IN_FLIGHT, id);
          return { won: true, op: next };
        } catch (err) {
          if (!(err instanceof PreconditionFailedError)) throw err;
        }
      }
      return { won: false, op: await this.get(id) };
    },
  };
}

export type Operations = ReturnType<typeof createOperations>;
