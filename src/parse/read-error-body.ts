import { isMicrosoftInternalHost } from './microsoft-hosts';
import { isHostChar, isOneOf, isQuoteChar, isWordChar, startsWithIgnoreCase } from './char-classes';
import { KeyedValues, matchFieldKey, matchGroupKey, NO_VALUES, type KeyedValueLookup } from './keyed-values';
import { MAX_BRACKET_FIELDS, MAX_FIELD_CHARS, MAX_HOST_CHARS, MAX_TRACE_GROUPS } from './limits';

/**
 * Reads what follows a status code: the description, the LED `[Key=value]` fields, the EOP tag
 * `[server time id]`, a `(short reason)`, and for message traces the `;{KEY=value}` groups and the
 * `OutboundProxyTarget…` tail. Every loop is capped (MAX_FIELD_CHARS per value, MAX_BRACKET_FIELDS,
 * MAX_TRACE_GROUPS) and stops at the end of the line, so the work is proportional to the text this
 * error consumes; the caller resumes after `end`.
 */
export interface BodyFrame {
  /** Close an NDR `returned '…'` frame at one of these quotes (quote characters only, see isQuoteChar). */
  closeQuotes?: string;
  /** Inside a `{LED=…}` group: `}` ends the text. */
  inTraceGroup: boolean;
  /** Old NDR text ends at `##` or `> #SMTP#`. */
  oldMarkers: boolean;
}

export interface ErrorBody {
  end: number;
  /** Where the frame's closing quote stands, when the text ended at one (`… Forwarding Denied'`): the reply ends before it. */
  closingQuote?: number;
  description: string;
  /** Bracket fields by lower-case key (first occurrence wins). */
  fields: KeyedValueLookup;
  eopTime?: string;
  paren?: string;
  /** Message-trace groups by lower-case key without spaces (`lastattemptedservername`). */
  groups: KeyedValueLookup;
  proxyIp?: string;
  proxyHost?: string;
}

// Sticky patterns are module constants for speed; each use sets lastIndex right before it, synchronously.
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?Z?/;
const PROXY_IP = /OutboundProxyTargetIP:[ \t]{0,3}([^\s]{0,100})/y;
const PROXY_HOST = /OutboundProxyTargetHostName:[ \t]{0,3}([^\s]{0,300})/y;

export function readErrorBody(text: string, from: number, limit: number, frame: BodyFrame): ErrorBody {
  const body: ErrorBody = { end: from, description: '', fields: NO_VALUES, groups: NO_VALUES };
  let fields: KeyedValues | undefined;

  let i = readDescription(text, from, limit, frame);
  body.description = text.slice(from, i);

  for (let count = 0; count < MAX_BRACKET_FIELDS + 4 && i < limit; count++) {
    const j = skipBlanks(text, i, limit);
    const c = text.charCodeAt(j);
    if (c === 91 /* [ */) {
      const key = matchFieldKey(text, j);
      if (key && (fields?.size ?? 0) < MAX_BRACKET_FIELDS) {
        const value = readFieldValue(text, key.valueStart, limit, frame);
        fields ??= new KeyedValues(text);
        fields.add(key.keyStart, key.keyEnd, key.valueStart, value.end);
        i = value.next;
        continue;
      }
      const tag = readEopTag(text, j, limit);
      if (!tag) break;
      if (tag.time && !body.eopTime) body.eopTime = tag.time;
      i = tag.end;
    } else if (c === 40 /* ( */) {
      const paren = readParenthetical(text, j, limit, frame);
      const inner = text.slice(j + 1, paren.innerEnd).trim();
      if (inner && !/^in reply to\b/i.test(inner) && body.paren === undefined) body.paren = inner;
      i = paren.end;
    } else {
      break;
    }
  }
  if (fields) body.fields = fields;

  if (frame.closeQuotes) {
    let j = skipBlanks(text, i, limit);
    // `…remote server(450-4.4.317 … [tag])'`: the nested reply's `)` sits just before the closing quote.
    if (text[j] === ')' && isCloseQuoteAt(text, j + 1, limit, frame.closeQuotes)) j++;
    if (isCloseQuoteAt(text, j, limit, frame.closeQuotes)) {
      body.closingQuote = j;
      i = j + 1;
    }
  }
  if (frame.inTraceGroup) {
    const j = skipBlanks(text, i, limit);
    if (text[j] === '}') i = readTraceTail(text, j + 1, limit, body);
  }
  body.end = i;
  return body;
}

