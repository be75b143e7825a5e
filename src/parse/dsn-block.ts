import { startsWithIgnoreCase } from './char-classes';
import { isEnhancedCode } from './code-tokens';
import { isEmailAddress } from './email-address';
import { matchFieldName } from './field-name';
import { MAX_DSN_BLOCK_ERRORS, MAX_EXCERPT_CHARS, MAX_FIELD_CHARS } from './limits';
import { isMicrosoftReporter } from './error-reading';
import { parseRetryTime } from './parse-retry-time';
import { findDestination } from './find-destination';
import { ipToken } from './relay-context';
import type { ErrorCollector } from './error-collector';
import type { ErrorReading } from './error-reading';
import type { ErrorSink } from './scan-range';
import type { ParsedError } from './types';

/**
 * One per-recipient block of a message/delivery-status part (RFC 3464 §2.3):
 *   Final-Recipient: rfc822;user@contoso.com
 *   Action: failed
 *   Status: 5.4.316
 *   Diagnostic-Code: smtp;550 5.4.316 Message expired, connection refused
 *   Remote-MTA: dns;mail.contoso.com
 * The Diagnostic-Code reply is read like any other line (the caller scans it when it meets it,
 * to keep the single front-to-back pass); the block adds recipient, server and time to it.
 */
const DSN_FIELDS = [
  'final-recipient',
  'original-recipient',
  'action',
  'status',
  'diagnostic-code',
  'remote-mta',
  'last-attempt-date',
  'will-retry-until',
  'reporting-mta',
  'received-from-mta',
  'arrival-date',
  'x-display-name',
  'x-supplementary-info',
  'original-envelope-id',
  'dsn-gateway',
];

/**
 * A DSN field (RFC 3464 syntax, with the blanks pastes add) at `start`: its lower-case name and where
 * its value starts, or undefined for any other line. Compared in place: most lines are not DSN fields.
 */
export function readDsnFieldName(text: string, start: number): { name: string; valueStart: number } | undefined {
  const field = matchFieldName(text, start, 40, 3);
  if (!field) return undefined;
  const length = field.nameEnd - field.nameStart;
  for (const name of DSN_FIELDS) {
    if (name.length === length && startsWithIgnoreCase(text, field.nameStart, name)) return { name, valueStart: field.end };
  }
  return undefined;
}

export class DsnBlock {
  readonly errors: { error: ParsedError; position: number }[] = [];
  private recipient?: string;
  private status?: { code: string; position: number };
  private remoteMta?: string;
  private remoteMtaIp?: string;
  /** Postfix's `Diagnostic-Code: X-Postfix; connect to X[ip]:25: …` names the destination when there is no Remote-MTA. */
  private diagnosticDestination?: { server?: string; ip?: string; port?: number };
  private lastAttempt?: string;
  /** RFC 3464 §2.3.3: `delivered`, `relayed` and `expanded` are successes; `failed` and `delayed` are not. */
  private delivered = false;
  /** A Diagnostic-Code that is a bare reply (`smtp; 550 user unknown`) gives the reply code of the Status, and its words. */
  private diagnosticReply?: string;
  private diagnosticText?: string;
  private end: number;

  constructor(private readonly start: number) {
    this.end = start;
  }

  /** A new Final-Recipient after a Status or Diagnostic-Code starts the next recipient's block. */
  startsNewRecipient(name: string): boolean {
    return name === 'final-recipient' && (this.status !== undefined || this.errors.length > 0);
  }

  /** The Diagnostic-Code reply starts after the diagnostic type (`smtp;`, `X-Postfix;`). */
  static diagnosticStart(text: string, valueStart: number, lineEnd: number): number {
    const semi = text.slice(valueStart, Math.min(lineEnd, valueStart + 40)).indexOf(';');
    return semi >= 0 ? valueStart + semi + 1 : valueStart;
  }

  addField(name: string, value: string, lineEnd: number, valuePosition: number): void {
    this.end = lineEnd;
    const afterType = value.includes(';') ? value.slice(value.indexOf(';') + 1).trim() : value.trim();
    switch (name) {
      case 'final-recipient':
      case 'original-recipient':
        if (isEmailAddress(afterType) && (name === 'final-recipient' || !this.recipient)) this.recipient = afterType;
        break;
      case 'status': {
        const code = value.trim().split(/\s/, 1)[0];
        if (isEnhancedCode(code)) this.status = { code, position: valuePosition + value.indexOf(code) };
        break;
      }
      case 'remote-mta':
        this.readRemoteMta(afterType.slice(0, MAX_FIELD_CHARS));
        break;
      case 'diagnostic-code':
        this.diagnosticDestination ??= findDestination(afterType);
        if (this.diagnosticReply === undefined) {
          this.diagnosticReply = /^([245]\d\d)(?:[ \t-]|$)/.exec(afterType)?.[1];
          if (this.diagnosticReply) this.diagnosticText = afterType.slice(4, 4 + MAX_FIELD_CHARS).trim() || undefined;
        }
        break;
      case 'action':
        this.delivered = /^(?:delivered|relayed|expanded)\b/i.test(value.trim());
        break;
      case 'last-attempt-date':
        if (value.trim()) this.lastAttempt = value.trim().slice(0, 100);
        break;
      default:
        break;
    }
  }

