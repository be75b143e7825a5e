/**
 * Bytes held at once, across requests, for bodies read before the request is authenticated (activities
 * before botbuilder checks the token, HMAC-signed alerts before the signature is checked). A request that
 * would go over the budget is refused (503, Retry-After) instead of holding more memory for an unknown sender.
 */
export interface BodyBudget {
  /** Takes `bytes` from the budget; false (and nothing taken) when they do not fit. */
  take(bytes: number): boolean;
  give(bytes: number): void;
  readonly held: number;
}

export function createBodyBudget(maxBytes: number): BodyBudget {
  let held = 0;
  return {
    take(bytes) {
      if (held + bytes > maxBytes) return false;
      held += bytes;
      return true;
    },
    give(bytes) {
      held = Math.max(0, held - bytes);
    },
    get held() {
      return held;
    },
  };
}
