import { ipToken } from './relay-context';

/**
 * Where Postfix says a delivery went when the failure has no reply to quote (postconf(5),
 * smtp(8) messages): `connect to mx.contoso.com[203.0.113.9]:25: Connection timed out`,
 * `lost connection with mx.contoso.com[203.0.113.9] while …`, `host mx.contoso.com[203.0.113.9] said: …`,
 * `delivery via mx.contoso.com[203.0.113.9]:25: …`, `message size 12345 exceeds size limit 10240 of server
 * mx.contoso.com[203.0.113.9]`, and the log line's `relay=mx.contoso.com[203.0.113.9]:25`; sendmail's log writes the
 * relay as a fully qualified name, a blank and the address: `relay=mx.contoso.com. [203.0.113.9]`; Exim's log
 * line names it `H=mx.contoso.com [203.0.113.9]` (its `**` and `==` lines, before the remote server's reply).
 * Reads a short window only.
 */
const DESTINATION =
  /(?:(?:connect to|lost connection with|conversation with|host|delivery via|of server)[ \t]{1,3}|relay=)([A-Za-z0-9][A-Za-z0-9.-]{0,253}?)(?:\. )?\[([^[\]\s]{1,100})\](?::(\d{1,5}))?/;

/** Exim's log line: `H=mx.contoso.com [203.0.113.9]`, the name, a blank and the address. */
const EXIM_LOGGED_HOST = /^H=([A-Za-z0-9][A-Za-z0-9.-]{0,253}) \[([^[\]\s]{1,100})\](?::(\d{1,5}))?/;

export function findDestination(text: string): { server?: string; ip?: string; port?: number } | undefined {
  const m = (text.startsWith('H=') ? EXIM_LOGGED_HOST : DESTINATION).exec(text.slice(0, 400));
  if (!m) return undefined;
  const ip = ipToken(m[2]);
  const where: { server?: string; ip?: string; port?: number } = { server: m[1] };
  if (ip) {
    where.ip = ip;
    if (m[3] && Number(m[3]) <= 65535) where.port = Number(m[3]);
  }
  return where;
}

/**
 * sendmail names the host a code-less or transient failure came from in its own words (sendmail's
 * deliver.c and usersmtp.c messages): `451 4.4.1 reply: read error from mx.contoso.com.`,
 * `timeout waiting for input from mx.contoso.com. during client greeting`, `Connection refused by mx.contoso.com.`,
 * `Connection timed out with mx.contoso.com.`, `connection closed by mx.contoso.com.`. Reads a short window only.
 */
const SENDMAIL_HOST =
  /(?:read error from|timeout waiting for input from|connection refused by|connection timed out with|connection closed by|connection reset by)[ \t]{1,3}\[?([A-Za-z0-9][A-Za-z0-9.-]{0,253}[A-Za-z0-9])\]?/i;

export function findSendmailHost(text: string): string | undefined {
  const m = SENDMAIL_HOST.exec(text.slice(0, 300));
  return m?.[1].includes('.') ? m[1] : undefined;
}

/**
 * Postfix names the host whose address it could not look up (smtp(8), `Host or domain name not found. Name service
 * error for name=mx.contoso.com type=A: Host not found`): that host is where the mail was going, one label or many
 * (`name=dovecot-ce type=AAAA`, an LMTP or relay host). Not when it is the recipient's own domain (`to=<root@canary>`,
 * a domain without MX looked up as its own host, RFC 5321 §5.1), nor for a failed `type=MX` lookup: no server was found.
 * `before` is the text just before the code, where the log line gives the recipient.
 */
const LOOKUP_HOST = /name service error for name=([A-Za-z0-9][A-Za-z0-9.-]{0,253}?)\.? type=(?:A|AAAA)\b/i;

export function findLookupHost(description: string, before: string): string | undefined {
  const host = LOOKUP_HOST.exec(description.slice(0, 300))?.[1];
  if (!host) return undefined;
  const at = before.toLowerCase().lastIndexOf(`@${host.toLowerCase()}`);
  const recipientDomain = at >= 0 && !/[A-Za-z0-9.-]/.test(before.charAt(at + host.length + 1));
  return recipientDomain ? undefined : host;
}

/**
 * A reply that names the host that refused, old-Exchange style, after its code: forwardemail's
 * `554 5.4.0 <ms1.contoso.com #4.4.1>` (the `#4.4.1` is that host's own status). The description's start only.
 */
const HASH_HOST = /^<[ \t]{0,3}([A-Za-z0-9][A-Za-z0-9.-]{0,253}[A-Za-z0-9])[ \t]{1,3}#[245]\.\d{1,3}\.\d{1,3}/;

export function findHashHost(description: string): string | undefined {
  const m = HASH_HOST.exec(description.slice(0, 300).trimStart());
  return m?.[1].includes('.') ? m[1] : undefined;
}

/** sendmail's `relay=mx.contoso.com.,` without the address (a log line wrapped before its `dsn=`), OpenSMTPD's `relay=203.0.113.9 (name)`. */
const BARE_RELAY = /^relay=([A-Za-z0-9][A-Za-z0-9.-]{0,253}[A-Za-z0-9])\.?(?=[,\s]|$)/i;

/** Where a log line's `relay=…` says the delivery went, with or without the bracketed address. */
export function findRelayDestination(text: string): { server?: string; ip?: string; port?: number } | undefined {
  return findDestination(text) ?? findBareRelay(text);
}

function findBareRelay(text: string): { server?: string; ip?: string; port?: number } | undefined {
  const m = BARE_RELAY.exec(text);
  if (!m?.[1].includes('.')) return undefined;
  // OpenSMTPD logs `relay=127.0.0.1 (localhost)`: an address is the IP.
  return ipToken(m[1]) === m[1] ? { ip: m[1] } : { server: m[1] };
}

/**
 * A server that refuses a connection names itself first (RFC 5321 §3.1 and §4.2): `554 mx.contoso.com ESMTP
 * not accepting messages`, `421 mx.contoso.com Service not available`, Exim's `after initial connection:
 * 554 mx.contoso.com`; some servers start every reply so (`500 mx.contoso.com Syntax error`). Read for 554 and
 * 421, and for any reply without an enhanced code, and only a name with two dots or one followed by what a
 * greeting says (`ESMTP`, `Service`).
 */
const GREETING_HOST =
  /^([A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62}){0,9}\.[A-Za-z][A-Za-z0-9-]{0,62})(?=(\s+(?:E?SMTP|Service)\b)?)(?:\s|$)/;

export function findGreetingHost(replyCode: string | undefined, bare: boolean, description: string): string | undefined {
  if (!bare && replyCode !== '554' && replyCode !== '421') return undefined;
  const m = GREETING_HOST.exec(description.trimStart().slice(0, 300));
  if (!m) return undefined;
  return m[2] !== undefined || m[1].split('.').length > 2 ? m[1] : undefined;
}
