import { isHostChar, startsWithIgnoreCase } from './char-classes';
import type { CodeToken } from './code-tokens';
import { ErrorReading, type SurroundingFacts } from './error-reading';
import { findGreetingHost } from './find-destination';
import { MAX_LOOKBACK_CHARS } from './limits';
import { readErrorBody } from './read-error-body';
import { readErrorPrefix, type PrefixHints } from './read-error-prefix';
import type { RegexCursor } from './regex-cursor';
import type { ErrorSink } from './scan-range';

/**
 * A reply without an enhanced status code, in a frame that says it is the remote server's reply:
 * Postfix `host X[ip] said: 554 Transaction failed`, Exim `host X [ip]: 550 Rejected` or the bare
 * `554 …` banner under `SMTP error from remote mail server after initial connection:`, sendmail
 * `<<< 550 …`, qmail `Remote host said: 552 …`, Python's `(550, b'relay not permitted')`, Rust lettre's
 * `permanent error (550): Error: content rejected`, ZoneMTA's `DEFERRED[dns] … (450 Can't find an MX …)`; a client's
 * exception or log that quotes the reply after a colon (`Net::SMTPFatalError: 550 The from address …`,
 * `all recipients were rejected: 550-…`, `data: '550 …'`); a reply at the start of a line in an SMTP
 * session (the paste shows commands or other replies: `rcpt to:<…>` then `550 …`), under a line naming
 * an SMTP exception, or ending a multi-line reply (`550-…` lines, then `550 …`, RFC 5321 §4.2.1).
 * Such a failure is reported with its class as the code (`5.0.0`, RFC 3463 §3.1) and
 * `enhancedCodeInferred`. A reply code anywhere else (a table of codes, a log count) is not read, nor
 * one followed by a count's unit (`550 messages queued`).
 * Only the first MAX_CANDIDATES candidates of a line, within its first MAX_LOOKBACK_CHARS, are considered.
 */
export const BARE_REPLY_SOURCE = String.raw`(?<![\w.#-])([45])\d\d(?=[ \t-]|$|,[ \t]{0,2}b?['"\u2018\u2019\u201c\u201d]|[.,;](?:\s|$)|\):[ \t])`;

/** Reads with a RegexCursor over BARE_REPLY_SOURCE (flag `m`: `$` is a line end), so most lines, which hold none, cost no slice. */
/** What the lines above say about a reply at the start of this line (see PasteReader). */
export interface LineFrame {
  /** The paste shows an SMTP session: a command line or a 2xx/3xx reply at a line's start. */
  inSession: boolean;
  /** The line above names an SMTP exception (`**Net::SMTPFatalError** in …`). */
  afterException: boolean;
  /** The line above was `NNN-…`, a multi-line reply's continuation, with this reply code. */
  continuedReply?: string;
  /** This is the paste's first line: a reply there is what the user pasted (`554 <jane@contoso.com>: Relay access denied`). */
  atPasteStart: boolean;
  /** The line above ends with a colon, as a poster introduces what they paste (`The error we get:`). */
  afterLeadIn: boolean;
}

/**
 * What a line held: no bare reply, a reply now reported, or a multi-line reply's first lines, whose last line
 * (`554 …`) is to come; `from` is the server the first line's frame named (`host X [ip]: 451-…`), the last line's too.
 */
export type BareReplyOutcome = 'none' | 'read' | { continues: string; from?: { host?: string; ip?: string } };

export function readBareReply(
  text: string,
  replies: RegexCursor,
  first: number,
  end: number,
  nextEnd: number,
  hints: PrefixHints,
  around: SurroundingFacts,
  sink: ErrorSink,
  frame: LineFrame,
): BareReplyOutcome {
  if (sink.full) return 'none';
  const line: ReplyLine = { text, first, end, nextEnd, hints, around, sink, frame };
  const limit = Math.min(end, first + MAX_LOOKBACK_CHARS);
  // A log line's own numbers come first (`delay=423, status=deferred (host X[ip] said: 451 …)`): a few candidates, not only the first.
  let m = replies.firstIn(first, limit);
  for (let tries = 0; m && tries < MAX_CANDIDATES; tries++) {
    const outcome = readCandidate(line, m.index);
    if (outcome !== 'none') return outcome;
    m = replies.firstIn(m.index + 3, limit);
  }
  return 'none';
}

