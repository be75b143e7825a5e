/**
 * `203.0.113.5:25` → ip + port. One colon only: an IPv6 address (`2001:db8::5`) has several and is
 * kept whole, because Exchange does not bracket it and the last group could be either.
 * Anonymised values (`<Your Public IP>:25`, `###.###.###.###`) keep their text.
 */
export function splitHostPort(value: string): { host?: string; port?: number } {
  const v = value.trim();
  if (!v) return {};
  const colon = v.lastIndexOf(':');
  if (colon > 0 && v.indexOf(':') === colon) {
    const portText = v.slice(colon + 1);
    if (/^\d{1,5}$/.test(portText) && Number(portText) <= 65535) {
      const host = v.slice(0, colon).trim();
      return { host: host || undefined, port: Number(portText) };
    }
  }
  return { host: v };
}