function readDescription(text: string, from: number, limit: number, frame: BodyFrame): number {
  const cap = Math.min(limit, from + MAX_FIELD_CHARS);
  const closers = frame.closeQuotes;
  let i = from;
  for (; i < cap; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 /* [ */) {
      if (matchFieldKey(text, i) || eopHostEnd(text, i, limit) > 0) break;
    } else if (c === 125 /* } */) {
      // A `}` inside the text (`IB305 i{2b0c…}`) is not the group's end: that is followed by `;{`, `]` or the line's end.
      if (frame.inTraceGroup && endsTraceGroup(text, i + 1, limit)) break;
    } else if (c === 40 /* ( */) {
      if (startsWithIgnoreCase(text, i + 1, 'in reply to')) break;
    } else if (c === 35 /* # */) {
      if (frame.oldMarkers && text.charCodeAt(i + 1) === 35) break;
    } else if (c === 62 /* > */) {
      if (frame.oldMarkers && (startsWithIgnoreCase(text, i + 1, ' #smtp#') || startsWithIgnoreCase(text, i + 1, '#smtp#'))) break;
    } else if (c === 69 /* E */) {
      if (isEarlierReplyAt(text, i)) break;
    } else if (c === 82 || c === 114 || c === 77 || c === 109 /* R r M m */) {
      // A session flattened onto one line: `250 2.1.5 Recipient OK RCPT TO:<…> 550 5.4.1 …`: the next command ends the reply.
      if (isCommandAt(text, i)) break;
    } else if (closers && isCloseQuoteAt(text, i, limit, closers)) {
      break;
    }
  }
  return i;
}

function endsTraceGroup(text: string, at: number, limit: number): boolean {
  const c = text.charCodeAt(at);
  return at >= limit || c === 59 /* ; */ || c === 93 /* ] */ || c === 44 /* , */ || c === 32 || c === 9 || c === 10 || c === 13;
}

const EARLIER_REPLY = /Error: [245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}(?![\w.])/y;

/**
 * Exchange Online's `530 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication
 * unsuccessful, …` tells of two replies: the 535 to AUTH (the cause, with its own fix) and the 530 to MAIL
 * FROM. The sentence after `. Error:` is the earlier reply, read as an error of its own.
 */
function isEarlierReplyAt(text: string, i: number): boolean {
  if (text.charCodeAt(i - 1) !== 32 || text.charCodeAt(i - 2) !== 46 /* . */) return false;
  EARLIER_REPLY.lastIndex = i;
  return EARLIER_REPLY.test(text);
}

/**
 * A value ends at its `]`, at the next `[Key=` when the `]` is missing (seen in real NDRs:
 * `[LastAttemptedIP=198.51.100.7:25 [SmtpSecurity=-2;-2]`), at the frame's end, at the end of the
 * line, or after MAX_FIELD_CHARS. Brackets nested inside (`[Message=… [host]]`) are counted.
 */
