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
  private readonly byKey = new Map<string, Entry>();
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
    const entries = [...this.byKey.values()].sort((a, b) => a.position - b.position);
    return dropRefinedGeneric(dropBareRepliesToldByDsn(dropStepsOfFailedSessions(mergeCopiesOfOneFailure(entries)))).map((entry) =>
      entry.count > 1 ? { ...entry.error, occurrences: entry.count } : entry.error,
    );
  }
}

interface Entry {
  position: number;
  error: ParsedError;
  richness: number;
  count: number;
}

/**
 * One failure is often told several times in one paste, each time with part of the facts: Postfix's
 * text part (`host X[ip] said: 550 5.1.1 …`) and its DSN part (`Remote-MTA: dns; X`, no IP), sendmail's
 * `(reason: 550 5.1.1 …)` and its `<<< 550 5.1.1 …` transcript, an NDR's "DSN code 5.1.0" hint and its
 * `Remote Server returned '550 5.1.0 …'`. Copies with the same code whose recipient, server and IP never
 * disagree (equal, or unknown on one side) are one failure: the first position, the richer copy's
 * fields, the other's facts filling the gaps. Bounded by MAX_ERRORS entries per code.
 */
function mergeCopiesOfOneFailure(entries: Entry[]): Entry[] {
  const kept: Entry[] = [];
  const byCode = new Map<string, Entry[]>();
  for (const entry of entries) {
    const sameCode = byCode.get(entry.error.enhancedCode);
    const candidates = sameCode?.filter((k) => compatible(k.error, entry.error)) ?? [];
    // Only an unambiguous copy merges: one candidate, told in another shape (text part and DSN part), or
    // without a destination of its own, or to the very same destination (a reply continued on the next line).
    const into = candidates.length === 1 && sameFailure(candidates[0].error, entry.error) ? candidates[0] : undefined;
    if (!into) {
      kept.push(entry);
      if (sameCode) sameCode.push(entry);
      else byCode.set(entry.error.enhancedCode, [entry]);
      continue;
    }
    // Told in another shape (an NDR line and its DSN block), it is the same failure, not one more attempt.
    const retold = into.error.format !== entry.error.format;
    const [rich, poor] = entry.richness > into.richness ? [entry.error, into.error] : [into.error, entry.error];
    into.error = fillGaps(rich, poor);
    into.richness = richness(into.error);
    into.count = retold ? Math.max(into.count, entry.count) : into.count + entry.count;
  }
  return kept;
}

const MERGED_FACTS = ['replyCode', 'description', 'remoteReply', 'server', 'ip', 'port', 'socketError', 'lastRetryRaw', 'lastRetryIso', 'recipient'] as const;

