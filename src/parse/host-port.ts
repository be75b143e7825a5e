/**
 * `203.0.113.5:25` → ip + port. One colon only: an IPv6 address (`2001:db8::5`) has several and is
 * kept whole, because Exchange does not bracket it and the last group could be either.
 * Anonymised values (`<Your Public IP>:25`, `###.###.###.###`) keep their text.
 */
export function splitHostPort(value: string | undefined): { host: string; port?: number } | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const colon = v.lastIndexOf(':');
  if (colon > 0 && v.indexOf(':') === colon) {
    const portText = v.slice(colon + 1);
    if (/^\d{1,5}$/.test(portText) && Number(portText) <= 65535) {
      // `72.x.x.x.:25`: an anonymised address with a full stop typed before the port.
      const host = v.slice(0, colon).trim().replace(/\.$/, '');
      // `:25` alone names no host; the next candidate is read instead.
      return host ? { host, port: Number(portText) } : undefined;
    }
  }
  return { host: v };
}
