import type { ParsedError, ParsedFormat } from '../parse/types';
import type { OperationSource } from '../remediation/operations';
import { truncate } from './text';

/**
 * An error as a card button carries it (Fix now, a summary row), so that a press can show that error's card
 * again: bounded, plain values only. What comes back in a press is not trusted: errorFromData() keeps
 * only fields of the right type and length, and the card escapes them as it does a paste.
 */
export function cardError(error: ParsedError, size: 'full' | 'row' = 'full'): Record<string, unknown> {
  if (size === 'full') return { ...error, remoteReply: error.remoteReply && truncate(error.remoteReply, 1000), excerpt: truncate(error.excerpt, 500) };
  // A summary has up to 40 rows and Teams takes 28 KB a message: a row keeps the facts, not the quoted text.
  const { excerpt: _excerpt, description: _description, lastRetryRaw, ...facts } = error;
  return {
    ...facts,
    ...(error.lastRetryIso ? {} : { lastRetryRaw }),
    remoteReply: error.remoteReply && truncate(error.remoteReply, 200),
    excerpt: '',
  };
}

const CODE = /^[245]\.\d{1,3}\.\d{1,3}$/;
const FORMATS: readonly ParsedFormat[] = ['message-trace', 'led', 'ndr', 'dsn', 'queue', 'relay', 'plain'];
const STRINGS = {
  replyCode: 3,
  description: 300,
  remoteReply: 1000,
  server: 260,
  serverPlaceholder: 260,
  ip: 100,
  lastRetryRaw: 100,
  lastRetryIso: 40,
  recipient: 320,
} as const;

export function errorFromData(raw: unknown): ParsedError | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.enhancedCode !== 'string' || !CODE.test(r.enhancedCode)) return undefined;
  const error: ParsedError = {
    enhancedCode: r.enhancedCode,
    quotedCodes: Array.isArray(r.quotedCodes) ? r.quotedCodes.filter((c): c is string => typeof c === 'string' && CODE.test(c)).slice(0, 10) : [],
    format: FORMATS.includes(r.format as ParsedFormat) ? (r.format as ParsedFormat) : 'plain',
    excerpt: typeof r.excerpt === 'string' ? r.excerpt.slice(0, 500) : '',
  };
  for (const [key, max] of Object.entries(STRINGS) as [keyof typeof STRINGS, number][]) {
    const v = r[key];
    if (typeof v === 'string' && v) error[key] = v.slice(0, max);
  }
  if (r.enhancedCodeInferred === true) error.enhancedCodeInferred = true;
  for (const key of ['port', 'socketError', 'occurrences'] as const) {
    const n = r[key];
    if (typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 1_000_000) error[key] = n;
  }
  return error;
}

/** What a Fix now button carries: the destination to plan for and the error (and alert) to show again. */
export function fixNowButtonData(source: OperationSource): Record<string, unknown> {
  return {
    verb: 'fixNow',
    code: source.code,
    server: source.server ?? '',
    ip: source.ip ?? '',
    port: source.port ?? 25,
    recipient: source.recipient ?? '',
    ...(source.error ? { error: cardError(source.error) } : {}),
    ...(source.groupKey ? { groupKey: source.groupKey } : {}),
  };
}