/** Candidates a line may hold before its reply; each costs a bounded look around it, so a line stays linear. */
const MAX_CANDIDATES = 4;

/** The line [first, end) being read, and what the reader knows around it. */
interface ReplyLine {
  text: string;
  first: number;
  end: number;
  nextEnd: number;
  hints: PrefixHints;
  around: SurroundingFacts;
  sink: ErrorSink;
  frame: LineFrame;
}

/** The candidate reply code at `at`: read when its frame says it is a server's reply. */
function readCandidate({ text, first, end, nextEnd, hints, around, sink, frame }: ReplyLine, at: number): BareReplyOutcome {
  if (isPortAfterHost(text, first, at)) return 'none';
  const pythonTuple = text.charCodeAt(at - 1) === 40 /* ( */ && text.charCodeAt(at + 3) === 44; /* , */
  const lettre = isLettreReply(text, first, at);
  // `transient error (451): 4.7.1 Greylisted`: the enhanced code is read as the error, with this reply code (code-tokens.ts).
  if (lettre && /^[245]\.\d/.test(text.slice(at + 6, at + 9))) return 'none';
  const prefix = readErrorPrefix(text, first, at, first, hints);
  // A Markdown list item or inline code starts where its marker ends: `- \`554 mx.contoso.com …\``.
  const lineStart = afterItemMarker(text, first, end);
  const framed =
    isReplyText(text, at + 4, end) &&
    (afterColon(text, first, at) ||
      startsLine(text, lineStart, at, frame) ||
      namesItself(text, lineStart, at, end) ||
      inInlineCode(text, at, end) ||
      afterLoggedStatus(text, first, at) ||
      opensPaste(text, lineStart, at, end, nextEnd, frame));
  const inLettre = lettre && isReplyText(text, at + 6, end);
  if (prefix.kind !== 'relay' && !pythonTuple && !inLettre && !framed && !afterResponseField(text, first, at)) return 'none';
  if (pythonTuple) prefix.replyIsRemote = true;
  const reply = text.slice(at, at + 3);
  // `550-Requested action not taken` then `550 Failure sending mail`: one multi-line reply (RFC 5321 §4.2.1), read at its last line.
  if (text.charCodeAt(at + 3) === 45 /* - */ && continuesOnNextLine(text, reply, end, nextEnd)) {
    const named = prefix.host !== undefined || prefix.hostIp !== undefined;
    return named ? { continues: reply, from: { host: prefix.host, ip: prefix.hostIp } } : { continues: reply };
  }
  const token: CodeToken = { start: at, codeStart: at, end: at + 3, code: `${text[at]}.0.0`, reply, inferred: true };
  const body = readErrorBody(text, inLettre ? token.end + 2 : token.end, end, { closeQuotes: prefix.closeQuotes, inTraceGroup: false, oldMarkers: false });
  sink.add(new ErrorReading(text, token, prefix, body, around), at);
  return 'read';
}

/** ZoneMTA's log line: `DEFERRED[dns] … mx=contoso.com (450 Can't find an MX server for contoso.com)`, its status in parentheses. */
const LOGGED_STATUS = /\b(?:DEFERRED|REJECTED|BOUNCED|DROPPED)\[[\w-]{1,20}\]/;

function afterLoggedStatus(text: string, first: number, at: number): boolean {
  return text.charCodeAt(at - 1) === 40 /* ( */ && LOGGED_STATUS.test(text.slice(Math.max(first, at - MAX_LOOKBACK_CHARS), at));
}

