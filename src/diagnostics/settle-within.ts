export type Interrupted = 'timeout' | 'aborted';

/**
 * Runs `start` and resolves with the first value it settles, or 'timeout' after `ms`, or 'aborted'
 * when `signal` fires. Never rejects; the timer and the abort listener are always removed.
 */
export function settleWithin<T extends object>(
  ms: number,
  signal: AbortSignal | undefined,
  start: (settle: (value: T) => void) => void,
): Promise<T | Interrupted> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: T | Interrupted): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish('timeout'), ms);
    if (signal?.aborted) return finish('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    start(finish);
  });
}
