import type { ConversationReference } from 'botbuilder';
import type { Store } from '../store/store';
import type { Actor } from '../remediation/actor';

export interface Subscription {
  conversationId: string;
  reference: Partial<ConversationReference>;
  conversationType: string;
  locale: string;
  subscribedBy: Actor;
  at: string;
}

const COLLECTION = 'subscriptions';

/**
 * Conversations that receive alerts. In a channel the reference points at the channel itself, not at the
 * thread the command was typed in, so each alert starts its own post.
 */
export function createSubscriptions(store: Store) {
  return {
    async add(sub: Subscription): Promise<void> {
      await store.put(COLLECTION, sub.conversationId, sub);
    },
    async remove(conversationId: string): Promise<boolean> {
      const existed = !!(await store.get(COLLECTION, conversationId));
      await store.delete(COLLECTION, conversationId);
      return existed;
    },
    async get(conversationId: string): Promise<Subscription | undefined> {
      return (await store.get<Subscription>(COLLECTION, conversationId))?.value;
    },
    async list(): Promise<Subscription[]> {
      return (await store.list<Subscription>(COLLECTION, { limit: 10_000 })).map((s) => s.value);
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;

/** `19:abc@thread.tacv2;messageid=123` (a thread) → `19:abc@thread.tacv2` (the channel). */
export function channelOf(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i === -1 ? conversationId : conversationId.slice(0, i);
}
