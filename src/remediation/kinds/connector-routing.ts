import type { OutboundConnector } from '../backends/exchange-backend';
import type { FailingDestination, PlanInput } from './remediation-kind';

/** The enabled connectors that deliver to the destination: the chosen one, else those that route to it. */
export function connectorsFor(input: PlanInput): OutboundConnector[] {
  if (input.chosenConnector) return input.chosenConnector.enabled ? [input.chosenConnector] : [];
  return input.connectors.filter((c) => c.enabled && routesTo(c, input.destination));
}

/**
 * True when the connector is the road to the failing destination: one of its smart hosts is the server
 * (same name, same IP, or an IPv4 CIDR holding it), or one of its recipient domains holds the recipient or
 * the server's name (a connector for contoso.com carries mail for mail.contoso.com's users).
 */
export function routesTo(connector: OutboundConnector, dest: FailingDestination): boolean {
  const wanted = [dest.server, dest.ip].filter((v): v is string => !!v).map(bareName);
  const bySmartHost = connector.smartHosts.some((raw) => {
    // Exchange's smart hosts carry no port; a simulated tenant's may (host:port, for tests on loopback),
    // and then it is that port's server only.
    const port = /:(\d+)$/.exec(raw.trim())?.[1];
    if (port && !raw.includes('::') && dest.port && Number(port) !== dest.port) return false;
    const host = withoutPort(bareName(raw));
    if (wanted.includes(host)) return true;
    if (host.includes('/')) return wanted.some((w) => inCidr(w, host));
    return false;
  });
  if (bySmartHost) return true;
  const names = [domainOf(dest.recipient), dest.server && bareName(dest.server)].filter((v): v is string => !!v);
  return connector.recipientDomains.some((raw) => names.some((name) => inDomain(name, bareName(raw))));
}

/** The domain of an address ("adele@contoso.com" → "contoso.com"), lower-cased. */
export function domainOf(address: string | undefined): string | undefined {
  const at = address?.lastIndexOf('@') ?? -1;
  return at > 0 ? bareName(address!.slice(at + 1)) : undefined;
}

/** "contoso.com" holds contoso.com and its subdomains; "*.contoso.com" only the subdomains; "*" everything. */
export function inDomain(name: string, domain: string): boolean {
  if (domain === '*') return true;
  if (domain.startsWith('*.')) return name.endsWith(domain.slice(1));
  return name === domain || name.endsWith(`.${domain}`);
}

export const bareName = (v: string) => v.trim().toLowerCase().replace(/\.$/, '');
/** "host:2525" → "host"; an IPv6 address (several colons) and a CIDR stay as they are. */
export const withoutPort = (v: string) => v.replace(/^([^:]+):\d+$/, '$1');

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsRaw] = cidr.split('/');
  const bits = Number(bitsRaw);
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}
