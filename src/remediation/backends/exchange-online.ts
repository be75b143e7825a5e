/**
 * The real tenant: Get-/Set-OutboundConnector and Get-/Set-AcceptedDomain through the Exchange Online
 * admin API (InvokeCommand, domain notes §2) with an app-only token from MSAL (§3). Cmdlet output keeps
 * the cmdlets' own property names (Name, Enabled, SmartHosts, …, DomainName, DomainType, Default).
 */
import type { Logger } from '../../log/logger';
import {
  ExchangeError,
  type AcceptedDomain,
  type AcceptedDomainType,
  type ExchangeBackend,
  type OutboundConnector,
  type TlsSettings,
  type ValidationResult,
} from './exchange-backend';
import { notFound } from './exchange-error-words';
import { readValidation } from './read-validation';
import { createTokenSource, type CertificateCredential } from './exchange-token';
import { createFetchWithCa } from './fetch-with-ca';
import {
  createInvokeCommandClient,
  dryRunDescription,
  type InvokeCommandClientOptions,
  type CmdletInput,
  type DryRunDescription,
  type InvokeTarget,
} from './invoke-command-client';

export interface ExchangeOnlineOptions {
  /** the tenant GUID (safest in the URL path and anchor mailbox, §2.1) */
  tenantId: string;
  /** the Entra app registration's application (client) id */
  clientId: string;
  clientSecret?: string;
  certificate?: CertificateCredential;
  /** default https://outlook.office365.com */
  adminApiUrl?: string;
  /** default https://login.microsoftonline.com */
  authorityUrl?: string;
  /** replaces the HTTP client for InvokeCommand (not for MSAL) */
  fetch?: typeof fetch;
  /** extra PEM CA certificates trusted for both the authority and the admin API */
  trustedCa?: readonly string[];
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** retries after the first attempt for 429, 5xx and network errors; default 4 */
  maxRetries?: number;
  /** per HTTP request; default 60 s */
  requestTimeoutMs?: number;
  /** reads after a Set- until Exchange shows the new value (replication, §2.5); default 3, 2 s apart */
  verifyReads?: number;
}

export interface ExchangeOnlineBackend extends ExchangeBackend {
  readonly kind: 'exchange-online';
  /** The HTTP call that would run this cmdlet, without token or secret (REMEDIATION_DRY_RUN). */
  describeCall(cmdletName: string, parameters: Record<string, unknown>): DryRunDescription;
}

export const DEFAULT_ADMIN_API_URL = 'https://outlook.office365.com';
export const DEFAULT_AUTHORITY_URL = 'https://login.microsoftonline.com';