  /**
   * `dns; mx.contoso.com`, and what MTAs add after the name: a trailing dot, `[203.0.113.9]`, Gmail's
   * `(203.0.113.9, the server for the domain contoso.com.)`, Oracle's `(TCP|local ip|port|remote ip|port)`.
   * A name that is itself an address is both server and IP.
   */
  private readRemoteMta(value: string): void {
    const v = value.trim();
    if (!v) return;
    let host = v.split(/\s/, 1)[0];
    const rest = v.slice(host.length).trim();
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    while (host.endsWith('.')) host = host.slice(0, -1);
    if (!host) return;
    this.remoteMta = host;
    let ip: string | undefined;
    if (rest.startsWith('[')) ip = ipToken(rest.slice(1, rest.indexOf(']') > 0 ? rest.indexOf(']') : undefined));
    else if (rest.startsWith('(') && !rest.startsWith('(TCP|')) ip = ipToken(rest.slice(1).split(/[,)\s]/, 1)[0]);
    if (!ip && /^[0-9.]+$/.test(host)) ip = ipToken(host);
    this.remoteMtaIp = ip;
  }

  addError(error: ParsedError, position: number, lineEnd: number): void {
    this.end = Math.max(this.end, lineEnd);
    this.errors.push({ error, position });
  }

  /** The errors of the block, completed with its fields; a bare `Status:` becomes an error when no Diagnostic-Code had a code. */
  finish(
    text: string,
    destinations?: ReadonlyMap<string, { server?: string; ip?: string; port?: number }>,
    reporters?: ReadonlySet<string>,
  ): { error: ParsedError; position: number }[] {
    const excerpt = text.slice(this.start, Math.min(this.end, this.start + MAX_EXCERPT_CHARS)).trim();
    const out = [...this.errors];
    if (out.length === 0 && this.status && (this.status.code[0] !== '2' || this.delivered)) {
      const error: ParsedError = { enhancedCode: this.status.code, quotedCodes: [], format: 'dsn', excerpt };
      if (this.status.code[0] === '2') error.outcome = 'delivered';
      // Postfix defers a refused greeting: `Status: 4.0.0` beside `Diagnostic-Code: smtp; 554 …`; both are what the paste says.
      if (this.diagnosticReply && this.status.code[0] !== '2') error.replyCode = this.diagnosticReply;
      if (this.diagnosticText && this.status.code[0] !== '2') error.description = this.diagnosticText;
      out.push({ error, position: this.status.position });
    } else if (out.length === 0 && !this.status && this.diagnosticReply && this.diagnosticReply[0] !== '2') {
      // `Diagnostic-Code: SMTP; 550 SC-001 …` pasted alone: a reply without an enhanced code, read with its class.
      const error: ParsedError = { enhancedCode: `${this.diagnosticReply[0]}.0.0`, enhancedCodeInferred: true, quotedCodes: [], format: 'dsn', excerpt };
      error.replyCode = this.diagnosticReply;
      if (this.diagnosticText) error.description = this.diagnosticText;
      out.push({ error, position: this.start });
    }
    for (const { error } of out) {
      error.format = 'dsn';
      error.excerpt = excerpt;
      if (this.recipient) error.recipient = this.recipient;
      const remote: { server?: string; ip?: string; port?: number } | undefined =
        // Remote-MTA is the destination, Microsoft's too, unless it is the server that wrote the report (EXO relaying to itself).
        this.remoteMta && !isMicrosoftReporter(this.remoteMta, reporters) ? { server: this.remoteMta, ip: this.remoteMtaIp } : undefined;
      const where = remote ?? this.diagnosticDestination ?? (this.recipient ? destinations?.get(this.recipient.toLowerCase()) : undefined);
      if (where && !error.server && where.server && !isMicrosoftReporter(where.server, reporters)) error.server = where.server;
      if (where && error.ip === undefined && where.ip && (!where.server || error.server === where.server)) {
        error.ip = where.ip;
        if (where.port !== undefined) error.port = where.port;
      }
      if (!error.lastRetryRaw && this.lastAttempt) {
        error.lastRetryRaw = this.lastAttempt;
        const iso = parseRetryTime(this.lastAttempt);
        if (iso) error.lastRetryIso = iso;
      }
    }
    return out;
  }
}

/** The errors of a Diagnostic-Code line belong to its DSN block, which completes them before they are collected. */
export class DsnLineSink implements ErrorSink {
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
