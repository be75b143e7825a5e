/**
 * Microsoft's open Exchange Online incidents, kept for the cards: every diagnosis and queue card says when
 * Microsoft is working on something, so an admin does not chase a fault that is not theirs. Read at most
 * every `ttlMs`; a failed reading keeps the last one (a card never waits on or fails with service health).
 */
import type { Logger } from '../log/logger';
import { isExchangeService } from './read-graph-json';
import type { HealthIssue, SignalsSource } from './signals-source';

/** Exchange Online issues Microsoft has not resolved, the newest first. Pure. */
export function openExchangeIssues(issues: readonly HealthIssue[]): HealthIssue[] {
  return issues.filter((i) => !i.isResolved && isExchangeService(i.service)).sort((a, b) => b.startDateTime.localeCompare(a.startDateTime));
}

export interface IncidentReader {
  /** The open issues, read again when the last reading is older than the TTL. */
  read(): Promise<HealthIssue[]>;
}

export function createIncidentReader(source: SignalsSource, logger: Logger, ttlMs: number, clock: () => number = Date.now): IncidentReader {
  let last: { at: number; issues: HealthIssue[] } | undefined;
  let pending: Promise<HealthIssue[]> | undefined;
  const refresh = () =>
    (pending ??= source
      .serviceHealthIssues()
      .then((all) => {
        last = { at: clock(), issues: openExchangeIssues(all) };
        return last.issues;
      })
      .catch((err) => {
        logger.warn('could not read Microsoft 365 service health; cards go without the incident line', { err: err as Error });
        // Try again after a TTL, not on every card.
        last = { at: clock(), issues: last?.issues ?? [] };
        return last.issues;
      })
      .finally(() => {
        pending = undefined;
      }));
  return {
    async read() {
      if (last && clock() - last.at < ttlMs) return last.issues;
      return refresh();
    },
  };
}
