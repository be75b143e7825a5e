/**
 * Teams' per-bot, per-conversation limits for sending (rate-limit doc): 7 messages a second, 8 in two
 * seconds, 60 in 30 seconds, 1800 an hour. A send is allowed only when every window has room; 429s
 * (with Retry-After) and failures push the conversation back further.
 */
export const TEAMS_CONVERSATION_LIMITS: ReadonlyArray<{ max: number; windowMs: number }> = [
  { max: 7, windowMs: 1_000 },
  { max: 8, windowMs: 2_000 },
  { max: 60, windowMs: 30_000 },
  { max: 1800, windowMs: 3_600_000 },
];

/**
 * What the bot allows itself: one under each limit, since Teams counts arrivals and network jitter can
 * bunch sends that left here evenly spaced.
 */
export const SENDING_LIMITS = TEAMS_CONVERSATION_LIMITS.map(({ max, windowMs }) => ({ max: max - 1, windowMs }));

export interface ConversationRateLimit {
  /** 0 when a send may happen now, else how long to wait. */
  waitMs(conversationId: string, now: number): number;
  record(conversationId: string, now: number): void;
  blockUntil(conversationId: string, until: number): void;
}

export function createConversationRateLimit(limits = SENDING_LIMITS): ConversationRateLimit {
  const sends = new Map<string, number[]>();
  const blocked = new Map<string, number>();
  const longest = Math.max(...limits.map((l) => l.windowMs));
  return {
    waitMs(id, now) {
      let wait = Math.max(0, (blocked.get(id) ?? 0) - now);
      const times = (sends.get(id) ?? []).filter((t) => now - t < longest);
      sends.set(id, times);
      for (const { max, windowMs } of limits) {
        const inWindow = times.filter((t) => now - t < windowMs);
        if (inWindow.length >= max) wait = Math.max(wait, inWindow[inWindow.length - max] + windowMs - now);
      }
      return wait;
    },
    record(id, now) {
      const times = sends.get(id) ?? [];
      times.push(now);
      sends.set(id, times);
    },
    blockUntil(id, until) {
      blocked.set(id, Math.max(blocked.get(id) ?? 0, until));
    },
  };
}
