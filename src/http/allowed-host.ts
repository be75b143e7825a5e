/** The names a browser uses for this machine; no DNS answer can make another site's page one of them. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The host of a Host header (RFC 9110 §7.2: uri-host [":" port]), lower-cased, without the port; an IPv6
 * address keeps its brackets. Undefined when the header is missing or not of that form.
 */
export function hostOf(header: string | undefined): string | undefined {
  const value = header?.trim().toLowerCase();
  if (!value) return undefined;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(value);
  return m?.[1];
}

/**
 * Whether a request's Host names this server, which is what defeats DNS rebinding: a page of another site
 * whose name was re-pointed at 127.0.0.1 still sends its own name as Host. Allowed: the loopback names, the
 * configured ones (ALLOWED_HOSTS), and the literal address the request arrived on (the bot calls its own
 * playground connector by that address; an address is never a name DNS can re-point). Any port.
 */
export function isAllowedHost(header: string | undefined, opts: { allowed: readonly string[]; localAddress?: string }): boolean {
  const host = hostOf(header);
  if (!host) return false;
  if (LOOPBACK_HOSTS.includes(host) || opts.allowed.includes(host)) return true;
  return !!opts.localAddress && host === addressAsHost(opts.localAddress);
}

/** A socket address as it appears in a Host header: IPv4-mapped IPv6 as IPv4, IPv6 in brackets. */
function addressAsHost(address: string): string {
  const a = address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return a.includes(':') ? `[${a}]` : a;
}
