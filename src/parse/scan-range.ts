import { isDigitAt, startsWithIgnoreCase } from './char-classes';
import { type CodeToken, isDeliveryReply, type CodeTokenCursor } from './code-tokens';
import { ErrorReading, type SurroundingFacts } from './error-reading';
import { MAX_LOOKBACK_CHARS } from './limits';
import { destinationAfterDsn, isLogDsn, isLoggedSent, replyAfterDsn } from './log-line-status';
import { isLookAlike, isVersionItem } from './look-alike';
import { readErrorBody } from './read-error-body';
import { readErrorPrefix, type PrefixHints } from './read-error-prefix';

/** Where scanRange hands the errors it reads; `full` stops the scan (see MAX_ERRORS, MAX_RAW_ERRORS). */
export interface ErrorSink {
  readonly full: boolean;
  add(error: ErrorReading, position: number): void;
}

/**
 * Reads every error whose status code lies in [from, to) — one line of the paste.
 * Each error consumes its own text (code, description, fields); a code inside that text is one
 * of its quotedCodes, not an error of its own. The scan resumes after the consumed text and the
 * next look-back window starts there too, so every character is visited a bounded number of times.
 */
export function scanRange(
  text: string,
  cursor: CodeTokenCursor,
  from: number,
  to: number,
  hints: PrefixHints,
  around: SurroundingFacts,
  sink: ErrorSink,
): number {
  let pos = from;
  let windowStart = from;
  let count = 0;
  let lookAlikeOnLine = false;
  while (!sink.full) {
    let token = cursor.next(pos, to);
    if (!token) break;
    pos = token.end;
    // 2.x.x is success (RFC 3463 §3.1): read only when it tells of a delivery ("250 2.1.5 Recipient OK"), see ParsedError.outcome.
    if (token.code[0] === '2' && !isDeliveryReply(token) && !isLoggedSent(text, token)) continue;
    // Old NDRs lead with the code and then quote the full reply: "#5.7.1 smtp;550 5.7.1 …"; read the reply.
    // A reply without a code of its own (`#4.0.0 smtp;450 <>: Sender address rejected`) leaves the code to the NDR.
    if (!token.reply && isFollowedBySmtpReply(text, token.end, to) && cursor.hasCodeIn(token.end, to)) continue;
    if (isLookAlike(text, token, from) || (hints.underVersionHeading && isVersionItem(text, token, from, to))) {
      lookAlikeOnLine = true;
      continue;
    }
    // `from `5.4.13` to `5.4.15` (and `5.4.16` doesn't …)`: a number quoted like the versions beside it is one too.
    if (lookAlikeOnLine && !token.reply && isInBackticks(text, token)) continue;
    // A Postfix log line: `dsn=4.7.651, status=deferred (host X[ip] said: 451 4.7.651 …)`: the reply later on the line is the error.
    if (!token.reply && isRepeatedWithReply(text, token, to)) continue;
    // Exchange Online quotes the next hop's reply after an arrow: `250 2.6.0 … Queued mail for delivery -> 250 2.1.5`.
    if (count > 0 && isAfterArrow(text, windowStart, token.start)) continue;

    const lookback = Math.max(windowStart, token.start - MAX_LOOKBACK_CHARS);
    // qmail ends its reply with the code: `553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)`.
    // The error starts at the reply code, so the frame before it (Outlook's `Server Response: '`, `said:`) is read.
    const replyStart = token.reply ? -1 : qmailReplyStart(text, Math.min(lookback, token.start), token);
    if (replyStart >= 0) token = { ...token, start: replyStart, reply: text.slice(replyStart, replyStart + 3) };
    const prefix = readErrorPrefix(text, Math.min(lookback, token.start), token.start, from, hints);
    if (prefix.host === undefined && prefix.hostIp === undefined && isLogDsn(text, token)) {
      const where = destinationAfterDsn(text, cursor, token, to);
      if (where?.server) prefix.host = where.server;
      if (where?.ip) prefix.hostIp = where.port === undefined ? where.ip : `${where.ip}:${where.port}`;
      // Named by the sender's own log, like Postfix's `host X[ip] said:`: a Microsoft host there is the destination.
      if (where && prefix.kind === 'none') prefix.kind = 'relay';
    }
    if (!token.reply && prefix.replyCode === undefined && isLogDsn(text, token)) prefix.replyCode = replyAfterDsn(text, cursor, token, to);
    // `554 (5.6.211) '…'`: the text starts after the code's closing parenthesis.
    const parenthesised = token.reply !== undefined && text.charCodeAt(token.codeStart - 1) === 40 && text.charCodeAt(token.end) === 41;
    const read = readErrorBody(text, parenthesised ? token.end + 1 : token.end, to, {
      closeQuotes: prefix.closeQuotes,
      inTraceGroup: prefix.kind === 'trace',
      oldMarkers: prefix.kind === 'ndr-old',
    });
    // qmail's text is the reply before `(#X.Y.Z)`; what follows the code is the frame's (`)'`, `(in reply to …)`).
    const body = replyStart >= 0 ? { ...read, description: text.slice(replyStart + 4, token.codeStart - 2).trim() } : read;
    sink.add(new ErrorReading(text, token, prefix, body, around), token.start);
    count++;
    pos = windowStart = Math.max(body.end, token.end);
  }
  return count;
}

