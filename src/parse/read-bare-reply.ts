import type { CodeToken } from './code-tokens';
import { ErrorReading, type SurroundingFacts } from './error-reading';
import { MAX_LOOKBACK_CHARS } from './limits';
import { readErrorBody } from './read-error-body';
import { readErrorPrefix, type PrefixHints } from './read-error-prefix';
import type { RegexCursor } from './regex-cursor';
import type { ErrorSink } from './scan-range';

/**
 * A reply without an enhanced status code, in a frame that says it is the remote server's reply:
 * Postfix `host X[ip] said: 554 Transaction failed`, Exim `host X [ip]: 550 Rejected` or the bare
 * `554 …` banner under `SMTP error from remote mail server after initial connection:`, sendmail
 * `<<< 550 …`, qmail `Remote host said: 552 …`, Python's `(550, b'relay not permitted')`.
 * Such a failure is reported with its class as the code (`5.0.0`, RFC 3463 §3.1) and
 * `enhancedCodeInferred`. A reply code anywhere else (a table of codes, a log count) is not read.
 * Only the first candidate of a line, within its first MAX_LOOKBACK_CHARS, is considered.
 */
export const BARE_REPLY_SOURCE = String.raw`(?<![\w.#-])([45])\d\d(?=[ \t-]|$|,[ \t]{0,2}b?['"\u2018\u2019\u201c\u201d])`;

/** Reads with a RegexCursor over BARE_REPLY_SOURCE (flag `m`: `$` is a line end), so most lines, which hold none, cost no slice. */
export function readBareReply(
  text: string,
  replies: RegexCursor,
  first: number,
  end: number,
  nextEnd: number,
  hints: PrefixHints,
  around: SurroundingFacts,
  sink: ErrorSink,
): boolean {
  if (sink.full) return false;
  const m = replies.firstIn(first, Math.min(end, first + MAX_LOOKBACK_CHARS));
  if (!m) return false;
  const at = m.index;
  const pythonTuple = text.charCodeAt(at - 1) === 40 /* ( */ && text.charCodeAt(at + 3) === 44; /* , */
  const prefix = readErrorPrefix(text, first, at, first, hints);
  if (prefix.kind !== 'relay' && !pythonTuple) return false;
  if (pythonTuple) prefix.replyIsRemote = true;
  const reply = text.slice(at, at + 3);
  // `550-Requested action not taken` then `550 Failure sending mail`: one multi-line reply (RFC 5321 §4.2.1), read at its last line.
  if (text.charCodeAt(at + 3) === 45 /* - */ && continuesOnNextLine(text, reply, end, nextEnd)) return true;
  const token: CodeToken = { start: at, codeStart: at, end: at + 3, code: `${m[1]}.0.0`, reply, inferred: true };
  const body = readErrorBody(text, token.end, end, { closeQuotes: prefix.closeQuotes, inTraceGroup: false, oldMarkers: false });
  sink.add(new ErrorReading(text, token, prefix, body, around), at);
  return true;
}

/** Does the next line carry the same reply code within its first characters (`S: 550 …`, `<<< 554-…`)? */
function continuesOnNextLine(text: string, reply: string, end: number, nextEnd: number): boolean {
  if (nextEnd <= end) return false;
  const next = text.slice(end + 1, Math.min(nextEnd, end + 1 + 48));
  const at = next.indexOf(reply);
  const after = next.charCodeAt(at + 3);
  return at >= 0 && (after === 32 || after === 45 || Number.isNaN(after));
}
