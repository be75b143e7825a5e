import fs from 'node:fs';
import path from 'node:path';
import { durationVar, intVar } from './config-values';
import { microsoftVars } from './microsoft-config';

/** Bot Framework settings botbuilder reads itself; passed through untouched (tests point them at local servers). */
const BOT_FRAMEWORK_PASSTHROUGH = [
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'OAuthUrl',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'CallerId',
  'ChannelService',
  'CertificateThumbprint',
  'CertificatePrivateKey',
] as const;

export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
export type ExchangeBackendKind = 'simulated' | 'exchange-online';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  readonly port: number;
  /** Address to listen on: loopback in local mode (nothing authenticates there), every interface otherwise. */
  readonly host: string;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** Empty in local mode: no Bot Framework authentication, as with the Bot Framework Emulator. */
  readonly appId: string;
  readonly appPassword: string;
  readonly appType: AppType;
  readonly appTenantId: string;
  readonly localMode: boolean;
  /** Everything botbuilder's ConfigurationBotFrameworkAuthentication should see. */
  readonly botFrameworkAuth: Readonly<Record<string, string | undefined>>;
  readonly exchangeBackend: ExchangeBackendKind;
  /** Path of the JSON file the simulated tenant starts from; undefined = the built-in sample. */
  readonly exchangeSimState?: string;
  /** EXCHANGE_BACKEND=exchange-online: the app registration that runs the cmdlets. */
  readonly exchangeOnline?: {
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret?: string;
    readonly certPath?: string;
    readonly adminApiUrl: string;
    readonly authorityUrl: string;
  };
  /** Where state lives: one SQLite file in DATA_DIR, or Azure Blob Storage shared by several instances. */
  readonly storage: { readonly kind: 'sqlite' } | { readonly kind: 'azure-blob'; readonly connectionString: string; readonly container: string };
  /** REMEDIATION_DRY_RUN: show what would be called, call nothing. */
  readonly remediationDryRun: boolean;
  /** REMEDIATION_VERIFY_AFTER: when to re-run diagnostics after a fix and update its card. */
  readonly remediationVerifyAfterMs: number;
  /** ADMIN_USERS (older name REMEDIATION_ALLOWED_USERS): Entra object ids that may Fix now, Undo, subscribe, unsubscribe, acknowledge and mute. */
  readonly adminUsers: '*' | readonly string[];
  /** READER_USERS: Entra object ids that may read connectors, audit and subscriptions (admins may too). */
  readonly readerUsers: '*' | readonly string[];
  /** ALLOWED_TENANTS: Entra tenant ids whose activities are served; anything else is refused before any handler. */
  readonly allowedTenants: '*' | readonly string[];
  /** How long an invoke may work before it answers with a "working" card and finishes in the background. */
  readonly invokeDeadlineMs: number;
  /** Largest request body /api/messages accepts. */
  readonly maxMessageBytes: number;
  /** Serve the playground page at GET / (local mode by default; PLAYGROUND=true|false decides). */
  readonly playground: boolean;
  /**
   * ALLOWED_HOSTS: Host names (besides localhost, 127.0.0.1 and [::1]) that the unauthenticated routes answer
   * to: everything in local mode, the playground otherwise. Any other Host is a DNS rebinding attempt (421).
   */
  readonly allowedHosts: readonly string[];
  /** POST /api/alerts: empty token = loopback senders only. */
  readonly alerts: { readonly token: string; readonly groupWindowMs: number; readonly maxBodyBytes: number };
  /**
   * The watch (WATCH=off turns it off): every `intervalMs` one instance reads the tenant's pending mail and
   * posts a card for each destination with mail older than `minAgeMs`, and Microsoft's new incidents.
   */
  readonly watch: { readonly enabled: boolean; readonly intervalMs: number; readonly minAgeMs: number; readonly connectorIntervalMs: number };
  /**
   * Microsoft's signals over the Exchange backend's app registration (EXCHANGE_BACKEND=exchange-online):
   * Graph for the message trace and service health, the Management Activity API for alert policies.
   */
  readonly microsoft: {
    readonly graphApiUrl: string;
    readonly managementApiUrl: string;
    /** M365_ENDPOINTS_URL: the Microsoft 365 IP address and URL web service, for `allowlist`. */
    readonly endpointsUrl: string;
    /** MICROSOFT_ALERTS_AUTH_ID: the Webhook-AuthID notifications must carry; empty = the route accepts none. */
    readonly alertsAuthId: string;
    /** MICROSOFT_ALERTS_WEBHOOK_URL: the public address of POST /api/alerts/microsoft, for the subscription. */
    readonly alertsWebhookUrl: string;
    /** MICROSOFT_ALERTS_SUBSCRIBE=true: start the Management API subscription at start-up. */
    readonly subscribeAtStart: boolean;
  };
  /** Live diagnostics (diagnose <host>, Run diagnostics). */
  readonly probe: {
    readonly timeoutMs: number;
    readonly ports: '*' | readonly number[];
    readonly allowPrivate: boolean;
    /** PEM certificates trusted besides Node's roots: the NODE_EXTRA_CA_CERTS file, read at start. */
    readonly trustedCa: readonly string[];
    readonly perUserPerMinute: number;
    readonly overallPerMinute: number;
    /** DNS_CHECK_NAME: a name that must resolve; when a target does not, this tells "your DNS" from "the bot's DNS". */
    readonly dnsCheckName: string;
  };
}

