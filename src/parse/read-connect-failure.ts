import type { CodeToken } from './code-tokens';
import { ErrorReading, type SurroundingFacts } from './error-reading';
import { DOTTED_HOST } from './host-name';
import { readErrorBody } from './read-error-body';
import { newPrefix } from './read-error-prefix';
import { readUnansweredAttempt } from './read-unanswered-attempt';
import type { ErrorSink } from './scan-range';

/**
 * Gmail's bounce when it could not reach the recipient's server has no reply to quote. Under "Technical
 * details of permanent failure:" (or "The recipient server did not accept our requests to connect.") it
 * writes the server it tried, in brackets, on a line of its own:
 * `[(0) mx.contoso.com. [203.0.113.9]:465: socket error]`, `[mx.contoso.com. (10): Connection timed out]`,
 * `[mx.contoso.com. 203.0.113.9: timed out]`.
 * Such a failure is reported like a bare reply: its class as the code (`5.0.0` for a permanent failure,
 * `4.0.0` for a temporary one, RFC 3463 §3.1) and `enhancedCodeInferred`, with the server it names.
 */
const GMAIL_CONNECT_FAILURE = new RegExp(
  String.raw`^\[(?:\(\d{1,3}\) )?(${DOTTED_HOST})\.? (?:\[([0-9A-Fa-f:.]{3,45})\](?::(\d{1,5}))?|([0-9]{1,3}(?:\.[0-9]{1,3}){3})|\(\d{1,3}\)):[ \t]{0,3}([A-Za-z][^[\]]{0,120})\]$`,
);

/** The line's words that say Gmail is about to name a server it could not reach, and the class they give. */
export function connectFailureClass(lowerLine: string): '4' | '5' | undefined {
  if (lowerLine.startsWith('technical details of permanent failure')) return '5';
  if (lowerLine.startsWith('technical details of temporary failure')) return '4';
  return lowerLine.includes('did not accept our requests to connect') ? '5' : undefined;
}

/** Reads the bracket line [first, end) under such words; false when it is not one. */
export function readConnectFailure(text: string, first: number, end: number, failureClass: '4' | '5', around: SurroundingFacts, sink: ErrorSink): boolean {
  if (sink.full || text.charCodeAt(first) !== 91 /* [ */ || end - first > 420) return false;
  const line = text.slice(first, end).trimEnd();
  const m = GMAIL_CONNECT_FAILURE.exec(line);
  if (!m) return false;
  const ip = m[2] ?? m[4];
  // No server replied: the words are the sender's own report of the attempt.
  const prefix = newPrefix(first, { kind: 'relay', host: m[1], hostIp: ip && m[3] ? `${ip}:${m[3]}` : ip });
  const token: CodeToken = { start: first, codeStart: first, end: first, code: `${failureClass}.0.0`, inferred: true };
  const body = readErrorBody(text, first + 1, first + line.length - 1, { inTraceGroup: false, oldMarkers: false });
  sink.add(new ErrorReading(text, token, prefix, { ...body, end: first + line.length }, around), first);
  return true;
}

/** A failure with no reply and no code: Gmail's bracket line under its failure words, else a sender's report of a deferred attempt. */
export function readCodelessFailure(
  text: string,
  first: number,
  end: number,
  failureClass: '4' | '5' | undefined,
  around: SurroundingFacts,
  sink: ErrorSink,
): boolean {
  return failureClass ? readConnectFailure(text, first, end, failureClass, around, sink) : readUnansweredAttempt(text, first, end, around, sink);
}
