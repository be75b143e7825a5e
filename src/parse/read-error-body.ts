import { isMicrosoftInternalHost } from './microsoft-hosts';
import { isHostChar, isWordChar } from './char-classes';
import { MAX_BRACKET_FIELDS, MAX_FIELD_CHARS, MAX_HOST_CHARS, MAX_TRACE_GROUPS } from './limits';

/**
 * Reads what follows a status code: the description, the LED `[Key=value]` fields, the EOP tag
 * `[server time id]`, a `(short reason)`, and for message traces the `;{KEY=value}` groups and the
 * `OutboundProxyTarget…` tail. Every loop is capped (MAX_FIELD_CHARS per value, MAX_BRACKET_FIELDS,
 * MAX_TRACE_GROUPS) and stops at the end of the line, so the work is proportional to the text this
 * error consumes; the caller resumes after `end`.
 */
export interface BodyFrame {
  /** Close an NDR `returned '…'` frame at one of these quotes. */
  closeQuotes?: string;
  /** Inside a `{LED=…}` group: `}` ends the text. */
  inTraceGroup: boolean;
  /** Old NDR text ends at `##` or `> #SMTP#`. */
  oldMarkers: boolean;
}

export interface ErrorBody {
  end: number;
  description: string;
  /** Bracket fields by lower-case key (first occurrence wins). */
  fields: Map<string, string>;
  eopTime?: string;
  paren?: string;
  /** Message-trace groups by lower-case key without spaces (`lastattemptedservername`). */
  groups: Map<string, string>;
  proxyIp?: string;
  proxyHost?: string;
}

// Sticky patterns are module constants for speed; each use sets lastIndex right before it, synchronously.
const FIELD_START = /\[\s{0,2}([A-Za-z][A-Za-z0-9]{0,40})\s{0,2}=/y;
const GROUP_START = /\{\s{0,3}([A-Za-z][A-Za-z ]{0,40})=/y;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?Z?/;
const PROXY_IP = /OutboundProxyTargetIP:[ \t]{0,3}([^\s]{0,100})/y;
const PROXY_HOST = /OutboundProxyTargetHostName:[ \t]{0,3}([^\s]{0,300})/y;

export function readErrorBody(text: string, from: number, limit: number, frame: BodyFrame): ErrorBody {
  const body: ErrorBody = { end: from, description: '', fields: new Map(), groups: new Map() };

  let i = readDescription(text, from, limit, frame);
  body.description = text.slice(from, i);

  for (let count = 0; count < MAX_BRACKET_FIELDS + 4 && i < limit; count++) {
    const j = skipBlanks(text, i, limit);
    const c = text[j];
    if (c === '[') {
      FIELD_START.lastIndex = j;
      const key = FIELD_START.exec(text);
      if (key && body.fields.size < MAX_BRACKET_FIELDS) {
        const valueStart = FIELD_START.lastIndex;
        const value = readFieldValue(text, valueStart, limit, frame);
        const name = key[1].toLowerCase();
        if (!body.fields.has(name)) body.fields.set(name, text.slice(valueStart, value.end));
        i = value.next;
        continue;
      }
      const tag = readEopTag(text, j, limit);
      if (!tag) break;
      if (tag.time && !body.eopTime) body.eopTime = tag.time;
      i = tag.end;
    } else if (c === '(') {
      const paren = readParenthetical(text, j, limit, frame);
      const inner = text.slice(j + 1, paren.innerEnd).trim();
      if (inner && !/^in reply to\b/i.test(inner) && body.paren === undefined) body.paren = inner;
      i = paren.end;
    } else {
      break;
    }
  }

  if (frame.closeQuotes) {
    let j = skipBlanks(text, i, limit);
    // `…remote server(450-4.4.317 … [tag])'`: the nested reply's `)` sits just before the closing quote.
    if (text[j] === ')' && isCloseQuoteAt(text, j + 1, limit, frame.closeQuotes)) j++;
    if (isCloseQuoteAt(text, j, limit, frame.closeQuotes)) i = j + 1;
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
  let i = from;
  for (; i < cap; i++) {
    const c = text[i];
    if (c === '[') {
      FIELD_START.lastIndex = i;
      if (FIELD_START.test(text) || eopHostEnd(text, i, limit) > 0) break;
    } else if (c === '}') {
      if (frame.inTraceGroup) break;
    } else if (c === '(') {
      if (startsWithIgnoreCase(text, i + 1, 'in reply to')) break;
    } else if (c === '#') {
      if (frame.oldMarkers && text[i + 1] === '#') break;
    } else if (c === '>') {
      if (frame.oldMarkers && (startsWithIgnoreCase(text, i + 1, ' #SMTP#') || startsWithIgnoreCase(text, i + 1, '#SMTP#'))) break;
    } else if (frame.closeQuotes && isCloseQuoteAt(text, i, limit, frame.closeQuotes)) {
      break;
    }
  }
  return i;
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
    const c = text[j];
    if (c === ']') {
      if (depth === 0) return { end: j, next: j + 1 };
      depth--;
    } else if (c === '[') {
      FIELD_START.lastIndex = j;
      if (FIELD_START.test(text)) return { end: j, next: j };
      depth++;
    } else if (depth === 0 && c === '}' && frame.inTraceGroup) {
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
  while (k < cap && text[k] !== ']' && text[k] !== '[') k++;
  const time = ISO_TIME.exec(text.slice(hostEnd, k));
  return { end: text[k] === ']' ? k + 1 : k, time: time ? time[0] : undefined };
}

/** Where the host of an EOP tag ends (at a space or `]`), or -1 when `[` does not open one. */
function eopHostEnd(text: string, at: number, limit: number): number {
  const cap = Math.min(limit, at + 1 + MAX_HOST_CHARS);
  let j = at + 1;
  while (j < cap && isHostChar(text.charCodeAt(j))) j++;
  if (j === at + 1 || (text[j] !== ' ' && text[j] !== ']')) return -1;
  return isMicrosoftInternalHost(text.slice(at + 1, j)) ? j : -1;
}

function readParenthetical(text: string, at: number, limit: number, frame: BodyFrame): { innerEnd: number; end: number } {
  const cap = Math.min(limit, at + MAX_FIELD_CHARS);
  let depth = 0;
  for (let j = at + 1; j < cap; j++) {
    const c = text[j];
    if (c === '(') depth++;
    else if (c === ')') {
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
  let i = from;
  for (let count = 0; count < MAX_TRACE_GROUPS; count++) {
    let j = skipBlanks(text, i, limit);
    if (text[j] === ';') j = skipBlanks(text, j + 1, limit);
    GROUP_START.lastIndex = j;
    const key = GROUP_START.exec(text);
    if (!key) break;
    const valueStart = GROUP_START.lastIndex;
    const cap = Math.min(limit, valueStart + MAX_FIELD_CHARS);
    let k = valueStart;
    while (k < cap && text[k] !== '}') k++;
    const name = key[1].replace(/\s/g, '').toLowerCase();
    if (!body.groups.has(name)) body.groups.set(name, text.slice(valueStart, k));
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
  return i < limit && closers.includes(text[i]) && (i + 1 >= limit || !isWordChar(text.charCodeAt(i + 1)));
}

function skipBlanks(text: string, from: number, limit: number): number {
  let j = from;
  const cap = Math.min(limit, from + 64);
  while (j < cap && (text[j] === ' ' || text[j] === '\t')) j++;
  return j;
}

function startsWithIgnoreCase(text: string, at: number, needle: string): boolean {
  return text.slice(at, at + needle.length).toLowerCase() === needle.toLowerCase();
}