const CONNECTOR = 'outbound connector';
const DOMAIN = 'accepted domain';
const DOMAIN_TYPES: readonly AcceptedDomainType[] = ['Authoritative', 'InternalRelay', 'ExternalRelay'];
/** A TlsDomain: a host name, or a wildcard for its leftmost label ("wildcards *.contoso.com allowed"). */
export const TLS_DOMAIN = /^(?=.{1,253}$)(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const VERIFY_PAUSE_MS = 2000;

export function createExchangeOnlineBackend(opts: ExchangeOnlineOptions): ExchangeOnlineBackend {
  const adminApiUrl = checkedUrl(opts.adminApiUrl ?? DEFAULT_ADMIN_API_URL, 'adminApiUrl');
  const authorityUrl = checkedUrl(opts.authorityUrl ?? DEFAULT_AUTHORITY_URL, 'authorityUrl');
  if (!opts.tenantId?.trim() || /[/?#\s]/.test(opts.tenantId)) throw new Error('tenantId must be the tenant GUID (or its .onmicrosoft.com name).');
  if (!opts.clientId?.trim()) throw new Error("clientId must be the app registration's application (client) id.");
  if (!opts.clientSecret && !opts.certificate) throw new Error('Give either a client secret or a certificate for the app registration.');
  if (opts.clientSecret && opts.certificate) throw new Error('Give either a client secret or a certificate, not both.');
  if (!authorityUrl.startsWith('https:')) throw new Error('authorityUrl must be https: MSAL accepts no other.');

  const target: InvokeTarget = { adminApiUrl, tenantId: opts.tenantId };
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const tokens = createTokenSource({ ...opts, adminApiUrl, authorityUrl });
  const clientOptions: InvokeCommandClientOptions = {
    target,
    getToken: (fresh) => tokens.getToken(fresh),
    fetch: opts.fetch ?? (opts.trustedCa?.length ? createFetchWithCa(opts.trustedCa) : fetch),
    sleep,
    maxRetries: opts.maxRetries ?? 4,
    requestTimeoutMs: opts.requestTimeoutMs ?? 60_000,
    secrets: opts.clientSecret ? [opts.clientSecret] : [],
    logger: opts.logger,
  };
  const client = createInvokeCommandClient(clientOptions);
  // Validate-OutboundConnector sends real mail: a retry after a timeout or a 5xx could send it twice.
  const sendOnce = createInvokeCommandClient({ ...clientOptions, maxRetries: 0 });
  const verifyReads = Math.max(1, opts.verifyReads ?? 3);

  async function readConnector(name: string): Promise<OutboundConnector> {
    const ctx = { objectKind: CONNECTOR, identity: name };
    const { value } = await client.invoke({ cmdletName: 'Get-OutboundConnector', parameters: { Identity: name } }, ctx);
    const found = value.map(toOutboundConnector).find((c) => sameName(c.name, name));
    if (!found) throw notFound({ ...ctx, cmdletName: 'Get-OutboundConnector' });
    return found;
  }

  async function readDomain(identity: string, domainName: string): Promise<AcceptedDomain> {
    const ctx = { objectKind: DOMAIN, identity: domainName };
    const { value } = await client.invoke({ cmdletName: 'Get-AcceptedDomain', parameters: { Identity: identity } }, ctx);
    const found = value.find((d) => sameName(str(d.DomainName), domainName));
    const domain = found && toAcceptedDomain(found);
    if (!domain) throw notFound({ ...ctx, cmdletName: 'Get-AcceptedDomain' });
    return domain;
  }

  /**
   * Reads until the new value shows, at most verifyReads times: a change can take a moment to be
   * readable (§2.5), and an object read straight after can even answer not found.
   */
  async function readBack<T>(read: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        const current = await read();
        if (done(current) || i >= verifyReads) return current;
      } catch (err) {
        if (!(err instanceof ExchangeError && err.code === 'not_found') || i >= verifyReads) throw err;
      }
      await sleep(VERIFY_PAUSE_MS);
    }
  }

  function failIfNotMade(cmdletName: string, errors: string[]): void {
    if (errors.length) throw new ExchangeError('invalid', `Exchange did not complete ${cmdletName}: ${errors.join(' ')}`);
  }

  return {
    kind: 'exchange-online',

    describeCall: (cmdletName, parameters) => dryRunDescription(target, cmdletName, parameters),

    async listOutboundConnectors() {
      const { value } = await client.invoke({ cmdletName: 'Get-OutboundConnector', parameters: {} });
      return value.map(toOutboundConnector).filter((c) => c.name !== '');
    },

    async listAcceptedDomains() {
      const { value } = await client.invoke({ cmdletName: 'Get-AcceptedDomain', parameters: {} });
      return value.map((d) => toAcceptedDomain(d, opts.logger)).filter((d): d is AcceptedDomain => d !== undefined);
    },

    // Whether this cmdlet runs over InvokeCommand app-only is unverified (docs/exchange-online.md).
    async validateOutboundConnector(name, recipients): Promise<ValidationResult> {
      const identity = typeof name === 'string' ? name.trim() : '';
      if (!identity) throw new ExchangeError('invalid', 'Validate-OutboundConnector needs a connector and none was given; nothing was sent to Exchange.');
      if (!recipients.length) throw new ExchangeError('invalid', 'Validate-OutboundConnector needs at least one recipient; nothing was sent to Exchange.');
      const input: CmdletInput = { cmdletName: 'Validate-OutboundConnector', parameters: { Identity: identity, Recipients: [...recipients] } };
      const { value, errors, warnings } = await sendOnce.invoke(input, { objectKind: CONNECTOR, identity });
      return readValidation(value, [...errors, ...warnings]);
    },

    async setOutboundConnectorEnabled(name, enabled) {
      if (typeof enabled !== 'boolean') throw new ExchangeError('invalid', 'Enabled must be true or false.');
      const identity = typeof name === 'string' ? name.trim() : '';
      const input: CmdletInput = { cmdletName: 'Set-OutboundConnector', parameters: { Identity: identity, Enabled: enabled } };
      const { errors } = await client.invoke(input, { objectKind: CONNECTOR, identity });
      failIfNotMade(input.cmdletName, errors);
      return readBack(
        () => readConnector(identity),
        (c) => c.enabled === enabled,
      );
    },

    async setOutboundConnectorTlsDomain(name, tlsDomain) {
      if (tlsDomain !== null && (typeof tlsDomain !== 'string' || !TLS_DOMAIN.test(tlsDomain)))
        throw new ExchangeError('invalid', 'TlsDomain must be a domain name such as mail.contoso.com or *.contoso.com.');
      const identity = typeof name === 'string' ? name.trim() : '';
      const input: CmdletInput = { cmdletName: 'Set-OutboundConnector', parameters: { Identity: identity, TlsDomain: tlsDomain } };
      const { errors } = await client.invoke(input, { objectKind: CONNECTOR, identity });
      failIfNotMade(input.cmdletName, errors);
      return readBack(
        () => readConnector(identity),
        (c) => (c.tlsDomain ?? null)?.toLowerCase() === tlsDomain?.toLowerCase(),
      );
    },

    async setAcceptedDomainType(domainName, domainType) {
      if (!DOMAIN_TYPES.includes(domainType)) throw new ExchangeError('invalid', `DomainType must be one of ${DOMAIN_TYPES.join(', ')}.`);
      const wanted = typeof domainName === 'string' ? domainName.trim() : '';
      if (!wanted) throw new ExchangeError('invalid', 'Set-AcceptedDomain needs a domain to act on and none was given; nothing was sent to Exchange.');
      // Identity is the accepted domain's Name or GUID, and the Name need not be the domain name.
      const { value } = await client.invoke({ cmdletName: 'Get-AcceptedDomain', parameters: {} });
      const match = value.find((d) => sameName(str(d.DomainName), wanted));
      if (!match) throw notFound({ cmdletName: 'Get-AcceptedDomain', objectKind: DOMAIN, identity: wanted });
      const identity = str(match.Name) || str(match.Identity) || wanted;
      const input: CmdletInput = { cmdletName: 'Set-AcceptedDomain', parameters: { Identity: identity, DomainType: domainType } };
      const { errors } = await client.invoke(input, { objectKind: DOMAIN, identity: wanted });
      failIfNotMade(input.cmdletName, errors);
      return readBack(
        () => readDomain(identity, wanted),
        (d) => d.domainType === domainType,
      );
    },
  };
}

/** Get-OutboundConnector output → OutboundConnector. Multi-valued properties may come as arrays or strings. */
export function toOutboundConnector(raw: Record<string, unknown>): OutboundConnector {
  const tlsDomain = str(raw.TlsDomain);
  const connectorType = raw.ConnectorType === 'OnPremises' || raw.ConnectorType === 'Partner' ? raw.ConnectorType : undefined;
  return {
    name: str(raw.Name) || str(raw.Identity),
    enabled: bool(raw.Enabled, true),
    smartHosts: list(raw.SmartHosts),
    recipientDomains: list(raw.RecipientDomains),
    tlsSettings: tlsSettings(raw.TlsSettings),
    tlsDomain: tlsDomain || null,
    ...(connectorType ? { connectorType } : {}),
  };
}

/** Get-AcceptedDomain output → AcceptedDomain; undefined (and a warning) for a DomainType we do not know. */
export function toAcceptedDomain(raw: Record<string, unknown>, logger?: Logger): AcceptedDomain | undefined {
  const domainName = str(raw.DomainName) || str(raw.Name);
  const domainType = DOMAIN_TYPES.find((t) => t.toLowerCase() === str(raw.DomainType).toLowerCase());
  if (!domainName || !domainType) {
    logger?.warn('exchange-online: accepted domain skipped', { domainName, domainType: raw.DomainType });
    return undefined;
  }
  return { domainName, domainType, default: bool(raw.Default, false) };
}

function tlsSettings(raw: unknown): TlsSettings {
  const value = str(raw);
  return value === 'EncryptionOnly' || value === 'CertificateValidation' || value === 'DomainValidation' ? value : null;
}

function str(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
}

function bool(raw: unknown, fallback: boolean): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase() === 'true';
  return fallback;
}

function list(raw: unknown): string[] {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[,;]/) : [];
  return items.map(str).filter(Boolean);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** https, or http to the loopback for a local stand-in; no trailing slash. */
function checkedUrl(raw: string, name: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} "${raw}" is not a URL.`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new Error(`${name} must be an https URL.`);
  if (url.search || url.hash || url.username || url.password) throw new Error(`${name} must be a plain https URL without query or credentials.`);
  return url.toString().replace(/\/+$/, '');
}

export type { CmdletInput, DryRunDescription } from './invoke-command-client';
export { dryRunDescription } from './invoke-command-client';
export { readCertificateFile } from './exchange-token';
