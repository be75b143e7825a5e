import type { CodeToken } from './code-tokens';
import { findCodes } from './code-tokens';
import { findBracketedAddress, isEmailAddress } from './email-address';
import { findLastEndpoint, findSocketError } from './find-socket-error';
import { splitHostPort } from './host-port';
import { MAX_EXCERPT_CHARS, MAX_FIELD_CHARS } from './limits';
import { isMicrosoftInternalHost } from './microsoft-hosts';
import { parseRetryTime } from './parse-retry-time';
import type { ErrorBody } from './read-error-body';
import type { ErrorPrefix } from './read-error-prefix';
import { splitDescription } from './split-description';
import type { ParsedError, ParsedFormat } from './types';

/** What the lines around an error contribute (NDR recipient line, the remote host line below it, DSN fields). */
export interface SurroundingFacts {
  recipient?: string;
  remoteHost?: string;
  format?: ParsedFormat;
  lastRetryRaw?: string;
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

export function buildParsedError(text: string, token: CodeToken, prefix: ErrorPrefix, body: ErrorBody, around: SurroundingFacts): ParsedError {
  const split = splitDescription(body.description);
  const message = clip(body.fields.get('message'));
  const msgGroup = clip(body.groups.get('msg'));
  const remoteReply = message ?? clip(split.nested) ?? msgGroup ?? clip(split.detail) ?? clip(body.paren);

  const quoted: string[] = [];
  for (const part of [split.nested, message, msgGroup, split.detail, body.paren]) {
    if (part) for (const code of findCodes(part)) if (!quoted.includes(code)) quoted.push(code);
  }

  const error: ParsedError = { enhancedCode: token.code, quotedCodes: quoted, format: 'plain', excerpt: '' };
  if (token.reply) error.replyCode = token.reply;
  const description = clip(split.description);
  if (description) error.description = description;
  if (remoteReply) error.remoteReply = remoteReply;

  // Destination: the first candidate that is not one of Microsoft's own transport servers.
  const serverCandidates = [
    body.fields.get('lastattemptedservername'),
    body.groups.get('fqdn'),
    body.groups.get('lastattemptedservername'),
    prefix.host,
    body.proxyHost,
    prefix.remoteServerWithoutHost || prefix.kind === 'ndr-old' ? around.remoteHost : undefined,
  ];
  const server = serverCandidates.map(clip).find((h) => h !== undefined && !isMicrosoftInternalHost(h));
  if (server) error.server = server;

  const prefixHostIsInternal = prefix.host !== undefined && isMicrosoftInternalHost(prefix.host);
  const ipCandidates = [
    body.fields.get('lastattemptedip'),
    body.groups.get('ip'),
    prefixHostIsInternal ? undefined : prefix.hostIp,
    body.proxyIp,
    findLastEndpoint(body.description),
  ];
  for (const candidate of ipCandidates) {
    const { host, port } = splitHostPort(candidate ?? '');
    if (host === undefined) continue;
    error.ip = clip(host);
    if (port !== undefined) error.port = port;
    break;
  }

  const extent = text.slice(token.start, body.end);
  const socketError = findSocketError(extent);
  if (socketError !== undefined) error.socketError = socketError;

  const lastRetryRaw = clip(body.groups.get('lrt')) ?? prefix.time ?? around.lastRetryRaw ?? body.eopTime;
  if (lastRetryRaw) {
    error.lastRetryRaw = lastRetryRaw;
    const iso = parseRetryTime(lastRetryRaw);
    if (iso) error.lastRetryIso = iso;
  }

  const recipient = prefix.recipient ?? around.recipient ?? findBracketedAddress(body.description);
  if (recipient && isEmailAddress(recipient)) error.recipient = recipient;

  error.format = around.format ?? formatOf(prefix, body, split.description);
  const excerptStart = Math.min(prefix.excerptStart, token.start);
  error.excerpt = text.slice(excerptStart, Math.min(body.end, excerptStart + MAX_EXCERPT_CHARS)).trim();
  return error;
}

function formatOf(prefix: ErrorPrefix, body: ErrorBody, description: string | undefined): ParsedFormat {
  const lower = (description ?? '').toLowerCase();
  const queueWords = QUEUE_PHRASES.some((p) => lower.startsWith(p));
  switch (prefix.kind) {
    case 'trace':
      // Queue Viewer prints the same {LED=…};{MSG=…} groups without the message trace's "Reason:".
      return !prefix.traceReason && queueWords ? 'queue' : 'message-trace';
    case 'ndr':
    case 'ndr-old':
      return 'ndr';
    case 'relay':
      return 'relay';
    default:
      break;
  }
  if (prefix.queueHint || queueWords) return 'queue';
  if (body.fields.size > 0) return 'led';
  return 'plain';
}

/** Values are kept as posted, trimmed and bounded. */
function clip(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return trimmed.length > MAX_FIELD_CHARS ? trimmed.slice(0, MAX_FIELD_CHARS) : trimmed;
}