function readFieldValue(text: string, from: number, limit: number, frame: BodyFrame): { end: number; next: number } {
  const cap = Math.min(limit, from + MAX_FIELD_CHARS);
  let depth = 0;
  for (let j = from; j < cap; j++) {
    const c = text.charCodeAt(j);
    if (c === 93 /* ] */) {
      if (depth === 0) return { end: j, next: j + 1 };
      depth--;
    } else if (c === 91 /* [ */) {
      // `[LastAttemptedIP=203.0.113.5:25 [SG2PR01MB1234.eop-APC01.prod.protection.outlook.com]`: the `]` is missing before the EOP tag.
      if (matchFieldKey(text, j) || (depth === 0 && eopHostEnd(text, j, limit) > 0)) return { end: j, next: j };
      depth++;
    } else if (depth === 0 && c === 125 /* } */ && frame.inTraceGroup) {
      return { end: j, next: j };
    } else if (depth === 0 && frame.closeQuotes && isCloseQuoteAt(text, j, limit, frame.closeQuotes)) {
      return { end: j, next: j };
    }
  }
  return { end: cap, next: cap };
}

/** EOP appends `[AM4PR01MB1234.eurprd01.prod.exchangelabs.com 2023-06-14T09:41:07.123Z 08DB6A…]`: where, not whom. */
function readEopTag(text: string, at: number, limit: number): { end: number; time?: string } | undefined {
  const hostEnd = eopHostEnd(text, at, limit);
  if (hostEnd < 0) return undefined;
  const cap = Math.min(limit, hostEnd + 200);
  let k = hostEnd;
  while (k < cap && text.charCodeAt(k) !== 93 /* ] */ && text.charCodeAt(k) !== 91 /* [ */) k++;
  const time = ISO_TIME.exec(text.slice(hostEnd, k));
  return { end: text[k] === ']' ? k + 1 : k, time: time ? time[0] : undefined };
}

/** Where the host of an EOP tag ends (at a space or `]`), or -1 when `[` does not open one. */
function eopHostEnd(text: string, at: number, limit: number): number {
  const cap = Math.min(limit, at + 1 + MAX_HOST_CHARS);
  let j = at + 1;
  while (j < cap && isHostChar(text.charCodeAt(j))) j++;
  if (j === at + 1 || (text.charCodeAt(j) !== 32 && text.charCodeAt(j) !== 93) /* ] */) return -1;
  return isMicrosoftInternalHost(text.slice(at + 1, j)) ? j : -1;
}

function readParenthetical(text: string, at: number, limit: number, frame: BodyFrame): { innerEnd: number; end: number } {
  const cap = Math.min(limit, at + MAX_FIELD_CHARS);
  let depth = 0;
  for (let j = at + 1; j < cap; j++) {
    const c = text.charCodeAt(j);
    if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */) {
      if (depth === 0) return { innerEnd: j, end: j + 1 };
      depth--;
    } else if (frame.closeQuotes && isCloseQuoteAt(text, j, limit, frame.closeQuotes)) {
      return { innerEnd: j, end: j };
    }
  }
  return { innerEnd: cap, end: cap };
}

/** After `{LED=…}`: `;{MSG=…};{FQDN=…};{IP=…};{LRT=…}]. OutboundProxyTargetIP: …. OutboundProxyTargetHostName: …`. */
function readTraceTail(text: string, from: number, limit: number, body: ErrorBody): number {
  const groups = new KeyedValues(text);
  body.groups = groups;
  let i = from;
  for (let count = 0; count < MAX_TRACE_GROUPS; count++) {
    let j = skipBlanks(text, i, limit);
    if (text[j] === ';') j = skipBlanks(text, j + 1, limit);
    const key = matchGroupKey(text, j);
    if (!key) break;
    const { valueStart } = key;
    const cap = Math.min(limit, valueStart + MAX_FIELD_CHARS);
    let k = valueStart;
    while (k < cap && text.charCodeAt(k) !== 125 /* } */) k++;
    groups.add(key.keyStart, key.keyEnd, valueStart, k);
    if (text[k] !== '}') return k;
    i = k + 1;
  }
  let j = skipBlanks(text, i, limit);
  if (text[j] !== ']') return i;
  i = j + 1;
  j = i;
  while (j < limit && j < i + 4 && (text[j] === '.' || text[j] === ' ')) j++;
  PROXY_IP.lastIndex = j;
  const ip = PROXY_IP.exec(text);
  if (!ip) return i;
  body.proxyIp = stripTrailingDot(ip[1]);
  i = PROXY_IP.lastIndex;
  j = skipBlanks(text, i, limit);
  PROXY_HOST.lastIndex = j;
  const host = PROXY_HOST.exec(text);
  if (host) {
    body.proxyHost = stripTrailingDot(host[1]);
    i = PROXY_HOST.lastIndex;
  }
  return Math.min(i, limit);
}