function fillGaps(rich: ParsedError, poor: ParsedError): ParsedError {
  const out: ParsedError = { ...rich };
  for (const key of MERGED_FACTS) {
    if (out[key] === undefined && poor[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = poor[key];
  }
  if (out.ip === undefined) delete out.port;
  if (out.quotedCodes.length === 0 && poor.quotedCodes.length > 0) out.quotedCodes = poor.quotedCodes;
  if (poor.enhancedCodeInferred === undefined && out.enhancedCodeInferred) {
    // The other copy shows the code (a DSN Status under a bare reply): its excerpt is the one that holds it.
    delete out.enhancedCodeInferred;
    out.excerpt = poor.excerpt;
  }
  return out;
}

function compatible(a: ParsedError, b: ParsedError): boolean {
  return (
    agree(a.recipient?.toLowerCase(), b.recipient?.toLowerCase()) &&
    agree(a.server?.toLowerCase(), b.server?.toLowerCase()) &&
    agree(a.ip, b.ip) &&
    agree(a.replyCode, b.replyCode)
  );
}

function sameFailure(kept: ParsedError, copy: ParsedError): boolean {
  if (kept.format !== copy.format) return true;
  if (copy.server === undefined && copy.ip === undefined) return true;
  if (kept.server === undefined && kept.ip === undefined) return true;
  return kept.server?.toLowerCase() === copy.server?.toLowerCase() && kept.ip === copy.ip;
}

function agree(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/**
 * A success followed by a failure to the same destination was a step of a session that then failed
 * (`250 2.1.5 Recipient OK`, then `554 5.7.1` after DATA): only a success that nothing later contradicts
 * is reported as delivered. A failure before it (a deferral, then the retry that got through) leaves it.
 */
function dropStepsOfFailedSessions(entries: Entry[]): Entry[] {
  if (!entries.some((e) => e.error.outcome === 'delivered')) return entries;
  const laterFailures: ParsedError[] = [];
  const kept: Entry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const { error } = entries[i];
    if (error.outcome === undefined) laterFailures.push(error);
    else if (laterFailures.some((failure) => sameDestination(failure, error))) continue;
    kept.push(entries[i]);
  }
  return kept.reverse();
}

function sameDestination(a: ParsedError, b: ParsedError): boolean {
  return agree(a.recipient?.toLowerCase(), b.recipient?.toLowerCase()) && agree(a.server?.toLowerCase(), b.server?.toLowerCase()) && agree(a.ip, b.ip);
}

/**
 * Postfix tells a refused greeting twice: the text part quotes the bare reply (`refused to talk to me: 554 …`,
 * read with its class, 5.0.0) and the DSN part gives the status it assigned (`Status: 4.0.0`, a deferral) with
 * the same reply as its Diagnostic-Code. It is one failure, and the DSN's status is its code.
 */
function dropBareRepliesToldByDsn(entries: Entry[]): Entry[] {
  const dsn = entries.filter((e) => e.error.format === 'dsn' && !e.error.enhancedCodeInferred && e.error.replyCode);
  if (dsn.length === 0) return entries;
  return entries.filter((e) => {
    if (!e.error.enhancedCodeInferred || e.error.format === 'dsn') return true;
    // The same reply to the same place, or word for word the same reply (the text part may name the server otherwise).
    const told = dsn.find(
      (d) =>
        d.error.replyCode === e.error.replyCode &&
        (sameDestination(d.error, e.error) || (d.error.description !== undefined && d.error.description === e.error.description)),
    );
    if (!told) return true;
    told.error = fillGaps(told.error, { ...e.error, enhancedCodeInferred: undefined });
    return false;
  });
}

/**
 * `X.0.0` says only "permanent" or "transient" (RFC 3463 §3.1). When the same paste holds a specific
 * code of the same class for the same recipient, the generic one is a follow-on, not a failure of its
 * own: sendmail's `554 5.0.0 Service unavailable` summary, the `503 5.0.0 Need RCPT (recipient)` after a
 * rejected RCPT, a DSN `Status: 5.0.0` under a Diagnostic-Code that says 5.7.1.
 */
function dropRefinedGeneric(entries: Entry[]): Entry[] {
  const specific = entries.filter((e) => !isGeneric(e.error.enhancedCode));
  if (specific.length === 0 || specific.length === entries.length) return entries;
  return entries.filter((e) => {
    if (!isGeneric(e.error.enhancedCode)) return true;
    const refined = specific.filter(
      // A generic code from another server is a failure of its own (`554 mx1.contoso.com` beside `554 5.7.1` from mx2).
      (s) => s.error.enhancedCode[0] === e.error.enhancedCode[0] && sameDestination(s.error, e.error),
    );
    if (refined.length === 0) return true;
    // qmail: `remote host 203.0.113.9 said: 550 Unknown user` then `(#5.5.0)`: the generic copy knows the server.
    const same = refined.find((s) => compatible(s.error, e.error));
    if (same) same.error = fillGaps(same.error, { ...e.error, enhancedCodeInferred: undefined });
    return false;
  });
}

/** A failure's `X.0.0`; a delivery's `2.0.0` (`250 2.0.0 Ok: queued as …`) is a step of its own, never a follow-on. */
function isGeneric(code: string): boolean {
  return code.endsWith('.0.0') && code[0] !== '2';
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
