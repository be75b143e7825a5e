import type { AcceptedDomain, OutboundConnector } from './backends/exchange-backend';
import type { Change } from './change';

/** Where the failing mail was going, from the paste. */
export interface FailingDestination {
  server?: string;
  ip?: string;
  recipient?: string;
}

export interface FixPlan {
  /** The article's remediations that apply, most specific first. */
  changes: Change[];
  /** Connectors whose smart hosts route to the failing server (empty when none matched). */
  matchedConnectors: string[];
  /** When no connector matched: the enabled connectors the user may choose from. */
  choosable: string[];
}

/**
 * 4.4.316 remediations (Mail flow intelligence in EOP, "How do I fix error code 450 4.4.316?"):
 * disable the connector that delivers to the on-premises server, or switch the accepted domain
 * associated with it from Internal Relay to Authoritative.
 */
export function planFixes(dest: FailingDestination, connectors: OutboundConnector[], domains: AcceptedDomain[]): FixPlan {
  const matched = connectors.filter((c) => c.enabled && routesTo(c, dest));
  const changes: Change[] = matched.map((c) => ({ kind: 'connector-enabled', target: c.name, from: true, to: false }));

  const relayDomains = domains.filter((d) => d.domainType === 'InternalRelay');
  const recipientDomain = dest.recipient?.split('@')[1]?.toLowerCase();
  const related = new Set<string>();
  for (const c of matched) for (const rd of c.recipientDomains) related.add(rd.toLowerCase().replace(/^\*\./, ''));
  if (recipientDomain) related.add(recipientDomain);
  const preferred = relayDomains.filter((d) => related.has(d.domainName.toLowerCase()));
  for (const d of preferred.length ? preferred : relayDomains) {
    changes.push({ kind: 'accepted-domain-type', target: d.domainName, from: 'InternalRelay', to: 'Authoritative' });
  }
  return {
    changes,
    matchedConnectors: matched.map((c) => c.name),
    choosable: matched.length ? [] : connectors.filter((c) => c.enabled).map((c) => c.name),
  };
}

/** True when one of the connector's smart hosts is the failing server: same name, same IP, or an IPv4 CIDR holding it. */
export function routesTo(connector: OutboundConnector, dest: FailingDestination): boolean {
  const wanted = [dest.server, dest.ip].filter((v): v is string => !!v).map((v) => v.toLowerCase().replace(/\.$/, ''));
  if (!wanted.length) return false;
  return connector.smartHosts.some((raw) => {
    const host = raw.trim().toLowerCase().replace(/\.$/, '');
    if (wanted.includes(host)) return true;
    if (host.includes('/')) return wanted.some((w) => inCidr(w, host));
    return false;
  });
}

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
  const [base, bitsRaw] = cidr.split('/');
  const bits = Number(bitsRaw);
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}