/** Rust lettre's error, as its Display writes it: `permanent error (550): …`, `transient error (421): …`. */
function isLettreReply(text: string, first: number, at: number): boolean {
  if (text.charCodeAt(at - 1) !== 40 /* ( */ || text.charCodeAt(at + 3) !== 41 /* ) */) return false;
  const before = text.slice(Math.max(first, at - 17), at - 1);
  return /(?:permanent|transient) error $/i.test(before);
}

/** Past a list item's marker (`- `, `* `, `• `) and an inline code's opening backtick, if the line starts with them. */
function afterItemMarker(text: string, first: number, end: number): number {
  let i = first;
  const c = text.charCodeAt(i);
  if ((c === 45 || c === 42 || c === 0x2022) && text.charCodeAt(i + 1) === 32) i += 2;
  if (text.charCodeAt(i) === 96 /* ` */ && i + 1 < end) i++;
  return i;
}

/**
 * A poster quotes the error as inline code in their sentence: "I get \`454 Command not permitted when TLS active\` on
 * port 25". The span opens right at the reply and closes on the same line, after its words.
 */
function inInlineCode(text: string, at: number, end: number): boolean {
  if (text.charCodeAt(at - 1) !== 96 /* ` */) return false;
  const close = text.indexOf('`', at + 4);
  return close > at + 8 && close < end;
}

/** `login.microsoftonline.com:443`, `[203.0.113.9]:465`: a port glued to a name or an address is not a reply. */
function isPortAfterHost(text: string, first: number, at: number): boolean {
  if (text.charCodeAt(at - 1) !== 58 /* : */) return false;
  let i = at - 2;
  if (text.charCodeAt(i) === 93 /* ] */) return true;
  let dotted = false;
  for (; i >= first && i > at - 256 && isHostChar(text.charCodeAt(i)); i--) if (text.charCodeAt(i) === 46) dotted = true;
  return dotted;
}

/**
 * `SMTPFatalError: 550 …`, `rejected: 550-…`, `data: '550 …`: a colon (or `=`) and at most a quote before
 * the reply; or `with message "550 …"`, the word `message` and a quote.
 */
