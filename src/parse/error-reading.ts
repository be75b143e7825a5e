import type { CodeToken } from './code-tokens';
import { findCodes } from './code-tokens';
import { findBracketedAddress, isEmailAddress } from './email-address';
import { errorKey, type ErrorCopy } from './error-collector';
import { findGreetingHost, findHashHost, findLookupHost, findSendmailHost } from './find-destination';
import { findLastEndpoint, findSocketError } from './find-socket-error';
import { splitHostPort } from './host-port';
import { MAX_EXCERPT_CHARS, MAX_FIELD_CHARS } from './limits';
import { isMicrosoftInternalHost } from './microsoft-hosts';
import { retryTimeMillis } from './parse-retry-time';
import { isPlaceholderHost, placeholderAsWritten } from './placeholder';
import { ipToken } from './relay-context';
import type { ErrorBody } from './read-error-body';
import type { ErrorPrefix } from './read-error-prefix';
import { splitDescription, type SplitDescription } from './split-description';
import type { ParsedError, ParsedFormat } from './types';
import { utcIsoString } from './utc-iso-string';

/** What the lines around an error contribute (NDR recipient line, the remote host line below it, DSN fields). */
export interface SurroundingFacts {
  recipient?: string;
  remoteHost?: string;
  /** The destination named by the lines around a reply that names none (Get-Queue NextHopDomain). */
  server?: string;
  /** The destination IP named around the reply (qmail "203.0.113.77 does not like recipient."). */
  ip?: string;
  format?: ParsedFormat;
  lastRetryRaw?: string;
  /** Hosts that wrote the report (lower case); see PasteReader.reporters. */
  reporters?: ReadonlySet<string>;
}

/** On-premises queue LastError wording (ndr-catalog §3.3). */
const QUEUE_PHRASES = [
  'primary target ip address responded with',
  'error communicating with target host',
  'error encountered while communicating with primary target',
  'dns query failed. the error was',
  'smtpsend.',
  'tls negotiation failed',
  'security status',
  'attempted failover to alternate host',
];
const LONGEST_QUEUE_PHRASE = Math.max(...QUEUE_PHRASES.map((p) => p.length));

/**
 * One error as read from the paste. Long pastes repeat the same error many times (one NDR line per
 * retry, one message-trace row per attempt) and the collector keeps one copy per key, so a reading
 * works out the key first and leaves the rest of the ParsedError (quoted codes, excerpt, ISO time,
 * format) until the collector asks for it: for the first copy, or for a later one that may tell more.
 */
export class ErrorReading implements ErrorCopy {
  readonly key: string;
  private readonly split: SplitDescription;
  private readonly message?: string;
  private readonly msgGroup?: string;
  private readonly remoteReply?: string;
  private readonly description?: string;
  private readonly server?: string;
  private readonly serverPlaceholder?: string;
  private readonly ip?: string;
  private readonly port?: number;
  private readonly lastRetryRaw?: string;
  private readonly replyCode?: string;
  /** The facts known without the lazy reads below (enhancedCode counts one). */
  private readonly knownRichness: number;
  private quotedCodes?: string[];
  private socketError?: number | null;
  private lastRetryMillis?: number | null;
  private recipient?: string | null;

