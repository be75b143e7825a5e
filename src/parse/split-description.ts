import { isOneOf, isWordChar } from './char-classes';
import { firstCodeToken } from './code-tokens';

/**
 * Splits the text after a status code into Exchange's own words and the detail it quotes:
 * - a nested reply: `Error communicating with target host. -> 421 4.2.1 Unable to connect`,
 *   `responded with: "421 4.2.1 Unable to connect."`, `…remote server(450-4.4.317 …`;
 * - a quoted detail after a colon: `…primary target IP address: "Failed to connect. Winsock error code: 10060…"`;
 * - a short reason glued to the end: `Message expired, connection refused(Socket error code 10061)`.
 * The input is at most MAX_FIELD_CHARS long.
 */
export interface SplitDescription {
  description?: string;
  nested?: string;
  detail?: string;
}

const OPEN_TO_CLOSE: Record<string, string> = { '"': '"\u201d', '\u201c': '\u201d"', "'": "'\u2019", '\u2018': "\u2019'", '(': ')' };
const TRAILING_JOINERS = ' \t-\u2013>:;,(="\'\u201c\u2018';
const QUOTED_AFTER_COLON = /:\s{0,2}["\u201c]/;
/** Markers EOP appends to its own replies: AS(7555), (S3113). They are part of the text, not a detail. */
const MARKER_WORD = /(?:^|\s)[A-Z]{1,4}$/;
/** A parenthesis holding one of these is Exchange's short reason even when a space precedes it. */
const DETAIL_WORDS = /socket ?error|winsock|win32 error|SocketTimedout/i;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

export function splitDescription(raw: string): SplitDescription {
  const text = raw.trim();
  if (!text) return {};

  const nested = firstCodeToken(text);
  if (nested) {
    const head = text.slice(0, nested.start);
    let rest = text.slice(nested.start);
    const opener = head.trimEnd().slice(-1);
    const closers = OPEN_TO_CLOSE[opener];
    if (closers) {
      const close = findCloser(rest, closers, opener === '(');
      if (close >= 0) rest = rest.slice(0, close);
    }
    return { description: cleanHead(head), nested: dropUnbalancedParen(rest.trim()) || undefined };
  }

  const colonQuote = QUOTED_AFTER_COLON.exec(text);
  if (colonQuote) {
    const start = colonQuote.index + colonQuote[0].length;
    const close = findCloser(text.slice(start), '"\u201d', false);
    if (close > 2) {
      return { description: cleanHead(text.slice(0, colonQuote.index)), detail: text.slice(start, start + close).trim() };
    }
  }

  if (text.endsWith(')')) {
    const open = matchingOpen(text);
    if (open > 0) {
      const before = text.slice(0, open);
      const inner = text.slice(open + 1, -1);
      const glued = endsWithLetterDigitOrDot(before) && !MARKER_WORD.test(before);
      if (glued || DETAIL_WORDS.test(inner) || firstCodeToken(inner))
        return { description: cleanHead(before), detail: text.slice(open + 1, -1).trim() || undefined };
    }
  }
  return { description: dropUnbalancedParen(text) || undefined };
}

/** Drops the words' joiners before a nested reply: `host. ->`, `responded with: "`, `server(`. */
function cleanHead(head: string): string | undefined {
  let end = head.length;
  while (end > 0 && TRAILING_JOINERS.includes(head[end - 1])) end--;
  const cleaned = head.slice(0, end).trim();
  return cleaned || undefined;
}

/** First closing character; a quote only counts when no letter follows it (so "can't" does not close). */
function findCloser(text: string, closers: string, nests: boolean): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (nests && c === 40 /* ( */) depth++;
    else if (isOneOf(c, closers)) {
      if (nests && depth > 0) {
        depth--;
        continue;
      }
      if (nests || !isWordChar(text.charCodeAt(i + 1))) return i;
    }
  }
  return -1;
}

/** Index of the `(` that the final `)` closes, or -1. */
function matchingOpen(text: string): number {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 41 /* ) */) depth++;
    else if (c === 40 /* ( */) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** `(reason: 550 5.7.606 …)` leaves a lone `)` at the end; a balanced one stays. */
function dropUnbalancedParen(text: string): string {
  if (!text.endsWith(')')) return text;
  let open = 0;
  let close = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */) open++;
    else if (c === 41 /* ) */) close++;
  }
  return close > open ? text.slice(0, -1).trimEnd() : text;
}

/** `/[\p{L}\p{N}.]$/u.test(text)` for a non-empty text, looking at its last code point only. */
function endsWithLetterDigitOrDot(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  if (last === 46 /* . */) return true;
  const beforeLast = text.charCodeAt(text.length - 2);
  const isPair = last >= 0xdc00 && last <= 0xdfff && beforeLast >= 0xd800 && beforeLast <= 0xdbff;
  return isPair ? LETTER_OR_DIGIT.test(text.slice(-2)) : isWordChar(last);
}
