import type { ErrorReading } from './error-reading';
import { CharCursor, startsWithIgnoreCase } from './char-classes';
import { CodeTokenCursor, isEnhancedCode } from './code-tokens';
import { DsnBlock, readDsnFieldName } from './dsn-block';
import { isEmailAddress, readAddressLine } from './email-address';
import { findDestination } from './find-destination';
import { completeCopy, ErrorCollector } from './error-collector';
import { FieldListBlock, LIST_KEYS } from './field-list-block';
import { matchFieldName } from './field-name';
import { MAX_ADDRESS_LINE_CHARS, MAX_DSN_BLOCK_ERRORS, MAX_FIELD_CHARS, MAX_HOST_CHARS } from './limits';
import { isSoftwareHeader } from './look-alike';
import { isMicrosoftInternalHost } from './microsoft-hosts';
import { preparePaste } from './prepare-paste';
import { DID_NOT_LIKE, hostBefore, readDeliveredTo, readQmailIp } from './relay-context';
import { BARE_REPLY_SOURCE, readBareReply } from './read-bare-reply';
import { RegexCursor } from './regex-cursor';
import { scanRange, type ErrorSink } from './scan-range';
import type { ParsedError } from './types';

/**
 * Finds every delivery error in a pasted text, in order of appearance, de-duplicated.
 *
 * One pass, front to back, line by line:
 * 1. preparePaste unfolds header lines and strips quote markers;
 * 2. NDR context lines set state: the recipient line, the remote host line below it,
 *    "Generating server:"/"Receiving server:" (Microsoft's own servers, skipped);
 * 3. DSN fields (RFC 3464) are gathered per recipient block, and a `Format-List` LastError is read
 *    when its block of `Key: value` lines ends (field-list-block.ts);
 * 4. every other line is scanned for status codes (scan-range.ts), each read with its frame.
 * Work is linear in the input: see limits.ts and the notes in scan-range.ts and code-tokens.ts.
 */
export function parseErrors(text: string): ParsedError[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const paste = preparePaste(text);
  const collector = new ErrorCollector();
  const reader = new PasteReader(paste.text, collector);
  const { lineEnds } = paste;
  let lineStart = 0;
  for (let i = 0; i < lineEnds.length; i++) {
    if (collector.full) break;
    reader.readLine(lineStart, lineEnds[i], lineEnds[i + 1] ?? lineEnds[i]);
    lineStart = lineEnds[i] + 1;
  }
  reader.finish();
  return collector.result();
}

function startsWithCode(text: string, from: number, end: number): boolean {
  return isEnhancedCode(
    text
      .slice(from, Math.min(end, from + 20))
      .trim()
      .split(/\s/, 1)[0],
  );
}