function afterColon(text: string, first: number, at: number): boolean {
  let i = at - 1;
  if (i >= first && isQuote(text.charCodeAt(i))) i--;
  while (i >= first && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  const c = text.charCodeAt(i);
  // Swift Mailer and Symfony: `Expected response code 250 but got code "550", with message "550 …"`.
  if (i - 6 >= first && text.charCodeAt(at - 1) !== 32 && startsWithIgnoreCase(text, i - 6, 'message')) return true;
  // node_mailer, Net::SMTP: `Server responded with 550 esmtp: protocol deviation`.
  if (i - 13 >= first && startsWithIgnoreCase(text, i - 13, 'responded with')) return true;
  // A Diagnostic-Code's value pasted without its name: `smtp;451 mx.contoso.com Resources temporarily unavailable`.
  if (c === 59 /* ; */ && i - 4 >= first && startsWithIgnoreCase(text, i - 4, 'smtp')) return true;
  if (c === 61 /* = */) return i > first && !isShortKey(text, first, i);
  return i > first && c === 58 /* : */ && text.charCodeAt(i - 1) !== 58; /* not `::` */
}

/** Exim's log fields are a letter or two and `=`: `S=566` is a size, `P=esmtp` a protocol; `response=550 …` is a reply. */
function isShortKey(text: string, first: number, equals: number): boolean {
  let i = equals - 1;
  while (i >= first && i > equals - 3 && isLetter(text.charCodeAt(i))) i--;
  return equals - i <= 3 && (i < first || !isLetter(text.charCodeAt(i)));
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** JavaMail's `Could not connect to SMTP host: X, port: 25, response: 554`: the reply code alone, named as the response. */
function afterResponseField(text: string, first: number, at: number): boolean {
  return at - 10 >= first && startsWithIgnoreCase(text, at - 10, 'response: ');
}

/** `500 mx.contoso.com Syntax error` at a line's start: a reply whose server names itself first is SMTP, not an HTTP status or a count. */
function namesItself(text: string, first: number, at: number, end: number): boolean {
  return at === first && findGreetingHost(text.slice(at, at + 3), true, text.slice(at + 4, Math.min(end, at + 300))) !== undefined;
}

function startsLine(text: string, first: number, at: number, frame: LineFrame): boolean {
  if (at !== first) return false;
  return frame.inSession || frame.afterException || frame.continuedReply === text.slice(at, at + 3);
}

/**
 * The paste starts with the reply (`554 <jane@contoso.com>: Recipient address rejected: Relay access denied`),
 * or the line above introduces it (`The error we get:`): it is what the user pasted, unless the next line
 * starts with a code too (a table of codes) or it is a web server's status line.
 */
function opensPaste(text: string, first: number, at: number, end: number, nextEnd: number, frame: LineFrame): boolean {
  if (at !== first || !(frame.atPasteStart || frame.afterLeadIn) || isHttpStatus(text, at)) return false;
  const next = text.slice(end + 1, Math.min(nextEnd, end + 12)).trimStart();
  return !/^[245]\d\d(?![\d.])/.test(next);
}

/** HTTP's reason phrases (RFC 9110 §15) for the codes SMTP shares: `500 Internal Server Error` is a web server's answer. */
const HTTP_REASONS =
  /^(?:bad request|unauthorized|payment required|forbidden|not found|method not allowed|not acceptable|request timeout|conflict|gone|too many requests|unavailable for legal reasons|internal server error|not implemented|bad gateway|service unavailable|gateway time-?out)\b/i;

function isHttpStatus(text: string, at: number): boolean {
  return HTTP_REASONS.test(text.slice(at + 4, at + 40));
}

function isQuote(c: number): boolean {
  return c === 39 || c === 34 || c === 0x2018 || c === 0x201c;
}

/** Words after a number that make it a count, not a reply code. */
const COUNT_WORDS = ['messages', 'message(s)', 'mails', 'emails', 'errors', 'recipients', 'users', 'items', 'bytes', 'times', 'ms', 'seconds', 'minutes'];

/** A reply's text: it starts with a letter, a quote, `<`, `#` or `[`, and is not a count (`550 messages queued`). */
function isReplyText(text: string, from: number, end: number): boolean {
  if (from >= end) return false;
  // Exim quotes a multi-line reply's code twice: `550-550 relay not permitted`.
  if (text.startsWith(text.slice(from - 4, from - 1), from) && text.charCodeAt(from + 3) === 32) return isReplyText(text, from + 4, end);
  const c = text.charCodeAt(from);
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  // `554 6.6.0 Error sending message`: a server's own dotted code (outside RFC 3463) before its words.
  if (!letter) return isQuote(c) || c === 60 || c === 35 || c === 91 || c === 0x2039 || /^\d{1,3}\.\d{1,3}\.\d{1,3} [A-Za-z]/.test(text.slice(from, from + 14));
  const word = text
    .slice(from, Math.min(end, from + 12))
    .split(/[\s,.;:`'"]/, 1)[0]
    .toLowerCase();
  return !COUNT_WORDS.includes(word);
}

/** Does the next line carry the same reply code within its first characters (`S: 550 …`, `<<< 554-…`)? */
function continuesOnNextLine(text: string, reply: string, end: number, nextEnd: number): boolean {
  if (nextEnd <= end) return false;
  const next = text.slice(end + 1, Math.min(nextEnd, end + 1 + 48));
  const at = next.indexOf(reply);
  const after = next.charCodeAt(at + 3);
  // Only a line that starts with the code (after `S: `, `<<< ` or blanks) continues the reply; `… to policy
  // restrictions. 554 For explanation visit …` is the same reply's text wrapped by the sender.
  return at >= 0 && /^[\s<>:A-Za-z]{0,6}$/.test(next.slice(0, at)) && (after === 32 || after === 45 || Number.isNaN(after));
}
