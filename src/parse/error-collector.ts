import { MAX_ERRORS, MAX_RAW_ERRORS } from './limits';
import type { ParsedError } from './types';

/**
 * Collects errors in paste order, once each. NDRs list one line per retry and message traces
 * repeat the same Reason, so the same enhancedCode + server + ip + remoteReply is reported once:
 * at the position where it first appears, with the fields of whichever copy told us most
 * (the first copy wins a tie; NDRs list the newest attempt first).
 */
export class ErrorCollector {
  private readonly byKey = new Map<string, { position: number; error: ParsedError; count: number }>();
  private raw = 0;

  get full(): boolean {
    return this.byKey.size >= MAX_ERRORS || this.raw >= MAX_RAW_ERRORS;
  }

  add(error: ParsedError, position: number): void {
    if (this.full) return;
    this.raw++;
    const key = [error.enhancedCode, (error.server ?? '').toLowerCase(), error.ip ?? '', error.remoteReply ?? ''].join('\u0000');
    const seen = this.byKey.get(key);
    if (!seen) {
      this.byKey.set(key, { position, error, count: 1 });
      return;
    }
    seen.count++;
    if (richness(error) > richness(seen.error)) seen.error = error;
    seen.position = Math.min(seen.position, position);
  }

  result(): ParsedError[] {
    return [...this.byKey.values()]
      .sort((a, b) => a.position - b.position)
      .map((entry) => (entry.count > 1 ? { ...entry.error, occurrences: entry.count } : entry.error));
  }
}

function richness(error: ParsedError): number {
  let count = error.quotedCodes.length > 0 ? 1 : 0;
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'quotedCodes' && key !== 'excerpt' && key !== 'format' && key !== 'occurrences' && value !== undefined) count++;
  }
  return count;
}