export class ConfigError extends Error {
  readonly code = 'bad_config';
  constructor(readonly problems: string[]) {
    super(`Mail Flow Doctor cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A DNS name or IPv4 address as it appears in a Host header (no port): labels of letters, digits and hyphens. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads and validates the environment once; throws one ConfigError that lists every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const str = (name: string) => (env[name] ?? '').trim();

  const port = intVar(str('PORT'), 3978, 0, 65535, 'PORT', problems);
  const invokeDeadlineMs = intVar(str('INVOKE_DEADLINE_MS'), 4000, 100, 14000, 'INVOKE_DEADLINE_MS', problems);
  const maxMessageBytes = intVar(str('MAX_MESSAGE_BYTES'), 4 * 1024 * 1024, 1024, 64 * 1024 * 1024, 'MAX_MESSAGE_BYTES', problems);

  const probeTimeoutMs = intVar(str('PROBE_TIMEOUT_MS'), 10000, 100, 120000, 'PROBE_TIMEOUT_MS', problems);
  const probePerUser = intVar(str('PROBE_LIMIT_PER_USER'), 6, 1, 1000, 'PROBE_LIMIT_PER_USER', problems);
  const probeOverall = intVar(str('PROBE_LIMIT_OVERALL'), 30, 1, 10000, 'PROBE_LIMIT_OVERALL', problems);
  let probePorts: '*' | number[] = [25, 465, 587, 2525];
  if (str('PROBE_PORTS') === '*') probePorts = '*';
  else if (str('PROBE_PORTS')) {
    const parts = str('PROBE_PORTS')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const ports = parts.map(Number);
    if (!ports.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      problems.push(`PROBE_PORTS is "${str('PROBE_PORTS')}"; use comma-separated ports (e.g. 25,465,587,2525) or * for any.`);
    } else probePorts = ports;
  }
  const allowPrivateRaw = str('PROBE_ALLOW_PRIVATE').toLowerCase();
  if (allowPrivateRaw && !['true', 'false', '1', '0', 'yes', 'no'].includes(allowPrivateRaw)) {
    problems.push(`PROBE_ALLOW_PRIVATE is "${allowPrivateRaw}"; use true or false.`);
  }
  const dnsCheckName = (str('DNS_CHECK_NAME') || 'outlook.com').toLowerCase().replace(/\.$/, '');
  if (!HOST_NAME.test(dnsCheckName) || !dnsCheckName.includes('.')) {
    problems.push(`DNS_CHECK_NAME is "${str('DNS_CHECK_NAME')}"; use a DNS name that always resolves, e.g. outlook.com.`);
  }
  const trustedCa: string[] = [];
  if (str('NODE_EXTRA_CA_CERTS')) {
    try {
      const pem = fs.readFileSync(path.resolve(cwd, str('NODE_EXTRA_CA_CERTS')), 'utf8');
      trustedCa.push(...(pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []));
      if (!trustedCa.length) problems.push('NODE_EXTRA_CA_CERTS names a file with no PEM certificate in it.');
    } catch {
      problems.push(`NODE_EXTRA_CA_CERTS names ${str('NODE_EXTRA_CA_CERTS')}, which cannot be read.`);
    }
  }

  const alertToken = str('ALERT_WEBHOOK_TOKEN');
  if (alertToken && alertToken.length < 16)
    problems.push('ALERT_WEBHOOK_TOKEN is shorter than 16 characters; use a long random value (e.g. openssl rand -hex 32).');
  const groupWindowMs = durationVar(str('ALERT_GROUP_WINDOW'), 30 * 60_000, 'ALERT_GROUP_WINDOW', problems);

  const logLevel = (str('LOG_LEVEL') || 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    problems.push(`LOG_LEVEL is "${logLevel}"; use one of debug, info, warn, error.`);
  }

  const appId = str('MicrosoftAppId');
  const appPassword = str('MicrosoftAppPassword');
  const appTenantId = str('MicrosoftAppTenantId');
  const appTypeRaw = str('MicrosoftAppType') || 'MultiTenant';
  const appType = (['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const).find((t) => t.toLowerCase() === appTypeRaw.toLowerCase());
  if (!appType) problems.push(`MicrosoftAppType is "${appTypeRaw}"; use MultiTenant, SingleTenant or UserAssignedMSI.`);
  if (appId) {
    if (!GUID.test(appId))
      problems.push('MicrosoftAppId is not a GUID. To resolve, copy the Microsoft App ID of the Azure Bot registration, or unset it for local mode.');
    const certificate = str('CertificateThumbprint') && str('CertificatePrivateKey');
    if (appType === 'UserAssignedMSI') {
      if (appPassword) problems.push('MicrosoftAppPassword must not be set when MicrosoftAppType is UserAssignedMSI.');
    } else if (!appPassword && !certificate) {
      problems.push(
        'MicrosoftAppPassword is missing while MicrosoftAppId is set. To resolve, set MicrosoftAppPassword or unset MicrosoftAppId for local mode.',
      );
    }
    if ((appType === 'SingleTenant' || appType === 'UserAssignedMSI') && !appTenantId) {
      problems.push(`MicrosoftAppTenantId is required when MicrosoftAppType is ${appType}.`);
    }
  } else if (appPassword) {
    problems.push('MicrosoftAppPassword is set but MicrosoftAppId is empty. To resolve, set MicrosoftAppId, or unset MicrosoftAppPassword for local mode.');
  }
  const localMode = !appId;

  const playgroundRaw = str('PLAYGROUND').toLowerCase();
  if (playgroundRaw && !['true', 'false', '1', '0', 'yes', 'no'].includes(playgroundRaw)) {
    problems.push(`PLAYGROUND is "${playgroundRaw}"; use true or false (empty = on in local mode only).`);
  }
  const playground = playgroundRaw ? ['true', '1', 'yes'].includes(playgroundRaw) : localMode;
  const allowedHosts = str('ALLOWED_HOSTS')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const badHosts = allowedHosts.filter((h) => !HOST_NAME.test(h) && !/^\[[0-9a-f:.]+\]$/.test(h));
  if (badHosts.length)
    problems.push(
      `ALLOWED_HOSTS has entries that are not host names: ${badHosts.slice(0, 5).join(', ')}. List names or addresses without scheme or port, e.g. ALLOWED_HOSTS=devbox.contoso.com,192.0.2.10,[2001:db8::1].`,
    );

  const botFrameworkAuth: Record<string, string | undefined> = {
    MicrosoftAppId: appId || undefined,
    MicrosoftAppPassword: appPassword || undefined,
    MicrosoftAppType: appType ?? 'MultiTenant',
    MicrosoftAppTenantId: appTenantId || undefined,
  };
  for (const name of BOT_FRAMEWORK_PASSTHROUGH) if (str(name)) botFrameworkAuth[name] = str(name);

  const backendRaw = (str('EXCHANGE_BACKEND') || 'simulated').toLowerCase();
  if (backendRaw !== 'simulated' && backendRaw !== 'exchange-online') {
    problems.push(`EXCHANGE_BACKEND is "${backendRaw}"; use simulated or exchange-online.`);
  }
  let exchangeOnline: Config['exchangeOnline'];
  const dangerous = ['true', '1', 'yes'].includes(str('DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMEDIATION').toLowerCase());
  if (backendRaw === 'exchange-online' && !appId && !dangerous) {
    problems.push(
      'EXCHANGE_BACKEND=exchange-online needs MicrosoftAppId: in local mode nothing is authenticated, so anyone who can reach the bot could change the real tenant as any user. Set the Bot Framework credentials, or (for a private test setup only) DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMEDIATION=true.',
    );
  }
  if (backendRaw === 'exchange-online') {
    const tenantId = str('EXCHANGE_TENANT_ID');
    const clientId = str('EXCHANGE_CLIENT_ID');
    const clientSecret = str('EXCHANGE_CLIENT_SECRET');
    const certPath = str('EXCHANGE_CERT_PATH') ? path.resolve(cwd, str('EXCHANGE_CERT_PATH')) : '';
    if (!tenantId)
      problems.push('EXCHANGE_TENANT_ID is missing while EXCHANGE_BACKEND=exchange-online. Set it to the tenant id (GUID) of the Microsoft 365 organization.');
    else if (!GUID.test(tenantId) && !/^[a-z0-9-]+\.onmicrosoft\.com$/i.test(tenantId))
      problems.push('EXCHANGE_TENANT_ID must be the tenant GUID or its .onmicrosoft.com name.');
    if (!clientId)
      problems.push('EXCHANGE_CLIENT_ID is missing while EXCHANGE_BACKEND=exchange-online. Set it to the application (client) id of the app registration.');
    else if (!GUID.test(clientId)) problems.push('EXCHANGE_CLIENT_ID is not a GUID; copy the Application (client) ID of the app registration.');
    if (!clientSecret && !certPath)
      problems.push(
        'Set EXCHANGE_CLIENT_SECRET or EXCHANGE_CERT_PATH (a PEM file with the certificate and its private key) for EXCHANGE_BACKEND=exchange-online.',
      );
    if (clientSecret && certPath) problems.push('Set only one of EXCHANGE_CLIENT_SECRET and EXCHANGE_CERT_PATH.');
    if (certPath && !fs.existsSync(certPath)) problems.push(`EXCHANGE_CERT_PATH names ${certPath}, which does not exist.`);
    const url = (name: string, fallback: string) => {
      const value = (str(name) || fallback).replace(/\/+$/, '');
      let ok = false;
      try {
        const u = new URL(value);
        ok = u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
      } catch {
        ok = false;
      }
      if (!ok) problems.push(`${name} is "${value}"; use an https:// address (http only for localhost).`);
      return value;
    };
    exchangeOnline = {
      tenantId,
      clientId,
      clientSecret: clientSecret || undefined,
      certPath: certPath || undefined,
      adminApiUrl: url('EXCHANGE_ADMIN_API_URL', 'https://outlook.office365.com'),
      authorityUrl: url('EXCHANGE_AUTHORITY_URL', 'https://login.microsoftonline.com'),
    };
  } else {
    for (const name of ['EXCHANGE_TENANT_ID', 'EXCHANGE_CLIENT_ID', 'EXCHANGE_CLIENT_SECRET', 'EXCHANGE_CERT_PATH']) {
      if (str(name)) problems.push(`${name} is set but EXCHANGE_BACKEND is "${backendRaw}"; set EXCHANGE_BACKEND=exchange-online to use it, or unset it.`);
    }
  }
  const storageRaw = (str('STORAGE') || 'sqlite').toLowerCase();
  let storage: Config['storage'] = { kind: 'sqlite' };
  if (storageRaw === 'azure-blob') {
    const connectionString = str('AZURE_STORAGE_CONNECTION_STRING');
    const container = str('AZURE_STORAGE_CONTAINER') || 'mail-flow-doctor';
    if (!connectionString)
      problems.push("AZURE_STORAGE_CONNECTION_STRING is missing while STORAGE=azure-blob. Copy it from the storage account's Access keys.");
    else if (!/(^|;)(AccountName=|BlobEndpoint=|UseDevelopmentStorage=true)/i.test(connectionString))
      problems.push('AZURE_STORAGE_CONNECTION_STRING does not look like a storage connection string (no AccountName= or BlobEndpoint=).');
    if (!/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(container))
      problems.push(`AZURE_STORAGE_CONTAINER "${container}" is not a valid container name: 3-63 lowercase letters, digits and single hyphens.`);
    storage = { kind: 'azure-blob', connectionString, container };
  } else if (storageRaw !== 'sqlite') {
    problems.push(`STORAGE is "${storageRaw}"; use sqlite or azure-blob.`);
  }
  const dryRunRaw = str('REMEDIATION_DRY_RUN').toLowerCase();
  if (dryRunRaw && !['true', 'false', '1', '0', 'yes', 'no'].includes(dryRunRaw)) problems.push(`REMEDIATION_DRY_RUN is "${dryRunRaw}"; use true or false.`);
  const verifyAfterMs = durationVar(str('REMEDIATION_VERIFY_AFTER'), 60 * 60_000, 'REMEDIATION_VERIFY_AFTER', problems);

