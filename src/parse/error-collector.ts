import { MAX_ERRORS, MAX_RAW_ERRORS } from './limits';
import type { ParsedError } from './types';

/**
 * One copy of an error as the collector sees it: the key that says which copies are the same error,
 * and the ParsedError, built only when the collector keeps this copy (see ErrorReading).
 */
export interface ErrorCopy {
  readonly key: string;
  /** `richness(toParsedError()) > richness`, answered as cheaply as the copy can. */
  isRicherThan(richness: number): boolean;
  toParsedError(): ParsedError;
}

/** enhancedCode + server + ip + remoteReply: copies with the same key are reported as one error. */
export function errorKey(enhancedCode: string, server: string | undefined, ip: string | undefined, remoteReply: string | undefined): string {
  return `${enhancedCode}\u0000${(server ?? '').toLowerCase()}\u0000${ip ?? ''}\u0000${remoteReply ?? ''}`;
}

/** A ParsedError that is already complete (a DSN block's) as a copy for the collector. */
export function completeCopy(error: ParsedError): ErrorCopy {
  return {
    key: errorKey(error.enhancedCode, error.server, error.ip, error.remoteReply),
    isRicherThan: (richnessToBeat) => richness(error) > richnessToBeat,
    toParsedError: () => error,
  };
}

/**
 * Collects errors in paste order, once each. NDRs list one line per retry and message traces
 * repeat the same Reason, so the same enhancedCode + server + ip + remoteReply is reported once:
 * at the position where it first appears, with the fields of whichever copy told us most
 * (the first copy wins a tie; NDRs list the newest attempt first).
 */
export class ErrorCollector {
  private readonly byKey = new Map<string, { position: number; error: ParsedError; richness: number; count: number }>();
  private raw = 0;

  get full(): boolean {
    return this.byKey.size >= MAX_ERRORS || this.raw >= MAX_RAW_ERRORS;
  }

  add(copy: ErrorCopy, position: number): void {
    if (this.full) return;
    this.raw++;
    const seen = this.byKey.get(copy.key);
    if (!seen) {
      const error = copy.toParsedError();
      this.byKey.set(copy.key, { position, error, richness: richness(error), count: 1 });
      return;
    }
    seen.count++;
    if (copy.isRicherThan(seen.richness)) {
      seen.error = copy.toParsedError();
      seen.richness = richness(seen.error);
    }
    seen.position = Math.min(seen.position, position);
  }

  result(): ParsedError[] {
    return [...this.byKey.values()]
      .sort((a, b) => a.position - b.position)
      .map((entry) => (entry.count > 1 ? { ...entry.error, occurrences: entry.count } : entry.error));
  }
}

/** How many facts an error carries: every field that is set, except the excerpt, format and count. */
function richness(error: ParsedError): number {
  return (
    1 + // enhancedCode
    (error.quotedCodes.length > 0 ? 1 : 0) +
    has(error.replyCode) +
    has(error.description) +
    has(error.remoteReply) +
    has(error.server) +
    has(error.ip) +
    has(error.port) +
    has(error.socketError) +
    has(error.lastRetryRaw) +
    has(error.lastRetryIso) +
    has(error.recipient)
  );
}

function has(value: unknown): number {
  return value === undefined ? 0 : 1;
}
