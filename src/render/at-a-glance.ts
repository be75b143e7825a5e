import type { Explanation } from '../knowledge/explain-code';
import type { KnowledgeFile } from '../knowledge/types';
import type { ParsedError } from '../parse/types';
import type { OutboundConnector } from '../remediation/backends/exchange-backend';
import { domainOf } from '../remediation/kinds/connector-routing';
import type { TenantReading } from '../remediation/read-tenant';
import { routeOf } from '../remediation/route-of';
import type { Fact } from './card-data';
import { escapeMarkdown, fill, formatUtc, truncate } from './text';
import type { UiStrings } from './ui-strings';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The codes whose failure is about TLS: the connector's TLS setting is part of what they affect. */
const TLS_CODES = new Set(['4.4.317', '4.7.320', '5.4.317', '5.7.320']);

export interface Glance {
  /** What is wrong, one plain sentence with the server and IP. */
  headline: string;
  /** What it affects and when the mail bounces: connector, its TLS, accepted domain, time left. */
  facts: Fact[];
  /** Someone else's server: whose it is and what to tell them. */
  notYours: null | { text: string; tell: string };
}

export interface GlanceInput {
  error: ParsedError;
  explanation: Explanation;
  knowledge: KnowledgeFile;
  ui: UiStrings;
  now: Date;
  /** The tenant as read for this card; absent where the tenant has no say (explain). */
  tenant?: TenantReading;
  /** The failure has run its 24 hours (an expired form, or the NDR of one). */
  returned: boolean;
  /** Microsoft 365's detail in words, or the remote server's reply: what to tell a partner. */
  detail?: string;
}

/** The first screen of an error card: the sentence, the facts that decide, and whose problem it is. */
export function atAGlance({ error, explanation: x, knowledge, ui, now, tenant, returned, detail }: GlanceInput): Glance {
  const facts: Fact[] = [];
  const add = (title: string, value: string) => facts.push({ title, value: escapeMarkdown(truncate(value, 300)) });
  const destination = destinationOf(error) || knowledge.details.destinationUnknown;
  // A code the knowledge base lacks says nothing general worth a headline; the server's own words do.
  const words = !x.known ? (detail ?? error.description) : undefined;
  const headline = x.headline
    ? fill(x.headline, { destination, port: error.port ?? 25 })
        .replace(/\s{2,}/g, ' ')
        .replace(/\s+([,.:])/g, '$1')
    : words
      ? // No reply at all (Gmail could not connect): the words are the sender's, not a server's.
        fill(error.enhancedCodeInferred && !error.replyCode ? ui.unknownHeadlineNoReply : ui.unknownHeadline, { words: truncate(words, 200) })
      : firstSentence(x.meaning);

  let notYours: Glance['notYours'] = null;
  if (tenant && x.connector && (error.server || error.ip)) {
    if ('error' in tenant) add(ui['glance.connector'], fill(ui['glance.tenantUnread'], { reason: tenant.error }));
    else {
      const route = routeOf({ server: error.server, ip: error.ip, recipient: error.recipient, port: error.port }, tenant.view);
      const shown = route.connectors.length ? route.connectors : route.disabled;
      if (shown.length) {
        add(ui['glance.connector'], shown.map((c) => (c.enabled ? c.name : fill(ui['glance.connectorOff'], { name: c.name }))).join(', '));
        if (TLS_CODES.has(x.code)) add(ui['glance.connectorTls'], shown.map((c) => tlsOf(c, ui)).join(', '));
      } else add(ui['glance.connector'], ui['glance.noConnector']);
      if (route.domain) add(ui['glance.domain'], `${route.domain.domainName} · ${ui[`value.${route.domain.domainType}`]}`);
      else if (!route.connectors.length && !route.disabled.length) notYours = partnerNote(error, x, ui, returned, detail);
    }
  }
  if (error.recipient) add(ui['fact.recipient'], error.recipient);
  const bounce = bounceOf(error, x, ui, now, returned);
  if (bounce) add(ui['glance.bounces'], bounce);
  return { headline: escapeMarkdown(capitalise(headline)), facts, notYours };
}

/** "mail.contoso.com (203.0.113.5)", or whichever of the two the paste has. */
export function destinationOf(error: Pick<ParsedError, 'server' | 'ip'>): string {
  if (error.server && error.ip) return `${error.server} (${error.ip})`;
  return error.server ?? error.ip ?? '';
}

/** When the queued mail bounces: 24 hours after the attempt the paste shows, or already. Nothing to count from: nothing said. */
function bounceOf(error: ParsedError, x: Explanation, ui: UiStrings, now: Date, returned: boolean): string {
  if (returned || error.enhancedCode.startsWith('5.')) return x.connector || returned ? ui['glance.returned'] : '';
  if (!x.retried || !x.connector || !error.lastRetryIso) return '';
  const bounceBy = new Date(new Date(error.lastRetryIso).getTime() + DAY_MS);
  const leftMs = bounceBy.getTime() - now.getTime();
  const left = leftMs > 0 ? fill(ui.retryLeft, { hours: Math.floor(leftMs / 3_600_000), minutes: Math.floor((leftMs % 3_600_000) / 60_000) }) : ui.retryEnded;
  return `${formatUtc(bounceBy.toISOString())} (${left})`;
}

function tlsOf(c: OutboundConnector, ui: UiStrings): string {
  const setting = c.tlsSettings ? ui[`value.${c.tlsSettings}`] : ui['glance.tlsNone'];
  return c.tlsDomain ? `${setting} (${c.tlsDomain})` : setting;
}

/** No connector and no accepted domain of the tenant: the recipient's or a partner's server. */
function partnerNote(error: ParsedError, x: Explanation, ui: UiStrings, returned: boolean, detail: string | undefined): Glance['notYours'] {
  const server = error.server ?? error.ip ?? '';
  const owner = domainOf(error.recipient) ?? (error.server ? registrableGuess(error.server) : server);
  const time = error.lastRetryIso ? formatUtc(error.lastRetryIso) : '';
  const vars = { time, destination: destinationOf(error), code: error.enhancedCode, name: x.name, detail: detail ? ` (${truncate(detail, 300)})` : '' };
  const tell = `${fill(time ? ui['glance.tell'] : ui['glance.tellNoTime'], vars)} ${returned ? ui['glance.askReturned'] : ui['glance.ask']}`;
  return { text: escapeMarkdown(fill(ui['glance.notYours'], { server, owner })), tell: truncate(tell, 800) };
}

/** The last two labels of a host name (smtp.fabrikam.com → fabrikam.com): whose server it is, roughly. */
function registrableGuess(host: string): string {
  return host.toLowerCase().replace(/\.$/, '').split('.').slice(-2).join('.');
}

function firstSentence(text: string): string {
  const m = /^.*?[.!?](?=\s|$)/s.exec(text);
  return m ? m[0] : text;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
