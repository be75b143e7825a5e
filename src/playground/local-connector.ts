import { randomBytes } from 'node:crypto';

/** An activity as the bot sent it, with the id this channel gave it. */
export type ChannelActivity = Record<string, unknown> & { id: string };

/**
 * What a watcher of a conversation receives. `id` orders events: `<epoch>.<seq>`, where the epoch changes
 * with every process, so a page that reconnects after a restart gets everything instead of nothing.
 */
export interface ConnectorEvent {
  id: string;
  kind: 'posted' | 'updated';
  conversationId: string;
  activity: ChannelActivity;
}

export interface LocalConnectorOptions {
  maxConversations?: number;
  maxActivitiesPerConversation?: number;
  /** Over all conversations; the oldest activities of the least recently used conversation go first. */
  maxBytes?: number;
  clock?: () => Date;
}

interface Entry {
  seq: number;
  kind: ConnectorEvent['kind'];
  activity: ChannelActivity;
  bytes: number;
}

interface Conversation {
  entries: Entry[];
  bytes: number;
}

type Listener = (event: ConnectorEvent) => void;

/**
 * The playground's Bot Connector: keeps what the bot POSTs (new messages) and PUTs (updates) per
 * conversation, in memory and bounded, and tells watchers. Plain data in, plain data out; the HTTP side
 * is in playground-routes.ts.
 */
export function createLocalConnector(opts: LocalConnectorOptions = {}) {
  const maxConversations = opts.maxConversations ?? 50;
  const maxPerConversation = opts.maxActivitiesPerConversation ?? 200;
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const clock = opts.clock ?? (() => new Date());
  const epoch = randomBytes(4).toString('hex');
  // Map order is recency order: a conversation is moved to the end whenever the bot writes to it.
  const conversations = new Map<string, Conversation>();
  const listeners = new Map<string, Set<Listener>>();
  let seq = 0;
  let lastMessageId = 0;
  let totalBytes = 0;

  const eventOf = (conversationId: string, e: Entry): ConnectorEvent => ({ id: `${epoch}.${e.seq}`, kind: e.kind, conversationId, activity: e.activity });

  function touch(conversationId: string): Conversation {
    const existing = conversations.get(conversationId);
    const conversation = existing ?? { entries: [], bytes: 0 };
    conversations.delete(conversationId);
    conversations.set(conversationId, conversation);
    return conversation;
  }

  function dropOldest(conversationId: string, conversation: Conversation): void {
    const dropped = conversation.entries.shift();
    if (dropped) {
      conversation.bytes -= dropped.bytes;
      totalBytes -= dropped.bytes;
    }
    if (!conversation.entries.length) conversations.delete(conversationId);
  }

  function enforceLimits(current: Conversation, currentId: string): void {
    while (current.entries.length > maxPerConversation) dropOldest(currentId, current);
    while (conversations.size > maxConversations) {
      const [oldestId, oldest] = conversations.entries().next().value as [string, Conversation];
      conversations.delete(oldestId);
      totalBytes -= oldest.bytes;
    }
    while (totalBytes > maxBytes && conversations.size) {
      const [oldestId, oldest] = conversations.entries().next().value as [string, Conversation];
      dropOldest(oldestId, oldest);
    }
  }

  function notify(conversationId: string, entry: Entry): ConnectorEvent {
    const event = eventOf(conversationId, entry);
    for (const listener of listeners.get(conversationId) ?? []) listener(event);
    return event;
  }

  /** Teams message ids are the epoch milliseconds of the message; kept unique here. */
  function newMessageId(): string {
    lastMessageId = Math.max(lastMessageId + 1, clock().getTime());
    return String(lastMessageId);
  }

  return {
    /** POST /v3/conversations/{id}/activities[/{replyToId}]: a new message; returns its event (with the id). */
    post(conversationId: string, activity: Record<string, unknown>, replyToId?: string): ConnectorEvent {
      const id = newMessageId();
      const stored: ChannelActivity = {
        ...activity,
        id,
        timestamp: clock().toISOString(),
        conversation: { ...(activity.conversation as object | undefined), id: conversationId },
        ...(replyToId ? { replyToId } : {}),
      };
      const entry: Entry = { seq: ++seq, kind: 'posted', activity: stored, bytes: byteSize(stored) };
      const conversation = touch(conversationId);
      conversation.entries.push(entry);
      conversation.bytes += entry.bytes;
      totalBytes += entry.bytes;
      enforceLimits(conversation, conversationId);
      return notify(conversationId, entry);
    },

    /** PUT /v3/conversations/{id}/activities/{activityId}: replaces the message in place; undefined if unknown. */
    update(conversationId: string, activityId: string, activity: Record<string, unknown>): ConnectorEvent | undefined {
      const conversation = conversations.get(conversationId);
      const index = conversation?.entries.findIndex((e) => e.activity.id === activityId) ?? -1;
      if (!conversation || index < 0) return undefined;
      const previous = conversation.entries[index];
      const stored: ChannelActivity = {
        ...activity,
        id: activityId,
        timestamp: previous.activity.timestamp,
        conversation: previous.activity.conversation,
        ...(previous.activity.replyToId ? { replyToId: previous.activity.replyToId } : {}),
      };
      const entry: Entry = { seq: ++seq, kind: 'updated', activity: stored, bytes: byteSize(stored) };
      conversation.entries[index] = entry;
      conversation.bytes += entry.bytes - previous.bytes;
      totalBytes += entry.bytes - previous.bytes;
      touch(conversationId);
      enforceLimits(conversation, conversationId);
      return notify(conversationId, entry);
    },

    /**
     * The conversation as it is now, in message order, for a watcher that (re)connects: everything, or
     * only what changed after the event id it saw last (Server-Sent Events' Last-Event-ID).
     */
    replay(conversationId: string, afterEventId?: string): ConnectorEvent[] {
      const entries = conversations.get(conversationId)?.entries ?? [];
      const [afterEpoch, afterSeq] = (afterEventId ?? '').split('.');
      const after = afterEpoch === epoch && /^\d+$/.test(afterSeq ?? '') ? Number(afterSeq) : 0;
      return entries.filter((e) => e.seq > after).map((e) => eventOf(conversationId, e));
    },

    /** Calls `listener` for every post and update in the conversation until the returned function is called. */
    subscribe(conversationId: string, listener: Listener): () => void {
      let set = listeners.get(conversationId);
      if (!set) listeners.set(conversationId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (!set.size && listeners.get(conversationId) === set) listeners.delete(conversationId);
      };
    },

    stats() {
      let activities = 0;
      for (const c of conversations.values()) activities += c.entries.length;
      return { conversations: conversations.size, activities, bytes: totalBytes };
    },
  };
}

export type LocalConnector = ReturnType<typeof createLocalConnector>;

function byteSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
