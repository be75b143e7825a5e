import { ipToken } from './relay-context';

/**
 * Where Postfix says a delivery went when the failure has no reply to quote (postconf(5),
 * smtp(8) messages): `connect to mx.contoso.com[203.0.113.9]:25: Connection timed out`,
 * `lost connection with mx.contoso.com[203.0.113.9] while …`, `host mx.contoso.com[203.0.113.9] said: …`,
 * `delivery via mx.contoso.com[203.0.113.9]:25: …`, and the log line's `relay=mx.contoso.com[203.0.113.9]:25`.
 * Reads a short window only.
 */
const DESTINATION =
  /(?:(?:connect to|lost connection with|conversation with|host|delivery via)[ \t]{1,3}|relay=)([A-Za-z0-9][A-Za-z0-9.-]{0,253})\[([^[\]\s]{1,100})\](?::(\d{1,5}))?/;

export function findDestination(text: string): { server?: string; ip?: string; port?: number } | undefined {
  const m = DESTINATION.exec(text.slice(0, 400));
  if (!m) return undefined;
  const ip = ipToken(m[2]);
  const where: { server?: string; ip?: string; port?: number } = { server: m[1] };
  if (ip) {
    where.ip = ip;
    if (m[3] && Number(m[3]) <= 65535) where.port = Number(m[3]);
  }
  return where;
}
