import fs from 'node:fs';
import { updateDocument, type Store } from '../../store/store';
import { ExchangeError, type AcceptedDomain, type AcceptedDomainType, type ExchangeBackend, type OutboundConnector } from './exchange-backend';
import { simulateValidation } from './simulate-validation';

export interface SimulatedTenant {
  connectors: OutboundConnector[];
  acceptedDomains: AcceptedDomain[];
}

/** A small hybrid tenant: contoso.com relays to an on-premises server, fabrikam.com goes to a partner. */
export const SAMPLE_TENANT: SimulatedTenant = {
  connectors: [
    {
      name: 'Outbound to Contoso on-premises',
      enabled: true,
      smartHosts: ['mail.contoso.com', '203.0.113.5'],
      recipientDomains: ['contoso.com'],
      tlsSettings: 'CertificateValidation',
      connectorType: 'OnPremises',
    },
    {
      name: 'Partner Fabrikam (TLS required)',
      enabled: true,
      smartHosts: ['smtp.fabrikam.com'],
      recipientDomains: ['fabrikam.com'],
      tlsSettings: 'DomainValidation',
      tlsDomain: 'smtp.fabrikam.com',
      connectorType: 'Partner',
    },
  ],
  acceptedDomains: [
    { domainName: 'contoso.com', domainType: 'InternalRelay', default: true },
    { domainName: 'contoso.onmicrosoft.com', domainType: 'Authoritative' },
  ],
};

const COLLECTION = 'simulated-tenant';
const KEY = 'state';

/** Reads and checks an EXCHANGE_SIM_STATE file; throws one error naming what is wrong. */
export function readTenantFile(file: string): SimulatedTenant {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`EXCHANGE_SIM_STATE ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return validateTenant(raw, `EXCHANGE_SIM_STATE ${file}`);
}

export function validateTenant(raw: unknown, where: string): SimulatedTenant {
  const problems: string[] = [];
  const obj = (raw ?? {}) as Record<string, unknown>;
  const connectors = Array.isArray(obj.connectors) ? obj.connectors : (problems.push('"connectors" must be an array'), []);
  const domains = Array.isArray(obj.acceptedDomains) ? obj.acceptedDomains : (problems.push('"acceptedDomains" must be an array'), []);
  const out: SimulatedTenant = { connectors: [], acceptedDomains: [] };
  connectors.forEach((c: Record<string, unknown>, i: number) => {
    if (!c || typeof c.name !== 'string' || !c.name) return void problems.push(`connectors[${i}].name must be a non-empty string`);
    const smartHosts = Array.isArray(c.smartHosts) ? c.smartHosts.map(String) : [];
    const recipientDomains = Array.isArray(c.recipientDomains) ? c.recipientDomains.map(String) : [];
    const tls = c.tlsSettings ?? null;
    if (tls !== null && !['EncryptionOnly', 'CertificateValidation', 'DomainValidation'].includes(String(tls))) {
      problems.push(`connectors[${i}].tlsSettings must be EncryptionOnly, CertificateValidation, DomainValidation or null`);
    }
    out.connectors.push({
      name: c.name,
      enabled: c.enabled !== false,
      smartHosts,
      recipientDomains,
      tlsSettings: tls as OutboundConnector['tlsSettings'],
      tlsDomain: typeof c.tlsDomain === 'string' ? c.tlsDomain : null,
      connectorType: c.connectorType === 'Partner' ? 'Partner' : 'OnPremises',
    });
  });
  domains.forEach((d: Record<string, unknown>, i: number) => {
    if (!d || typeof d.domainName !== 'string' || !d.domainName) return void problems.push(`acceptedDomains[${i}].domainName must be a non-empty string`);
    if (!['Authoritative', 'InternalRelay', 'ExternalRelay'].includes(String(d.domainType))) {
      return void problems.push(`acceptedDomains[${i}].domainType must be Authoritative or InternalRelay`);
    }
    out.acceptedDomains.push({ domainName: d.domainName, domainType: d.domainType as AcceptedDomainType, default: d.default === true });
  });
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
  return out;
}

/**
 * A tenant kept in the store: it starts from `initial` the first time and keeps its changes in DATA_DIR
 * across restarts. Writes use the store's optimistic concurrency, like a real shared tenant.
 */
export function createSimulatedExchange(store: Store, initial: SimulatedTenant = SAMPLE_TENANT): ExchangeBackend {
  const read = async (): Promise<SimulatedTenant> => {
    const stored = await store.get<SimulatedTenant>(COLLECTION, KEY);
    if (stored) return stored.value;
    await updateDocument<SimulatedTenant>(store, COLLECTION, KEY, (cur) => (cur ? undefined : structuredClone(initial)));
    return (await store.get<SimulatedTenant>(COLLECTION, KEY))!.value;
  };
  /** Changes one object of the tenant with a compare-and-swap; `find` picks it from a fresh copy. */
  const modify = async <T>(find: (t: SimulatedTenant) => T | undefined, edit: (o: T) => void, missing: string): Promise<T> => {
    await read();
    let result: T | undefined;
    await updateDocument<SimulatedTenant>(store, COLLECTION, KEY, (cur) => {
      const next = structuredClone(cur!);
      result = find(next);
      if (!result) return undefined;
      edit(result);
      return next;
    });
    if (!result) throw new ExchangeError('not_found', missing);
    return result;
  };
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

  return {
    kind: 'simulated',
    async listOutboundConnectors() {
      return (await read()).connectors;
    },
    async listAcceptedDomains() {
      return (await read()).acceptedDomains;
    },
    async validateOutboundConnector(name, recipients) {
      const connector = (await read()).connectors.find((c) => same(c.name, name));
      if (!connector) throw new ExchangeError('not_found', `The outbound connector "${name}" was not found in the tenant.`);
      return simulateValidation(connector, recipients);
    },
    setOutboundConnectorEnabled: (name, enabled) =>
      modify<OutboundConnector>(
        (t) => t.connectors.find((c) => same(c.name, name)),
        (c) => void (c.enabled = enabled),
        `The outbound connector "${name}" was not found in the tenant.`,
      ),
    setOutboundConnectorTlsDomain: (name, tlsDomain) =>
      modify<OutboundConnector>(
        (t) => t.connectors.find((c) => same(c.name, name)),
        (c) => void (c.tlsDomain = tlsDomain),
        `The outbound connector "${name}" was not found in the tenant.`,
      ),
    setAcceptedDomainType: (domainName, domainType) =>
      modify<AcceptedDomain>(
        (t) => t.acceptedDomains.find((d) => same(d.domainName, domainName)),
        (d) => void (d.domainType = domainType),
        `The accepted domain "${domainName}" was not found in the tenant.`,
      ),
  };
}