  constructor(
    private readonly text: string,
    private readonly token: CodeToken,
    private readonly prefix: ErrorPrefix,
    private readonly body: ErrorBody,
    private readonly around: SurroundingFacts,
  ) {
    const split = (this.split = splitDescription(body.description));
    this.message = clip(body.fields.get('message'));
    this.msgGroup = clip(body.groups.get('msg'));
    // After "Remote host said:" (qmail) or "The response from the remote server was:" (Gmail) the whole reply is the remote server's.
    this.remoteReply = prefix.replyIsRemote
      ? clip(text.slice(token.start, body.closingQuote ?? body.end))
      : (this.message ?? clip(split.nested) ?? this.msgGroup ?? clip(split.detail) ?? clip(body.paren));
    this.description = clip(split.description);

    // Destination: the first candidate that is not one of Microsoft's own transport servers. A placeholder
    // met on the way is kept as written, for the card to state as such, unless a real name follows.
    const seen: PlaceholderSeen = {};
    this.server =
      destinationHost(body.fields.get('lastattemptedservername'), seen) ??
      destinationHost(body.groups.get('fqdn'), seen) ??
      destinationHost(body.groups.get('lastattemptedservername'), seen) ??
      // A third-party relay that talked to a Microsoft host (`host contoso-com.mail.protection.outlook.com[…] said:`) names the destination.
      (prefix.kind === 'relay'
        ? notReporter(prefix.host, around.reporters, seen)
        : isExpiredByReporter(token.code, prefix.host, around.reporters) || (prefix.kind === 'ndr-old' && isReporter(prefix.host, around.reporters))
          ? undefined
          : destinationHost(prefix.host, seen)) ??
      destinationHost(body.proxyHost, seen) ??
      (prefix.remoteServerWithoutHost || prefix.kind === 'ndr-old' ? notReporter(around.remoteHost, around.reporters, seen) : undefined) ??
      destinationHost(around.server, seen) ??
      destinationHost(findSendmailHost(body.description), seen) ??
      destinationHost(findHashHost(body.description), seen) ??
      destinationHost(findLookupHost(body.description, text.slice(Math.max(0, token.start - 400), token.start)), seen) ??
      destinationHost(findGreetingHost(token.reply ?? prefix.replyCode, token.inferred === true, body.description), seen);
    if (!this.server && seen.placeholder) this.serverPlaceholder = seen.placeholder;

    // The first candidate with a host wins; the later ones (a regex over the description) are only read when needed.
    const prefixHostIsInternal = prefix.host !== undefined && prefix.kind !== 'relay' && isMicrosoftInternalHost(prefix.host);
    const endpoint =
      splitHostPort(body.fields.get('lastattemptedip')) ??
      splitHostPort(body.groups.get('ip')) ??
      // A relay's bracket can name a socket (`host smtp3.contoso.com[private/dovecot-lmtp]`): only an address is an IP.
      (prefixHostIsInternal || !prefix.hostIp || !ipToken(prefix.hostIp) ? undefined : splitHostPort(prefix.hostIp)) ??
      splitHostPort(body.proxyIp) ??
      splitHostPort(findLastEndpoint(body.description)) ??
      splitHostPort(around.ip);
    if (endpoint) {
      this.ip = clip(endpoint.host);
      this.port = endpoint.port;
    }

    this.lastRetryRaw = clip(body.groups.get('lrt')) ?? prefix.time ?? around.lastRetryRaw ?? body.eopTime;
    this.replyCode = token.reply ?? prefix.replyCode;
    this.key = errorKey(token.code, this.server, this.ip, this.remoteReply);
    this.knownRichness =
      1 +
      (this.replyCode ? 1 : 0) +
      (this.description ? 1 : 0) +
      (this.remoteReply ? 1 : 0) +
      (this.server ? 1 : 0) +
      (this.ip !== undefined ? 1 : 0) +
      (this.port !== undefined ? 1 : 0) +
      (this.lastRetryRaw ? 1 : 0);
  }

  /**
   * The facts left unread until asked; each adds one to the richness when set. A repeated copy is
   * settled once enough of them are found unset, so the ones most often unset (and cheapest) come first.
   */
  private static readonly LAZY_FACTS: ((reading: ErrorReading) => boolean)[] = [
    (r) => r.readRecipient() !== null,
    (r) => r.readQuotedCodes().length > 0,
    (r) => r.readLastRetryMillis() !== null,
    (r) => r.readSocketError() !== null,
  ];

  /** Same answer as `richness(this.toParsedError()) > richness`, reading the lazy facts only until the answer is certain. */
  isRicherThan(richness: number): boolean {
    let atLeast = this.knownRichness;
    let atMost = this.knownRichness + ErrorReading.LAZY_FACTS.length;
    for (const isSet of ErrorReading.LAZY_FACTS) {
      if (atLeast > richness || atMost <= richness) break;
      if (isSet(this)) atLeast++;
      else atMost--;
    }
    return atLeast > richness;
  }

  toParsedError(): ParsedError {
    const { text, token, prefix, body, around } = this;
    const error: ParsedError = { enhancedCode: token.code, quotedCodes: this.readQuotedCodes(), format: 'plain', excerpt: '' };
    if (this.replyCode) error.replyCode = this.replyCode;
    if (token.inferred) error.enhancedCodeInferred = true;
    if (token.code[0] === '2') error.outcome = 'delivered';
    if (this.description) error.description = this.description;
    if (this.remoteReply) error.remoteReply = this.remoteReply;
    if (this.server) error.server = this.server;
    else if (this.serverPlaceholder) error.serverPlaceholder = this.serverPlaceholder;
    if (this.ip !== undefined) {
      error.ip = this.ip;
      if (this.port !== undefined) error.port = this.port;
    }
    const socketError = this.readSocketError();
    if (socketError !== null) error.socketError = socketError;
    if (this.lastRetryRaw) {
      error.lastRetryRaw = this.lastRetryRaw;
      const millis = this.readLastRetryMillis();
      if (millis !== null) error.lastRetryIso = utcIsoString(millis);
    }
    const recipient = this.readRecipient();
    if (recipient !== null) error.recipient = recipient;

    error.format = around.format ?? formatOf(prefix, body, this.split.description);
    const excerptStart = Math.min(prefix.excerptStart, token.start);
    error.excerpt = text.slice(excerptStart, Math.min(body.end, excerptStart + MAX_EXCERPT_CHARS)).trim();
    return error;
  }