function stripTrailingDot(value: string): string {
  return value.endsWith('.') ? value.slice(0, -1) : value;
}

export function isCloseQuoteAt(text: string, i: number, limit: number, closers: string): boolean {
  const c = text.charCodeAt(i);
  if (i >= limit || !isQuoteChar(c) || !isOneOf(c, closers)) return false;
  return i + 1 >= limit || !isWordChar(text.charCodeAt(i + 1)) || isGluedClose(text, i, limit);
}

/** Contractions keep an apostrophe between letters: `don't`, `it's`, `we'll`, `you're`, `I've`, `he'd`, `I'm`. */
const CONTRACTION_ENDS = ['t', 's', 'll', 're', 've', 'd', 'm'];

/** `RCPT TO:` or `MAIL FROM:` after a blank: the client's next command. */
function isCommandAt(text: string, i: number): boolean {
  const before = text.charCodeAt(i - 1);
  return (before === 32 || before === 9) && (startsWithIgnoreCase(text, i, 'rcpt to:') || startsWithIgnoreCase(text, i, 'mail from:'));
}

/**
 * A closing quote glued to the next word by a typo, `'400 4.4.7 Message delayed'and a '421 …'`: a quote
 * between letters that no contraction explains (the letters after it are not one of CONTRACTION_ENDS).
 */
function isGluedClose(text: string, i: number, limit: number): boolean {
  // After a blank (`with: "451 …`) or before a digit it opens a nested reply rather than closing this one.
  const before = text.charCodeAt(i - 1);
  const next = text.charCodeAt(i + 1);
  if (before === 32 || before === 9 || (next >= 48 && next <= 57)) return false;
  let j = i + 1;
  while (j < limit && j < i + 4 && isWordChar(text.charCodeAt(j))) j++;
  const after = text.slice(i + 1, j).toLowerCase();
  return !(j === limit || !isWordChar(text.charCodeAt(j))) || !CONTRACTION_ENDS.includes(after);
}

/**
 * Spaces and tabs between the parts of an error, and the `<br>` line breaks that pastes from web pages
 * and Teams' HTML keep between bracket fields (`[LastAttemptedServerName=…]<br><br>[LastAttemptedIP=…]`),
 * also as line ends once the HTML is text. At most 64 characters are looked at: linear in the paste.
 */
function skipBlanks(text: string, from: number, limit: number): number {
  let j = from;
  const cap = Math.min(limit, from + 64);
  for (;;) {
    while (j < cap && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    const br = lineBreakTagEnd(text, j, cap);
    if (br >= 0) {
      j = br;
      continue;
    }
    // The same breaks once HTML is turned into text: line ends, but only when a `[Key=` field follows.
    let k = j;
    while (k < cap && (text.charCodeAt(k) === 10 || text.charCodeAt(k) === 13 || text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    return k > j && matchFieldKey(text, k) ? k : j;
  }
}

/** Where `<br>`, `<br/>` or `<br />` (any case) at `at` ends, or -1. */
function lineBreakTagEnd(text: string, at: number, cap: number): number {
  if (text.charCodeAt(at) !== 60 /* < */ || (text.charCodeAt(at + 1) | 0x20) !== 98 /* b */ || (text.charCodeAt(at + 2) | 0x20) !== 114 /* r */) return -1;
  let k = at + 3;
  if (text.charCodeAt(k) === 32) k++;
  if (text.charCodeAt(k) === 47 /* / */) k++;
  return text.charCodeAt(k) === 62 /* > */ && k < cap ? k + 1 : -1;
}