  const watchRaw = (str('WATCH') || 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'].includes(watchRaw)) problems.push(`WATCH is "${watchRaw}"; use on or off.`);
  const watchIntervalMs = durationVar(str('WATCH_INTERVAL'), 5 * 60_000, 'WATCH_INTERVAL', problems);
  if (watchIntervalMs < 1000) problems.push('WATCH_INTERVAL must be at least 1s.');
  const watchMinAgeMs = durationVar(str('WATCH_MIN_AGE'), 15 * 60_000, 'WATCH_MIN_AGE', problems);
  const connectorIntervalMs = durationVar(str('CONNECTOR_WATCH_INTERVAL'), 15 * 60_000, 'CONNECTOR_WATCH_INTERVAL', problems);
  if (connectorIntervalMs < 1000) problems.push('CONNECTOR_WATCH_INTERVAL must be at least 1s.');

  const microsoft = microsoftVars(str, backendRaw, problems);

  let exchangeSimState: string | undefined;
  if (str('EXCHANGE_SIM_STATE')) {
    exchangeSimState = path.resolve(cwd, str('EXCHANGE_SIM_STATE'));
    if (!fs.existsSync(exchangeSimState)) problems.push(`EXCHANGE_SIM_STATE names ${exchangeSimState}, which does not exist.`);
  }

  // Roles by Entra object id. Local mode (nothing authenticated) lets everyone do everything, as a playground must.
  const adminRaw =
    env.ADMIN_USERS !== undefined && env.ADMIN_USERS !== ''
      ? { name: 'ADMIN_USERS', value: env.ADMIN_USERS }
      : { name: 'REMEDIATION_ALLOWED_USERS', value: env.REMEDIATION_ALLOWED_USERS };
  const adminUsers = idList(adminRaw.value, adminRaw.name, localMode ? '*' : [], 'AAD object ids (GUIDs)', problems);
  const readerUsers = idList(env.READER_USERS, 'READER_USERS', localMode ? '*' : [], 'AAD object ids (GUIDs)', problems);
  // Tenants: a single-tenant app serves its own tenant by default; a multi-tenant one must say which.
  const ownTenant = appType === 'SingleTenant' || appType === 'UserAssignedMSI' ? appTenantId : '';
  const allowedTenants = idList(
    env.ALLOWED_TENANTS,
    'ALLOWED_TENANTS',
    localMode ? '*' : ownTenant ? [ownTenant.toLowerCase()] : [],
    'tenant ids (GUIDs)',
    problems,
  );
  if (!localMode && ownTenant && !GUID.test(ownTenant) && !(env.ALLOWED_TENANTS ?? '').trim()) {
    problems.push(
      `MicrosoftAppTenantId "${ownTenant}" is a name, and Teams names tenants by id: set ALLOWED_TENANTS to the tenant id (GUID) from the Entra admin center's Overview.`,
    );
  }
  if (!localMode && appType === 'MultiTenant' && Array.isArray(allowedTenants) && !allowedTenants.length && !(env.ALLOWED_TENANTS ?? '').trim()) {
    problems.push(
      'ALLOWED_TENANTS is missing while MicrosoftAppType is MultiTenant: any Microsoft 365 organization could talk to the bot. Set it to your tenant id (GUID), several separated by commas, or * to serve every tenant.',
    );
  }

  if (problems.length) throw new ConfigError(problems);
  const host = str('HOST') || (appId ? '0.0.0.0' : '127.0.0.1');
  return Object.freeze({
    port,
    host,
    dataDir: path.resolve(cwd, str('DATA_DIR') || './data'),
    logLevel: logLevel as LogLevel,
    appId,
    appPassword,
    appType: appType!,
    appTenantId,
    localMode,
    botFrameworkAuth: Object.freeze(botFrameworkAuth),
    exchangeBackend: backendRaw === 'exchange-online' ? 'exchange-online' : 'simulated',
    exchangeSimState,
    exchangeOnline: exchangeOnline && Object.freeze(exchangeOnline),
    storage: Object.freeze(storage),
    remediationDryRun: ['true', '1', 'yes'].includes(dryRunRaw),
    remediationVerifyAfterMs: verifyAfterMs,
    adminUsers,
    readerUsers,
    allowedTenants,
    invokeDeadlineMs,
    maxMessageBytes,
    playground,
    allowedHosts: Object.freeze(allowedHosts),
    alerts: Object.freeze({ token: alertToken, groupWindowMs, maxBodyBytes: 1024 * 1024 }),
    microsoft: Object.freeze(microsoft),
    watch: Object.freeze({
      enabled: !['off', 'false', '0', 'no'].includes(watchRaw),
      intervalMs: watchIntervalMs,
      minAgeMs: watchMinAgeMs,
      connectorIntervalMs,
    }),
    probe: Object.freeze({
      timeoutMs: probeTimeoutMs,
      ports: probePorts === '*' ? '*' : Object.freeze(probePorts),
      allowPrivate: ['true', '1', 'yes'].includes(allowPrivateRaw),
      trustedCa: Object.freeze(trustedCa),
      perUserPerMinute: probePerUser,
      overallPerMinute: probeOverall,
      dnsCheckName,
    }),
  });
}

/** A comma-separated list of GUIDs, or `*` for everyone; `fallback` when the variable is unset or empty. */
function idList(raw: string | undefined, name: string, fallback: '*' | string[], what: string, problems: string[]): '*' | readonly string[] {
  if (raw === undefined || raw.trim() === '') return fallback === '*' ? '*' : Object.freeze(fallback);
  if (raw.trim() === '*') return '*';
  const ids = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const bad = ids.filter((id) => !GUID.test(id));
  if (bad.length) problems.push(`${name} has entries that are not ${what}: ${bad.slice(0, 5).join(', ')}. Use comma-separated ids, or * for everyone.`);
  return Object.freeze(ids);
}

export { startupWarnings } from './startup-warnings';