const HOST_LINE = /^[A-Za-z0-9*#_-][A-Za-z0-9.*#_-]{0,254}$/;
/**
 * Any phrase readContextLine looks for, in any case (the Kelvin sign lower-cases to `k`). Most
 * lines have none: one walk of the paste (a RegexCursor) finds the few that do, without a slice per line.
 */
const CONTEXT_PHRASES =
  'tried to deliver your message|rcpt to:|while tal[k\u212a]ing to |remote server was:|the response was:|server returned was:|delivered to |delivering your (?:message|mail) to |does not li[k\u212a]e |failed after i sent|failed on data|connected to |giving up on |did not li[k\u212a]e our ';
/** Exim's `host mx.contoso.com [203.0.113.9]` on a line of its own, above `SMTP error from remote mail server after …:`. */
const EXIM_HOST_LINE = /^host[ \t]{1,3}([^\s[\]]{1,255})[ \t]{1,3}\[([^[\]\s]{1,100})\]:?$/i;
const WRAPPED_RELAY_HOST = /\(host ([A-Za-z0-9][A-Za-z0-9.-]{0,253})\[([0-9A-Fa-f:.]{3,45})\]$/;
/** Gmail: "Google tried to deliver your message, but it was rejected by the server for the recipient domain D by mx.contoso.com. [203.0.113.9]." */
const GMAIL_BY_HOST = /by ([A-Za-z0-9][A-Za-z0-9.-]{0,253}?)\.? \[([0-9A-Fa-f:.]{3,45})\]\.?$/;
/** The phrases after which the next line is the remote server's reply as it sent it (Gmail). */
const REPLY_FOLLOWS = ['remote server was:', 'the response was:', 'server returned was:'];

/** Per-paste state; created per call, so nothing is shared between requests. */
class PasteReader {
  private readonly cursor: CodeTokenCursor;
  private readonly atSigns: CharCursor;
  private readonly contextPhrases: RegexCursor;
  private readonly bareReplies: RegexCursor;
  private recipient?: string;
  private remoteHost?: string;
  /** qmail names the server by IP on the lines around its reply ("203.0.113.77 does not like recipient."). */
  private relayIp?: string;
  private afterAddress = false;
  private relayServer?: string;
  private expectRelay = false;
  private relayHost?: { host?: string; ip?: string };
  /** A server named on a line of its own, kept for the next reply (Exim, Gmail); see PrefixHints.heldHost. */
  private heldHost?: { host?: string; ip?: string };
  /** Where each recipient's failure went, as the text part says it (`<rcpt>: connect to X[ip]:25`), for its DSN block. */
  private readonly destinations = new Map<string, { server?: string; ip?: string; port?: number }>();
  private dsn?: DsnBlock;
  private list?: FieldListBlock;
  /** Deferred LastError lines are read behind the main cursor, in order, with a cursor of their own. */
  private readonly listCursor: CodeTokenCursor;

  constructor(
    private readonly text: string,
    private readonly collector: ErrorCollector,
  ) {
    this.cursor = new CodeTokenCursor(text);
    this.listCursor = new CodeTokenCursor(text);
    this.atSigns = new CharCursor(text, '@');
    this.contextPhrases = new RegexCursor(text, CONTEXT_PHRASES, 'i');
    this.bareReplies = new RegexCursor(text, BARE_REPLY_SOURCE, 'm');
  }

  readLine(start: number, end: number, nextEnd: number): void {
    const text = this.text;
    let first = start;
    while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    if (first === end) {
      // A blank line ends a DSN block; the NDR recipient survives it (Teams pastes add blank lines).
      this.finishDsn();
      return;
    }

    if (startsWithIgnoreCase(text, first, 'generating server:') || startsWithIgnoreCase(text, first, 'receiving server:')) {
      this.finishDsn();
      this.forgetNdrContext();
      return;
    }

    const field = readDsnFieldName(text, start);
    // "Status: 5.4.316" is a DSN field; "Status: 450 4.4.316 Connection refused [...]" is a pasted error line.
    if (field && (field.name !== 'status' || startsWithCode(text, field.valueStart, end))) {
      this.readDsnField(field.name, field.valueStart, start, end);
      return;
    }
    this.finishDsn();

    // Only a line with an `@` can be an address line, and only the line after one can be its host line.
    if (end - first <= MAX_ADDRESS_LINE_CHARS && (this.afterAddress || this.atSigns.occursIn(first, end))) {
      const line = text.slice(first, end).trim();
      const address = readAddressLine(line);
      if (address) {
        this.recipient = address;
        this.remoteHost = undefined;
        this.relayIp = undefined;
        this.heldHost = undefined;
        this.afterAddress = true;
        return;
      }
      if (this.afterAddress && line.length <= MAX_HOST_CHARS && line.includes('.') && HOST_LINE.test(line)) {
        // NDRs print the remote server on its own line between the recipient and "Remote Server returned".
        this.remoteHost = isMicrosoftInternalHost(line) ? undefined : line;
        this.afterAddress = false;
        return;
      }
    }
    this.afterAddress = false;

    const hints = { relayServer: this.relayServer, expectRelay: this.expectRelay, relayHost: this.relayHost, heldHost: this.heldHost };
    this.expectRelay = false;
    this.relayHost = undefined;

    const listField = matchFieldName(text, start, 40, 40);
    if (!listField) this.finishList();
    else if (this.readListField(listField.nameStart, listField.nameEnd, listField.end, start, end)) return;

    // qmail prints "Giving up on 203.0.113.77." on the line after "Remote host said: 550 …".
    if (this.relayIp === undefined && startsWithIgnoreCase(text, first, 'remote host said:') && nextEnd > end) {
      const next = text.slice(end + 1, Math.min(nextEnd, end + 1 + 100)).trim();
      this.relayIp = readQmailIp(next, next.toLowerCase());
    }
    const around = { recipient: this.recipient, remoteHost: this.remoteHost, ip: this.relayIp };
    // `X-Mailer: MDaemon 5.2.15`, `Received: … id 15.1.2507.57`: headers that name software hold versions, not codes.
    if (this.cursor.hasCodeIn(start, end) && isSoftwareHeader(text, start)) return;
    // Most lines hold no code; asking the cursor first saves scanRange's set-up for them.
    const found = this.cursor.hasCodeIn(start, end) ? scanRange(text, this.cursor, start, end, hints, around, this.collector) : 0;
    if (found > 0 || readBareReply(text, this.bareReplies, first, end, hints, around, this.collector)) {
      this.heldHost = undefined;
      return;
    }
    this.noteDestination(first, end);
    this.readContextLine(first, end);
  }

  /** Postfix names where a code-less failure went: `<jane@contoso.com>: connect to mx.contoso.com[203.0.113.9]:25: Connection timed out`. */
  private noteDestination(first: number, end: number): void {
    if (this.text.charCodeAt(first) !== 60 /* < */ || this.destinations.size >= 1000) return;
    const line = this.text.slice(first, Math.min(end, first + MAX_ADDRESS_LINE_CHARS + 300));
    const close = line.indexOf('>:');
    if (close < 0) return;
    const address = line.slice(1, close);
    const where = findDestination(line.slice(close + 2));
    if (where && isEmailAddress(address)) this.destinations.set(address.toLowerCase(), where);
  }

  /** Lines without a code can still set context for the lines below (sendmail and Gmail bounce shapes). */
  private readContextLine(first: number, end: number): void {
    const windowEnd = Math.min(end, first + 300);
    // Most lines end here, before any slice: no wrapped Postfix host, no Exim host line, no phrase.
    const wrappedHost = this.text.charCodeAt(windowEnd - 1) === 93; /* ] */
    const eximHost = startsWithIgnoreCase(this.text, first, 'host ');
    if (!wrappedHost && !eximHost && !this.contextPhrases.firstIn(first, windowEnd)) {
      this.forgetNdrContext();
      return;
    }
    const window = this.text.slice(first, windowEnd);
    if (wrappedHost) {
      // Postfix log lines wrapped by a mail client: `… status=bounced (host mx.contoso.com[203.0.113.9]` / `said: 554 …`.
      const wrapped = WRAPPED_RELAY_HOST.exec(window.slice(-400));
      if (wrapped) {
        this.heldHost = { host: wrapped[1], ip: wrapped[2] };
        return;
      }
    }
    if (eximHost) {
      const held = EXIM_HOST_LINE.exec(window.trimEnd());
      if (held) {
        this.heldHost = { host: held[1], ip: held[2] };
        return;
      }
    }
    if (!this.contextPhrases.firstIn(first, windowEnd)) {
      this.forgetNdrContext();
      return;
    }
    const lower = window.toLowerCase();
    if (lower.includes('tried to deliver your message')) {
      const by = GMAIL_BY_HOST.exec(window.trimEnd());
      if (by) this.heldHost = { host: by[1], ip: by[2] };
      return;
    }
    const rcpt = lower.indexOf('rcpt to:');
    if (rcpt >= 0) {
      const after = this.text.slice(first + rcpt + 8, Math.min(end, first + rcpt + 8 + MAX_ADDRESS_LINE_CHARS)).trim();
      const close = after.indexOf('>');
      const candidate = after.startsWith('<') && close > 0 ? after.slice(1, close) : after.split(/\s/, 1)[0];
      if (isEmailAddress(candidate)) {
        this.recipient = candidate;
        return;
      }
    }
    const deliveredTo = readDeliveredTo(window, lower);
    if (deliveredTo) {
      this.forgetNdrContext();
      this.recipient = deliveredTo;
      return;
    }
    const qmailIp = readQmailIp(window.trim(), lower.trim());
    if (qmailIp) {
      // The recipient line above still names whom this reply is about.
      this.relayIp = qmailIp;
      return;
    }
    const trimmed = lower.trimEnd();
    const dislike = lower.indexOf(DID_NOT_LIKE);
    if (dislike > 0 && trimmed.endsWith(':')) {
      // dma prints the reply on the next line; the recipient sentence above still applies.
      const { host, ip } = hostBefore(window, dislike);
      this.relayHost = { host, ip };
      this.expectRelay = true;
      return;
    }
    if (REPLY_FOLLOWS.some((phrase) => trimmed.endsWith(phrase))) {
      // Gmail names the recipient in the sentence above "The response from the remote server was:".
      this.expectRelay = true;
      return;
    }
    this.forgetNdrContext();
    const talking = lower.indexOf('while talking to ');
    if (talking >= 0) {
      const host = this.text
        .slice(first + talking + 17, Math.min(end, first + 300))
        .trim()
        .split(/\s/, 1)[0]
        .replace(/[.:]+$/, '');
      if (host) this.relayServer = host;
    }
  }

  private readDsnField(name: string, valueStart: number, lineStart: number, lineEnd: number): void {
    if (this.dsn?.startsNewRecipient(name)) this.finishDsn();
    const block = (this.dsn ??= new DsnBlock(lineStart));
    const value = this.text.slice(valueStart, lineEnd);
    block.addField(name, value, lineEnd, valueStart);
    if (name === 'diagnostic-code') {
      const from = DsnBlock.diagnosticStart(this.text, valueStart, lineEnd);
      scanRange(this.text, this.cursor, from, lineEnd, { expectRelay: false }, { format: 'dsn' }, new DsnLineSink(block, lineEnd, this.collector));
    }
  }

  finish(): void {
    this.finishDsn();
    this.finishList();
  }

  /** Notes the fields a `Format-List` block contributes; true when the line is a LastError held until the block ends. */
  private readListField(nameStart: number, nameEnd: number, valueStart: number, lineStart: number, lineEnd: number): boolean {
    // Compared in place: most `Key: value` lines are none of the few keys a block looks at.
    const name = LIST_KEYS.find((key) => key.length === nameEnd - nameStart && startsWithIgnoreCase(this.text, nameStart, key));
    if (!name) return false;
    let block = (this.list ??= new FieldListBlock());
    if (!block.addKey(name)) {
      this.finishList();
      block = this.list = new FieldListBlock();
      block.addKey(name);
    }
    const value = (): string => this.text.slice(valueStart, Math.min(lineEnd, valueStart + MAX_FIELD_CHARS)).trim();
    if (name === 'nexthopdomain') block.nextHopDomain = value() || undefined;
    else if (name === 'lastretrytime') block.lastRetryTime = value() || undefined;
    else if (name === 'lasterror' && this.cursor.hasCodeIn(valueStart, lineEnd)) {
      block.lastError = { start: lineStart, end: lineEnd };
      return true;
    }
    return false;
  }

  private finishList(): void {
    const block = this.list;
    if (!block) return;
    this.list = undefined;
    if (!block.lastError || this.collector.full) return;
    const around = { ...block.destination(), lastRetryRaw: block.lastRetryTime };
    scanRange(this.text, this.listCursor, block.lastError.start, block.lastError.end, { expectRelay: false }, around, this.collector);
  }

  finishDsn(): void {
    if (!this.dsn) return;
    for (const { error, position } of this.dsn.finish(this.text, this.destinations)) this.collector.add(completeCopy(error), position);
    this.dsn = undefined;
  }

  private forgetNdrContext(): void {
    this.recipient = undefined;
    this.remoteHost = undefined;
    this.relayIp = undefined;
    this.afterAddress = false;
  }
}

/** The errors of a Diagnostic-Code line belong to its DSN block, which completes them before they are collected. */
class DsnLineSink implements ErrorSink {
  constructor(
    private readonly block: DsnBlock,
    private readonly lineEnd: number,
    private readonly collector: ErrorCollector,
  ) {}

  get full(): boolean {
    return this.collector.full || this.block.errors.length >= MAX_DSN_BLOCK_ERRORS;
  }

  add(error: ErrorReading, position: number): void {
    this.block.addError(error.toParsedError(), position, this.lineEnd);
  }
}