/** `#5.7.1 smtp;550 5.7.1 …`: `smtp;` and a reply code. `5.7.60 SMTP; Client does not have permissions` is the reply itself. */
function isFollowedBySmtpReply(text: string, at: number, to: number): boolean {
  let i = at;
  while (i < to && i < at + 3 && text.charCodeAt(i) === 32) i++;
  if (!startsWithIgnoreCase(text, i, 'smtp;')) return false;
  i += 5;
  if (text.charCodeAt(i) === 32) i++;
  const d = text.charCodeAt(i);
  return (d === 50 || d === 52 || d === 53) && isDigitAt(text, i + 1) && isDigitAt(text, i + 2);
}

/** Is the text between the previous error's end and this code just `->` (and blanks)? */
function isAfterArrow(text: string, from: number, at: number): boolean {
  let i = at - 1;
  while (i >= from && i > at - 8 && text.charCodeAt(i) === 32) i--;
  return i - 1 >= from && text.charCodeAt(i) === 62 /* > */ && text.charCodeAt(i - 1) === 45; /* - */
}

/**
 * `dsn=X.Y.Z` whose code comes again later on the line after a reply code, or a generic `dsn=4.0.0` before
 * the reply's own code of its class (sendmail's `dsn=4.0.0, stat=Deferred: 421 4.7.0 …`); looks ahead at most 1,000 characters.
 */
function isRepeatedWithReply(text: string, token: CodeToken, to: number): boolean {
  if (!startsWithIgnoreCase(text, token.codeStart - 4, 'dsn=')) return false;
  const generic = token.code.endsWith('.0.0');
  const after = text.slice(token.end, Math.min(to, token.end + 1000));
  REPLY_WITH_CODE.lastIndex = 0;
  for (let m = REPLY_WITH_CODE.exec(after); m; m = REPLY_WITH_CODE.exec(after)) {
    if (m[2] === token.code || (generic && m[1] === token.code[0] && m[2][0] === token.code[0])) return true;
  }
  return false;
}

const REPLY_WITH_CODE = /(?<![\w.])([245])\d\d[ -]([245]\.\d{1,3}\.\d{1,3})(?![\w]|\.\d)/g;

/** A reply code that opens a reply: at the window's start, or after a quote, `: ` or `; ` (`said: 553 …`, `smtp; 553 …`). */
const REPLY_OPENING = /(?:^|['"\u2018\u201c]|[:;] )[ \t]{0,2}([245])\d\d[ -]/g;

/**
 * Where the reply whose code is qmail's trailing `(#X.Y.Z)` starts, or -1: the last reply code of the same
 * class that opens a reply before it on the line (within the look-back window, so the work stays bounded).
 */
function qmailReplyStart(text: string, windowStart: number, token: CodeToken): number {
  if (text.charCodeAt(token.codeStart - 1) !== 35 /* # */ || text.charCodeAt(token.codeStart - 2) !== 40 /* ( */) return -1;
  if (text.charCodeAt(token.end) !== 41 /* ) */) return -1;
  const w = text.slice(windowStart, token.codeStart - 2);
  let at = -1;
  REPLY_OPENING.lastIndex = 0;
  for (let m = REPLY_OPENING.exec(w); m; m = REPLY_OPENING.exec(w)) {
    if (m[1] === token.code[0]) at = m.index + m[0].length - 4;
  }
  return at < 0 ? -1 : windowStart + at;
}

function isInBackticks(text: string, token: CodeToken): boolean {
  return text.charCodeAt(token.codeStart - 1) === 96 && text.charCodeAt(token.end) === 96;
}
