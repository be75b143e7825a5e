/**
 * The Microsoft 365 IP address and URL web service, read leniently. Pure. The addresses Microsoft 365 sends
 * mail from (to an on-premises or partner smart host) are the Exchange endpoint sets whose tcpPorts hold
 * 25 (set 10 today); a firewall that admits only them is what 4.4.316 and 4.4.315 point at.
 * Source: microsoft-365-ip-web-service.md (version, endpoints and changes methods).
 */
export interface SmtpAddresses {
  ipv4: string[];
  ipv6: string[];
  /** The endpoint set ids they came from, for reading the changes. */
  setIds: number[];
}

/** An AddedIp change: addresses Microsoft 365 will start using, published 30 days ahead. */
export interface AddedIps {
  version: string;
  effectiveDate?: string;
  ipv4: string[];
  ipv6: string[];
}

const MAX_IPS = 2000;

/** `/version/Worldwide` answers `{instance, latest}`; `/version` a list of them. */
export function readLatestVersion(json: unknown): string | undefined {
  const items = Array.isArray(json) ? json : [json];
  const worldwide = items.find((i) => isObject(i) && String(i.instance ?? '').toLowerCase() === 'worldwide') ?? items[0];
  const latest = isObject(worldwide) ? worldwide.latest : undefined;
  return typeof latest === 'string' && /^\d{10}$/.test(latest) ? latest : undefined;
}

export function readSmtpAddresses(json: unknown): SmtpAddresses {
  const out: SmtpAddresses = { ipv4: [], ipv6: [], setIds: [] };
  if (!Array.isArray(json)) return out;
  for (const set of json) {
    if (!isObject(set) || String(set.serviceArea ?? '').toLowerCase() !== 'exchange') continue;
    if (!portsOf(set.tcpPorts).includes(25)) continue;
    if (typeof set.id === 'number') out.setIds.push(set.id);
    split(set.ips, out);
  }
  out.ipv4 = [...new Set(out.ipv4)];
  out.ipv6 = [...new Set(out.ipv6)];
  return out;
}

/** The AddedIp changes to the SMTP sets, newest version first. */
export function readAddedIps(json: unknown, setIds: readonly number[]): AddedIps[] {
  if (!Array.isArray(json)) return [];
  const out: AddedIps[] = [];
  for (const c of json) {
    if (!isObject(c) || !setIds.includes(Number(c.endpointSetId))) continue;
    if (
      !String(c.impact ?? '')
        .toLowerCase()
        .includes('addedip') &&
      !(isObject(c.add) && Array.isArray(c.add.ips))
    )
      continue;
    const add = isObject(c.add) ? c.add : {};
    const ips: SmtpAddresses = { ipv4: [], ipv6: [], setIds: [] };
    split(add.ips, ips);
    if (!ips.ipv4.length && !ips.ipv6.length) continue;
    const effective = typeof add.effectiveDate === 'string' ? add.effectiveDate : undefined;
    out.push({ version: String(c.version ?? ''), ...(effective && { effectiveDate: effective }), ipv4: ips.ipv4, ipv6: ips.ipv6 });
  }
  return out.sort((a, b) => b.version.localeCompare(a.version));
}

/** "25", "25,587", [25]: the ports as numbers. */
function portsOf(raw: unknown): number[] {
  const parts = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : typeof raw === 'number' ? [raw] : [];
  return parts.map((p) => Number(String(p).trim())).filter((n) => Number.isInteger(n));
}

function split(raw: unknown, into: { ipv4: string[]; ipv6: string[] }): void {
  if (!Array.isArray(raw)) return;
  for (const ip of raw.slice(0, MAX_IPS)) {
    if (typeof ip !== 'string' || !/^[0-9a-f:./]{2,64}$/i.test(ip.trim())) continue;
    (ip.includes(':') ? into.ipv6 : into.ipv4).push(ip.trim());
  }
}

function isObject(v: unknown): v is Record<string, any> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
