import { SignalsError } from './signals-source';

/**
 * A rolling budget of requests, kept by the bot itself so it never meets Microsoft's throttle: the message
 * trace takes "a maximum of 100 query requests … within a 5 minute running window". When it is spent, the
 * caller is told when to come back instead of waiting minutes.
 */
export function createRequestBudget(limit: number, windowMs: number, clock: () => number = Date.now) {
  const sent: number[] = [];
  const prune = (now: number) => {
    while (sent.length && sent[0]! <= now - windowMs) sent.shift();
  };
  return {
    /** Counts one request, or throws SignalsError('throttled') with the wait until one is free. */
    take(): void {
      const now = clock();
      prune(now);
      if (sent.length >= limit) {
        const wait = sent[0]! + windowMs - now;
        throw new SignalsError(
          'throttled',
          `The bot has made ${limit} message trace requests in the last ${Math.round(windowMs / 60_000)} minutes, Microsoft's limit.`,
          {
            retryAfterMs: wait,
          },
        );
      }
      sent.push(now);
    },
    left(): number {
      prune(clock());
      return limit - sent.length;
    },
  };
}

export type RequestBudget = ReturnType<typeof createRequestBudget>;
