import type { ErrorReading } from './error-reading';
import { CharCursor, startsWithIgnoreCase } from './char-classes';
import { CodeTokenCursor, isEnhancedCode } from './code-tokens';
import { DsnBlock, readDsnFieldName } from './dsn-block';
import { isEmailAddress, readAddressLine } from './email-address';
import { completeCopy, ErrorCollector } from './error-collector';
import { MAX_ADDRESS_LINE_CHARS, MAX_HOST_CHARS } from './limits';
import { isMicrosoftInternalHost } from './microsoft-hosts';
import { preparePaste } from './prepare-paste';
import { scanRange, type ErrorSink } from './scan-range';
import type { ParsedError } from './types';

/**
 * Finds every delivery error in a pasted text, in order of appearance, de-duplicated.
 *
 * One pass, front to back, line by line:
 * 1. preparePaste unfolds header lines and strips quote markers;
 * 2. NDR context lines set state: the recipient line, the remote host line below it,
 *    "Generating server:"/"Receiving server:" (Microsoft's own servers, skipped);
 * 3. DSN fields (RFC 3464) are gathered per recipient block;
 * 4. every other line is scanned for status codes (scan-range.ts), each read with its frame.
 * Work is linear in the input: see limits.ts and the notes in scan-range.ts and code-tokens.ts.
 */
export function parseErrors(text: string): ParsedError[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const paste = preparePaste(text);
  const collector = new ErrorCollector();
  const reader = new PasteReader(paste.text, collector);
  let lineStart = 0;
  for (const lineEnd of paste.lineEnds) {
    if (collector.full) break;
    reader.readLine(lineStart, lineEnd);
    lineStart = lineEnd + 1;
  }
  reader.finishDsn();
  return collector.result();
}

function startsWithCode(text: string, from: number, end: number): boolean {
  return isEnhancedCode(text.slice(from, Math.min(end, from + 20)).trim().split(/\s/, 1)[0]);
}

const HOST_LINE = /^[A-Za-z0-9*#_-][A-Za-z0-9.*#_-]{0,254}$/;
/**
 * Any phrase readContextLine looks for, in any case (the Kelvin sign lower-cases to `k`). Most
 * lines have none, and one test is cheaper than lower-casing every line to find that out.
 */
const CONTEXT_PHRASES = /rcpt to:|while tal[k\u212a]ing to |remote server was:|the response was:/i;

/** Per-paste state; created per call, so nothing is shared between requests. */
class PasteReader {
  private readonly cursor: CodeTokenCursor;
  private readonly atSigns: CharCursor;
  private recipient?: string;
  private remoteHost?: string;
  private afterAddress = false;
  private relayServer?: string;
  private expectRelay = false;
  private dsn?: DsnBlock;

  constructor(
    private readonly text: string,
    private readonly collector: ErrorCollector,
  ) {
    this.cursor = new CodeTokenCursor(text);
    this.atSigns = new CharCursor(text, '@');
  }

  readLine(start: number, end: number): void {
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

    const hints = { relayServer: this.relayServer, expectRelay: this.expectRelay };
    this.expectRelay = false;
    const around = { recipient: this.recipient, remoteHost: this.remoteHost };
    // Most lines hold no code; asking the cursor first saves scanRange's set-up for them.
    const found = this.cursor.hasCodeIn(start, end) ? scanRange(text, this.cursor, start, end, hints, around, this.collector) : 0;
    if (found === 0) this.readContextLine(first, end);
  }

  /** Lines without a code can still set context for the lines below (sendmail and Gmail bounce shapes). */
  private readContextLine(first: number, end: number): void {
    const window = this.text.slice(first, Math.min(end, first + 300));
    if (!CONTEXT_PHRASES.test(window)) {
      this.forgetNdrContext();
      return;
    }
    const lower = window.toLowerCase();
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
    this.forgetNdrContext();
    const talking = lower.indexOf('while talking to ');
    if (talking >= 0) {
      const host = this.text.slice(first + talking + 17, Math.min(end, first + 300)).trim().split(/\s/, 1)[0].replace(/[.:]+$/, '');
      if (host) this.relayServer = host;
    }
    const trimmed = lower.trimEnd();
    if (trimmed.endsWith('remote server was:') || trimmed.endsWith('the response was:')) this.expectRelay = true;
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

  finishDsn(): void {
    if (!this.dsn) return;
    for (const { error, position } of this.dsn.finish(this.text)) this.collector.add(completeCopy(error), position);
    this.dsn = undefined;
  }

  private forgetNdrContext(): void {
    this.recipient = undefined;
    this.remoteHost = undefined;
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
    return this.collector.full;
  }

  add(error: ErrorReading, position: number): void {
    this.block.addError(error.toParsedError(), position, this.lineEnd);
  }
}