  private readQuotedCodes(): string[] {
    if (this.quotedCodes) return this.quotedCodes;
    const quoted: string[] = [];
    for (const part of [this.split.nested, this.message, this.msgGroup, this.split.detail, this.body.paren]) {
      if (part) for (const code of findCodes(part)) if (!quoted.includes(code)) quoted.push(code);
    }
    return (this.quotedCodes = quoted);
  }

  private readSocketError(): number | null {
    this.socketError ??= findSocketError(this.text.slice(this.token.start, this.body.end)) ?? null;
    return this.socketError;
  }

  private readLastRetryMillis(): number | null {
    this.lastRetryMillis ??= (this.lastRetryRaw ? retryTimeMillis(this.lastRetryRaw) : undefined) ?? null;
    return this.lastRetryMillis;
  }

  private readRecipient(): string | null {
    if (this.recipient === undefined) {
      // After a success code the `<…>` is the Message-ID (`250 2.6.0 <id@host> Queued mail for delivery`), not a recipient.
      const inText = this.token.code[0] === '2' ? undefined : findBracketedAddress(this.body.description);
      const candidate = this.prefix.recipient ?? this.around.recipient ?? inText;
      this.recipient = candidate && isEmailAddress(candidate) ? candidate : null;
    }
    return this.recipient;
  }
}

function formatOf(prefix: ErrorPrefix, body: ErrorBody, description: string | undefined): ParsedFormat {
  switch (prefix.kind) {
    case 'trace':
      // Queue Viewer prints the same {LED=…};{MSG=…} groups without the message trace's "Reason:".
      return !prefix.traceReason && hasQueueWords(description) ? 'queue' : 'message-trace';
    case 'ndr':
    case 'ndr-old':
      return 'ndr';
    case 'relay':
      return 'relay';
    default:
      break;
  }
  if (prefix.queueHint || hasQueueWords(description)) return 'queue';
  if (body.fields.size > 0) return 'led';
  return 'plain';
}

function hasQueueWords(description: string | undefined): boolean {
  if (!description) return false;
  const lower = description.slice(0, LONGEST_QUEUE_PHRASE).toLowerCase();
  return QUEUE_PHRASES.some((p) => lower.startsWith(p));
}

/** The first placeholder a destination candidate held (see ParsedError.serverPlaceholder). */
interface PlaceholderSeen {
  placeholder?: string;
}

/** A clipped host that is not one of Microsoft's own transport servers, or undefined. */
function destinationHost(value: string | undefined, seen: PlaceholderSeen): string | undefined {
  const host = clip(value);
  return host !== undefined && !isMicrosoftInternalHost(host) && !isPlaceholder(host, seen) ? host : undefined;
}

/** The expiry codes: the sender's own queue gave up (RFC 3463 X.4.7; Exchange's 5.4.300 "Message expired"). */
const EXPIRY_CODES = new Set(['4.4.7', '5.4.7', '5.4.300']);

/**
 * An on-premises expiry report, `Server at EX01.contoso.local returned '550 5.4.300 Message expired -> 451 4.4.0 …'`,
 * where EX01 is also the "Generating server": the sender's own server gave up; it is not where the mail went.
 */
function isExpiredByReporter(code: string, host: string | undefined, reporters: ReadonlySet<string> | undefined): boolean {
  return EXPIRY_CODES.has(code) && isReporter(host, reporters);
}

/** The server named is the one that wrote the report (Exchange 2010's `EX01.contoso.local #550 5.1.1 RESOLVER…##` for its own error). */
function isReporter(host: string | undefined, reporters: ReadonlySet<string> | undefined): boolean {
  return host !== undefined && reporters?.has(host.toLowerCase().replace(/\.$/, '')) === true;
}

/** A clipped host unless it is a Microsoft server that wrote the report. */
function notReporter(value: string | undefined, reporters: ReadonlySet<string> | undefined, seen: PlaceholderSeen): string | undefined {
  const host = clip(value);
  return host !== undefined && !isMicrosoftReporter(host, reporters) && !isPlaceholder(host, seen) ? host : undefined;
}

function isPlaceholder(host: string, seen: PlaceholderSeen): boolean {
  if (!isPlaceholderHost(host)) return false;
  seen.placeholder ??= placeholderAsWritten(host);
  return true;
}

/** A Microsoft transport server named as the one that wrote the report ("Generating server:", `Reporting-MTA:`). */
export function isMicrosoftReporter(host: string, reporters: ReadonlySet<string> | undefined): boolean {
  return isMicrosoftInternalHost(host) && isReporter(host, reporters);
}

/** Values are kept as posted, trimmed and bounded. */
function clip(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return trimmed.length > MAX_FIELD_CHARS ? trimmed.slice(0, MAX_FIELD_CHARS) : trimmed;
}
