import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export const DEFAULT_SMTP_PORT = 25;
/** RFC 1035 §2.3.4: 255 octets on the wire, 253 characters as text. */
const MAX_HOST_CHARS = 253;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * What an admin types as a smart host: `mail.contoso.com`, `mail.contoso.com:2525`,
 * `203.0.113.5:25`, `[2001:db8::1]:25`, `2001:db8::1`. Port 25 when none is given (EOP delivers
 * on 25). Hosts come back lower-case, without a trailing dot, IDNs as punycode, IPv6 without brackets.
 */
export function parseTarget(input: string): { host: string; port: number } | { error: string } {
  const text = input.trim();
  if (!text) return { error: 'Give a host name or IP address, e.g. mail.contoso.com or 203.0.113.5:25.' };
  if (text.length > MAX_HOST_CHARS + 8) return { error: `That is longer than a host name can be (${MAX_HOST_CHARS} characters).` };
  if (/\s/.test(text)) return { error: 'A host name cannot contain spaces.' };
  if (/[/@?#\\]/.test(text) || /^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return { error: 'That looks like a URL or an address; give only the host and optional port, e.g. mail.contoso.com:25.' };
  }

  let hostText: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    if (isIP(bracketed[1]) !== 6) return { error: 'Only an IPv6 address goes inside [brackets].' };
    [, hostText, portText] = bracketed;
  } else if (isIP(text) === 6) {
    hostText = text;
  } else {
    const colon = text.indexOf(':');
    if (colon !== -1 && text.indexOf(':', colon + 1) !== -1) return { error: 'Not a valid IPv6 address; write it as [2001:db8::1]:25 when giving a port.' };
    hostText = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
  }

  const host = normalizeHost(hostText);
  if (!host) return { error: `"${hostText.slice(0, 80)}" is not a valid host name or IP address.` };
  if (portText === undefined) return { host, port: DEFAULT_SMTP_PORT };
  const port = parsePort(portText);
  return port === undefined ? { error: 'The port must be a number from 1 to 65535.' } : { host, port };
}

/**
 * What `diagnose` and Run diagnostics ask for: a smart host as parseTarget reads it, optionally followed by
 * the IP address a paste named (LastAttemptedIP), which is probed too on the same port:
 * `mail.contoso.com:25 203.0.113.5`. An IP equal to the host is dropped: one probe is enough.
 */
export function parseTargets(input: string): { host: string; port: number; ip?: string } | { error: string } {
  const [first = '', second, ...rest] = input.trim().split(/\s+/);
  if (rest.length) return { error: 'Give one server and at most one IP address, e.g. mail.contoso.com 203.0.113.5.' };
  const target = parseTarget(first);
  if ('error' in target || second === undefined) return target;
  const ip = second.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (!isIP(ip) || ip.includes('%')) return { error: `"${second.slice(0, 60)}" is not an IP address; after the server, give only the IP from the paste.` };
  return ip === target.host ? target : { ...target, ip };
}

/**
 * A valid IP (IPv6 without zone) or DNS host name, normalised; undefined otherwise.
 * Used for typed targets and for names that come back from DNS (an MX exchange).
 */
export function normalizeHost(value: string): string | undefined {
  if (value.includes('%')) return undefined; // net.isIP accepts an IPv6 zone (fe80::1%eth0); a smart host has none
  if (isIP(value)) return value.toLowerCase();
  if (value.includes(':')) return undefined;
  const ascii = /^[\x21-\x7e]*$/.test(value) ? value.toLowerCase() : domainToASCII(value);
  const name = ascii.endsWith('.') ? ascii.slice(0, -1) : ascii;
  if (!name || name.length > MAX_HOST_CHARS) return undefined;
  const labels = name.split('.');
  if (!labels.every((label) => LABEL.test(label))) return undefined;
  // "999.1.1.1" or "10.1" are neither IPs nor names: no top-level domain is all digits (RFC 3696 §2)
  if (/^\d+$/.test(labels[labels.length - 1])) return undefined;
  return name;
}

export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}
