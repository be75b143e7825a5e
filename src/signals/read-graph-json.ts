/**
 * Graph's JSON → the signal shapes. Pure and lenient: Microsoft's samples mix PascalCase and camelCase
 * values ("Incident", "serviceDegradation", "Deliver"), so values are compared case-insensitively, and a
 * row without the fields a card needs is skipped rather than failing the whole reading. The simulated
 * tenant's `messageTraces` and `serviceHealthIssues` go through the same functions.
 */
import { normalizeText } from '../parse/normalize-text';
import type { HealthIssue, MessageTrace, MessageTraceDetail } from './signals-source';

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const opt = (v: unknown): string | undefined => str(v) || undefined;
/** An ISO time as UTC, or '' when it is not a time. */
const iso = (v: unknown): string => {
  const t = Date.parse(str(v));
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
};

/** One `exchangeMessageTrace`, or undefined without an id, a recipient or a received time. */
export function readMessageTrace(json: unknown): MessageTrace | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Json;
  const receivedDateTime = iso(o.receivedDateTime);
  if (!str(o.id) || !str(o.recipientAddress) || !receivedDateTime) return undefined;
  const size = typeof o.size === 'number' ? o.size : undefined;
  return {
    id: str(o.id),
    messageId: str(o.messageId),
    senderAddress: str(o.senderAddress),
    recipientAddress: str(o.recipientAddress).toLowerCase(),
    subject: str(o.subject),
    status: str(o.status).toLowerCase(),
    receivedDateTime,
    ...(opt(o.fromIP) && { fromIP: str(o.fromIP) }),
    ...(opt(o.toIP) && { toIP: str(o.toIP) }),
    ...(size !== undefined && { size }),
  };
}

/** One `exchangeMessageTraceDetail`, or undefined without an event or a time. */
export function readTraceDetail(json: unknown): MessageTraceDetail | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Json;
  const dateTime = iso(o.dateTime);
  if (!str(o.event) || !dateTime) return undefined;
  return {
    id: str(o.id),
    event: str(o.event).toLowerCase(),
    ...(opt(o.action) && { action: str(o.action) }),
    description: str(o.description),
    dateTime,
    ...(opt(o.data) && { data: str(o.data) }),
  };
}

/** One `serviceHealthIssue`, its newest post read from HTML into text; undefined without an id or a title. */
export function readHealthIssue(json: unknown): HealthIssue | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Json;
  if (!str(o.id) || !str(o.title)) return undefined;
  const posts = Array.isArray(o.posts) ? (o.posts as Json[]).filter((p) => p && typeof p === 'object' && iso(p.createdDateTime)) : [];
  const newest = posts.sort((a, b) => Date.parse(str(b.createdDateTime)) - Date.parse(str(a.createdDateTime)))[0];
  const description = newest?.description as Json | undefined;
  const endDateTime = iso(o.endDateTime);
  return {
    id: str(o.id),
    title: str(o.title),
    impactDescription: str(o.impactDescription),
    classification: str(o.classification).toLowerCase(),
    status: str(o.status),
    service: str(o.service),
    ...(opt(o.feature) && { feature: str(o.feature) }),
    ...(opt(o.featureGroup) && { featureGroup: str(o.featureGroup) }),
    isResolved: o.isResolved === true || str(o.isResolved).toLowerCase() === 'true',
    startDateTime: iso(o.startDateTime),
    ...(endDateTime && { endDateTime }),
    lastModifiedDateTime: iso(o.lastModifiedDateTime) || iso(o.startDateTime),
    ...(newest &&
      description && {
        latestPost: { createdDateTime: iso(newest.createdDateTime), text: normalizeText(str(description.content)).trim().slice(0, 2000) },
      }),
  };
}

/** Reads a list, keeping the rows that read. */
export function readAll<T>(values: unknown, read: (json: unknown) => T | undefined): T[] {
  if (!Array.isArray(values)) return [];
  const out: T[] = [];
  for (const v of values) {
    const r = read(v);
    if (r) out.push(r);
  }
  return out;
}

/** Graph spells a status `serviceRestored` in its enum and `ServiceRestored` in its samples. */
export function sameStatus(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Exchange Online, as Graph names the service ("Exchange Online"; the overview id is "Exchange"). */
export function isExchangeService(service: string): boolean {
  return /^exchange( online)?$/i.test(service.trim());
}
