import type { OutboundConnector } from '../backends/exchange-backend';
import type { FailingDestination, PlanInput } from './remediation-kind';

/** The enabled connectors that deliver to the destination: the chosen one, else those whose smart host matches. */
export function connectorsFor(input: PlanInput): OutboundConnector[] {
  if (input.chosenConnector) return input.chosenConnector.enabled ? [input.chosenConnector] : [];
  return input.connectors.filter((c) => c.enabled && routesTo(c, input.destination));
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
  const [base = '', bitsRaw] = cidr.split('/');
  const bits = Number(bitsRaw);
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}
