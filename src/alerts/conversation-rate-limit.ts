import { updateDocument, type Store } from '../store/store';

/**
 * Teams' per-bot, per-conversation limits for sending (rate-limit doc): 7 messages a second, 8 in two
 * seconds, 60 in 30 seconds, 1800 an hour.
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
  /** Takes a send slot: 0 when the send may happen now (and is counted), else how long to wait. */
  reserve(conversationId: string, now: number): Promise<number>;
  /** After a 429 or a failure: nobody sends to this conversation until then. */
  blockUntil(conversationId: string, until: number): Promise<void>;
}

interface Window {
  /** Send times within the longest short window (30 s). */
  recent: number[];
  /** Sends in the current hour, for the hourly limit. */
  hourStart: number;
  hourCount: number;
  blockedUntil: number;
}

/** How long to wait before the next send fits every limit (0 = now). Pure. */
export function waitFor(w: Window, now: number, limits = SENDING_LIMITS): number {
  let wait = Math.max(0, w.blockedUntil - now);
  for (const { max, windowMs } of limits) {
    if (windowMs >= 3_600_000) {
      if (now - w.hourStart < windowMs && w.hourCount >= max) wait = Math.max(wait, w.hourStart + windowMs - now);
      continue;
    }
    const inWindow = w.recent.filter((t) => now - t < windowMs);
    if (inWindow.length >= max) wait = Math.max(wait, inWindow[inWindow.length - max] + windowMs - now);
  }
  return wait;
}

const COLLECTION = 'alert-rate';
const SHORT_WINDOW = 30_000;

/**
 * The limits kept in the store, so that every instance of the bot counts the same sends: a slot is taken
 * with a compare-and-swap on the conversation's window document.
 */
export function createConversationRateLimit(store: Store, limits = SENDING_LIMITS): ConversationRateLimit {
  const empty = (now: number): Window => ({ recent: [], hourStart: now, hourCount: 0, blockedUntil: 0 });
  return {
    async reserve(conversationId, now) {
      let wait = 0;
      await updateDocument<Window>(store, COLLECTION, conversationId, (current) => {
        const w = current ?? empty(now);
        wait = waitFor(w, now, limits);
        if (wait > 0) return undefined;
        const newHour = now - w.hourStart >= 3_600_000;
        return {
          recent: [...w.recent.filter((t) => now - t < SHORT_WINDOW), now],
          hourStart: newHour ? now : w.hourStart,
          hourCount: (newHour ? 0 : w.hourCount) + 1,
          blockedUntil: w.blockedUntil,
        };
      });
      return wait;
    },
    async blockUntil(conversationId, until) {
      await updateDocument<Window>(store, COLLECTION, conversationId, (current) => {
        const w = current ?? empty(Date.now());
        return until > w.blockedUntil ? { ...w, blockedUntil: until } : undefined;
      });
    },
  };
}
