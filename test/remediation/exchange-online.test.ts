import { cmdletFor } from '../../src/remediation/kinds';
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../src/log/logger';
import { ExchangeError } from '../../src/remediation/backends/exchange-backend';
import { createExchangeOnlineBackend, dryRunDescription, type ExchangeOnlineOptions } from '../../src/remediation/backends/exchange-online';
import { readCertificateFile } from '../../src/remediation/backends/exchange-token';
import { startExchangeOnlineStandIn, type RawConnector, type RawDomain, type StandInOptions } from '../support/exchange-online-stand-in';

const TENANT = '7d1b3f5e-2c4a-4e8b-9f10-1a2b3c4d5e6f';
const CLIENT = 'c0ffee00-1111-4222-8333-444455556666';
const SECRET = 'Zq8~never.in.chat-0123456789abcdef';
const ANCHOR = `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${TENANT}`;

const CONNECTORS: RawConnector[] = [
  {
    Name: 'Outbound to Contoso on-premises',
    Identity: 'Outbound to Contoso on-premises',
    Guid: '0d5a3c1e-0000-4000-8000-000000000001',
    Enabled: true,
    ConnectorType: 'OnPremises',
    UseMXRecord: false,
    SmartHosts: ['mail.contoso.com', '203.0.113.5'],
    RecipientDomains: ['contoso.com'],
    TlsSettings: 'CertificateValidation',
    TlsDomain: null,
  },
  {
    Name: 'Partner Fabrikam (TLS required)',
    Enabled: true,
    ConnectorType: 'Partner',
    SmartHosts: ['smtp.fabrikam.com'],
    RecipientDomains: ['fabrikam.com', '*.fabrikam.com'],
    TlsSettings: 'DomainValidation',
    TlsDomain: 'smtp.fabrikam.com',
  },
  { Name: "O'Brien relay", Enabled: false, ConnectorType: 'Partner', SmartHosts: ['198.51.100.0/24'], RecipientDomains: [], TlsSettings: null },
];

const DOMAINS: RawDomain[] = [
  // The Name is what Identity takes, and it need not be the domain name (Set-AcceptedDomain -Identity Contoso)
  { Name: 'Contoso', DomainName: 'contoso.com', DomainType: 'InternalRelay', Default: true },
  { Name: 'contoso.onmicrosoft.com', DomainName: 'contoso.onmicrosoft.com', DomainType: 'Authoritative', Default: false },
  { Name: 'fabrikam.com', DomainName: 'fabrikam.com', DomainType: 'Authoritative', Default: false },
];

type StandIn = Awaited<ReturnType<typeof startExchangeOnlineStandIn>>;
let standIn: StandIn;
let sleeps: number[];

async function start(extra: Partial<StandInOptions> = {}) {
  standIn = await startExchangeOnlineStandIn({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, connectors: CONNECTORS, domains: DOMAINS, ...extra });
}

function backend(extra: Partial<ExchangeOnlineOptions> = {}) {
  return createExchangeOnlineBackend({
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: SECRET,
    adminApiUrl: standIn.adminApiUrl,
    authorityUrl: standIn.authorityUrl,
    trustedCa: [standIn.ca],
    sleep: async (ms) => void sleeps.push(ms),
    ...extra,
  });
}

/** The refusal a call ends in, checked for what chat must never see. */
async function refusal(call: Promise<unknown>): Promise<ExchangeError> {
  const err = await call.then(
    () => {
      throw new Error('expected Exchange to refuse');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExchangeError);
  const message = (err as ExchangeError).message;
  for (const secret of [SECRET, ...standIn.issuedTokens()]) expect(message).not.toContain(secret);
  expect(message).not.toMatch(/\n|\bat \S+ \(|Bearer \S/);
  return err as ExchangeError;
}

const header = (i: number, name: string) => standIn.invocations[i].headers[name.toLowerCase()];

beforeEach(async () => {
  sleeps = [];
  await start();
});

afterEach(async () => {
  vi.useRealTimers();
  await standIn.close();
});

describe('reading the tenant', () => {
  it('lists outbound connectors across pages, in our shape, with the headers the admin API expects', async () => {
    const connectors = await backend().listOutboundConnectors();

    expect(connectors).toEqual([
      {
        name: 'Outbound to Contoso on-premises',
        enabled: true,
        smartHosts: ['mail.contoso.com', '203.0.113.5'],
        recipientDomains: ['contoso.com'],
        tlsSettings: 'CertificateValidation',
        tlsDomain: null,
        connectorType: 'OnPremises',
      },
      {
        name: 'Partner Fabrikam (TLS required)',
        enabled: true,
        smartHosts: ['smtp.fabrikam.com'],
        recipientDomains: ['fabrikam.com', '*.fabrikam.com'],
        tlsSettings: 'DomainValidation',
        tlsDomain: 'smtp.fabrikam.com',
        connectorType: 'Partner',
      },
      {
        name: "O'Brien relay",
        enabled: false,
        smartHosts: ['198.51.100.0/24'],
        recipientDomains: [],
        tlsSettings: null,
        tlsDomain: null,
        connectorType: 'Partner',
      },
    ]);
    // two items a page: the second page is the same body POSTed to @odata.nextLink
    expect(standIn.invocations.map((c) => c.path)).toEqual([`/adminapi/beta/${TENANT}/InvokeCommand`, `/adminapi/beta/${TENANT}/InvokeCommand?$skiptoken=2`]);
    for (const call of standIn.invocations) {
      expect(call.rawBody).toBe('{"CmdletInput":{"CmdletName":"Get-OutboundConnector","Parameters":{}}}');
    }
    expect(header(0, 'Authorization')).toBe(`Bearer ${standIn.tokenRequests[0].issued}`);
    expect(header(0, 'X-AnchorMailbox')).toBe(ANCHOR);
    expect(header(0, 'X-ResponseFormat')).toBe('json');
    expect(header(0, 'X-ClientApplication')).toBe('ExoManagementModule');
    expect(header(0, 'X-CmdletName')).toBe('Get-OutboundConnector');
    expect(header(0, 'Prefer')).toBe('odata.maxpagesize=1000');
    expect(header(0, 'Content-Type')).toBe('application/json; charset=utf-8');
    expect(header(0, 'client-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(standIn.tokenRequests).toEqual([
      {
        tenant: TENANT,
        clientId: CLIENT,
        scope: `${standIn.adminApiUrl}/.default`,
        grantType: 'client_credentials',
        credential: 'secret',
        issued: expect.any(String),
      },
    ]);
  });

  it('lists accepted domains across pages', async () => {
    expect(await backend().listAcceptedDomains()).toEqual([
      { domainName: 'contoso.com', domainType: 'InternalRelay', default: true },
      { domainName: 'contoso.onmicrosoft.com', domainType: 'Authoritative', default: false },
      { domainName: 'fabrikam.com', domainType: 'Authoritative', default: false },
    ]);
    expect(standIn.invocations).toHaveLength(2);
  });

  it('works through Node\'s own fetch too, and reads a 403 of NUL bytes declared gzip as "not allowed"', async () => {
    await standIn.close();
    await start({ adminApiOverHttp: true });
    const exo = backend({ fetch: globalThis.fetch });
    expect(await exo.listOutboundConnectors()).toHaveLength(3);

    standIn.answerNext('Get-AcceptedDomain', { status: 403, rawBody: Buffer.alloc(32), headers: { 'content-encoding': 'gzip' } });
    const err = await refusal(exo.listAcceptedDomains());
    expect(err.code).toBe('forbidden');
    expect(err.message).toBe(
      'The app is not allowed to run Get-AcceptedDomain: give it the Exchange.ManageAsApp permission and an Exchange role such as Exchange Administrator.',
    );
  });

  it('does not follow a next page on another host, so the token stays with Exchange', async () => {
    standIn.answerNext('Get-OutboundConnector', {
      status: 200,
      body: { value: [CONNECTORS[0]], '@odata.nextLink': 'https://collector.example/adminapi/beta/x/InvokeCommand?$skiptoken=1' },
    });
    const err = await refusal(backend().listOutboundConnectors());
    expect(err.code).toBe('invalid');
    expect(err.message).toBe('Exchange answered Get-OutboundConnector with a next page on another host; it was not followed.');
    expect(standIn.invocations).toHaveLength(1);
  });
});

describe('changing the tenant', () => {
  it('disables and re-enables a connector and answers with the connector as Exchange now shows it', async () => {
    const exo = backend();
    const off = await exo.setOutboundConnectorEnabled('Outbound to Contoso on-premises', false);
    expect(off).toMatchObject({ name: 'Outbound to Contoso on-premises', enabled: false, smartHosts: ['mail.contoso.com', '203.0.113.5'] });
    expect(standIn.connectors[0].Enabled).toBe(false);
    expect(standIn.invocations.map((c) => c.rawBody)).toEqual([
      '{"CmdletInput":{"CmdletName":"Set-OutboundConnector","Parameters":{"Identity":"Outbound to Contoso on-premises","Enabled":false}}}',
      '{"CmdletInput":{"CmdletName":"Get-OutboundConnector","Parameters":{"Identity":"Outbound to Contoso on-premises"}}}',
    ]);

    const on = await exo.setOutboundConnectorEnabled('outbound to contoso ON-PREMISES', true);
    expect(on.enabled).toBe(true);
    expect(standIn.connectors[0].Enabled).toBe(true);
    expect(standIn.tokenRequests).toHaveLength(1); // one token for all four calls
  });

  it('reads again when Exchange still shows the old value just after the change', async () => {
    const exo = backend();
    standIn.answerNext('Get-OutboundConnector', { status: 200, body: { value: [CONNECTORS[0]] } }); // not replicated yet
    const off = await exo.setOutboundConnectorEnabled('Outbound to Contoso on-premises', false);
    expect(off.enabled).toBe(false);
    expect(sleeps).toEqual([2000]);
  });

  it('switches an accepted domain to Authoritative, naming it by its Name as Identity', async () => {
    const domain = await backend().setAcceptedDomainType('Contoso.com', 'Authoritative');
    expect(domain).toEqual({ domainName: 'contoso.com', domainType: 'Authoritative', default: true });
    expect(standIn.domains[0].DomainType).toBe('Authoritative');
    expect(standIn.invocations.map((c) => [c.cmdletName, c.parameters])).toEqual([
      ['Get-AcceptedDomain', {}],
      ['Get-AcceptedDomain', {}], // second page
      ['Set-AcceptedDomain', { Identity: 'Contoso', DomainType: 'Authoritative' }],
      ['Get-AcceptedDomain', { Identity: 'Contoso' }],
    ]);
  });

  it("passes on Exchange's own words when it refuses a value", async () => {
    const err = await refusal(backend().setAcceptedDomainType('contoso.com', 'ExternalRelay'));
    expect(err.code).toBe('invalid');
    expect(err.message).toBe('Exchange refused Set-AcceptedDomain: ExternalRelay accepted domains are available only in on-premises Exchange organizations.');
    expect(standIn.domains[0].DomainType).toBe('InternalRelay');
  });

  it('says which connector or domain was not found', async () => {
    const exo = backend();
    const connector = await refusal(exo.setOutboundConnectorEnabled('Nope', false));
    expect(connector.code).toBe('not_found');
    expect(connector.message).toBe('The outbound connector "Nope" was not found.');

    const domain = await refusal(exo.setAcceptedDomainType('nope.example', 'Authoritative'));
    expect(domain.code).toBe('not_found');
    expect(domain.message).toBe('The accepted domain "nope.example" was not found.');
    expect(standIn.invocations.filter((c) => c.cmdletName === 'Set-AcceptedDomain')).toEqual([]);
  });

  it('refuses an empty name before any token or HTTP call: Get- with an empty Identity returns every object', async () => {
    const exo = backend();
    const connector = await refusal(exo.setOutboundConnectorEnabled('   ', false));
    expect(connector.code).toBe('invalid');
    expect(connector.message).toBe('Set-OutboundConnector needs a name to act on and none was given; nothing was sent to Exchange.');
    expect((await refusal(exo.setAcceptedDomainType('', 'Authoritative'))).code).toBe('invalid');
    expect(() => exo.describeCall('Get-OutboundConnector', { Identity: '' })).toThrow(ExchangeError);
    expect(standIn.tokenRequests).toEqual([]);
    expect(standIn.invocations).toEqual([]);
  });

  it('treats non-terminating cmdlet errors in a 200 answer as not done', async () => {
    standIn.answerNext('Set-OutboundConnector', {
      status: 200,
      body: { value: [], '@adminapi.errors': [{ message: 'The connector is locked by a policy.' }] },
    });
    const err = await refusal(backend().setOutboundConnectorEnabled('Outbound to Contoso on-premises', false));
    expect(err).toMatchObject({ code: 'invalid', message: 'Exchange did not complete Set-OutboundConnector: The connector is locked by a policy.' });
  });
});

describe('when Exchange or Entra ID says no', () => {
  it('tells the admin which permission and role the app lacks, after trying a fresh token once', async () => {
    standIn.forbid('Set-OutboundConnector');
    const err = await refusal(backend().setOutboundConnectorEnabled('Outbound to Contoso on-premises', false));
    expect(err.code).toBe('forbidden');
    expect(err.message).toBe(
      'The app is not allowed to run Set-OutboundConnector: give it the Exchange.ManageAsApp permission and an Exchange role such as Exchange Administrator. Exchange said: "User is not allowed to call Set-OutboundConnector"',
    );
    expect(standIn.tokenRequests).toHaveLength(2);
    expect(standIn.connectors[0].Enabled).toBe(true);
  });

  it('replaces a token Exchange no longer accepts, once, and carries on', async () => {
    const exo = backend();
    await exo.listAcceptedDomains();
    standIn.revokeTokens();
    expect(await exo.listOutboundConnectors()).toHaveLength(3);
    expect(standIn.tokenRequests).toHaveLength(2);
  });

  it('says Entra ID refused the sign-in when the secret is wrong, without showing it', async () => {
    const err = await refusal(backend({ clientSecret: 'wrong-secret-value-42' }).listOutboundConnectors());
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(
      /^Microsoft Entra ID refused the app's sign-in \(AADSTS7000215: Invalid client secret provided\.[^)]*\)\. Check EXCHANGE_TENANT_ID, EXCHANGE_CLIENT_ID and the client secret or certificate\.$/,
    );
    expect(err.message).not.toContain('wrong-secret-value-42');
    expect(err.message).not.toContain('Trace ID');
    expect(standIn.invocations).toEqual([]);
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    standIn.answerNext('Get-OutboundConnector', {
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { code: 'TooManyRequests', message: 'Too many requests' } },
    });
    expect(await backend().listOutboundConnectors()).toHaveLength(3);
    expect(sleeps).toEqual([7000]);
  });

  it('does not hold a request for a Retry-After longer than a minute', async () => {
    standIn.answerNext('Get-OutboundConnector', { status: 429, headers: { 'retry-after': '3600' } });
    const err = await refusal(backend().listOutboundConnectors());
    expect(err).toMatchObject({
      code: 'unavailable',
      message: 'Exchange Online is throttling requests and asked to wait 3600 seconds before Get-OutboundConnector. Try again after that.',
    });
    expect(sleeps).toEqual([]);
  });

  it('gives up on 503 after the retries with backoff, and says a change may or may not have been made', async () => {
    standIn.answerNext('*', { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'Service Unavailable' } } }, 10);
    const err = await refusal(backend().setOutboundConnectorEnabled('Outbound to Contoso on-premises', false));
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe(
      'Exchange Online did not complete Set-OutboundConnector after 5 attempts (last: HTTP 503). Try again in a few minutes. The change may or may not have been made: check the current setting first.',
    );
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(standIn.invocations).toHaveLength(5);
  });

  it('honours maxRetries', async () => {
    standIn.answerNext('*', { status: 500 }, 10);
    const err = await refusal(backend({ maxRetries: 1 }).listAcceptedDomains());
    expect(err.message).toBe('Exchange Online did not complete Get-AcceptedDomain after 2 attempts (last: HTTP 500). Try again in a few minutes.');
  });

  it('reports a refused connection as unavailable', async () => {
    const exo = backend();
    await exo.listAcceptedDomains();
    await standIn.closeAdminApi();
    const err = await refusal(exo.listOutboundConnectors());
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe('Exchange Online did not complete Get-OutboundConnector after 5 attempts (last: ECONNREFUSED). Try again in a few minutes.');
  });

  it('gives up on a service that does not answer within the request timeout', async () => {
    standIn.answerNext('*', { status: 200, body: { value: [] }, delayMs: 5000 }, 2);
    const err = await refusal(backend({ requestTimeoutMs: 150, maxRetries: 1 }).listOutboundConnectors());
    expect(err).toMatchObject({
      code: 'unavailable',
      message: 'Exchange Online did not complete Get-OutboundConnector after 2 attempts (last: no answer within 0.15 s). Try again in a few minutes.',
    });
  });

  it('keeps tokens and the secret out of the log', async () => {
    const logger = memoryLogger();
    const exo = backend({ logger });
    standIn.answerNext('*', { status: 503 }, 2);
    standIn.forbid('Set-AcceptedDomain');
    await exo.listOutboundConnectors();
    await exo.setAcceptedDomainType('contoso.com', 'Authoritative').catch(() => {});
    await backend({ logger, clientSecret: 'another-wrong-secret' })
      .listAcceptedDomains()
      .catch(() => {});
    expect(logger.lines.length).toBeGreaterThan(3);
    const log = logger.lines.join('\n');
    for (const secret of [SECRET, 'another-wrong-secret', ...standIn.issuedTokens()]) expect(log).not.toContain(secret);
  });
});

describe('tokens', () => {
  it('reuses the cached token, and fetches a new one as it nears expiry', async () => {
    standIn.setTokenLifetime(360); // MSAL renews 5 minutes before expiry: usable for one minute
    const exo = backend();
    await exo.listAcceptedDomains();
    await exo.listAcceptedDomains();
    expect(standIn.tokenRequests).toHaveLength(1);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await exo.listAcceptedDomains();
    expect(standIn.tokenRequests).toHaveLength(2);
    const last = standIn.invocations[standIn.invocations.length - 1];
    expect(last.token).toBe(standIn.tokenRequests[1].issued);
  });

  it('signs in with a certificate: the client assertion carries its SHA-256 thumbprint and a valid signature', async () => {
    const pair = await generate([{ name: 'commonName', value: 'mail-flow-doctor' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eo-cert-')), 'app.pem');
    fs.writeFileSync(file, `${pair.private}\n${pair.cert}\n`);
    const credential = readCertificateFile(file);
    const x509 = new X509Certificate(pair.cert);
    expect(credential.thumbprint).toBe(x509.fingerprint.replace(/:/g, ''));
    expect(credential.thumbprintSha256).toBe(x509.fingerprint256.replace(/:/g, ''));
    expect(credential.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    await standIn.close();
    await start({ clientSecret: undefined, certificatePem: pair.cert });
    expect(await backend({ clientSecret: undefined, certificate: credential }).listAcceptedDomains()).toHaveLength(3);
    expect(standIn.tokenRequests[0]).toMatchObject({ credential: 'certificate', issued: expect.any(String) });
    expect(standIn.tokenRequests[0].assertionHeader).toMatchObject({
      alg: 'PS256',
      'x5t#S256': crypto.createHash('sha256').update(x509.raw).digest('base64url'),
    });

    // with the SHA-1 thumbprint only (as the Entra portal shows it), MSAL signs RS256 with x5t
    const sha1Only = { privateKeyPem: credential.privateKeyPem, thumbprint: credential.thumbprint };
    expect(await backend({ clientSecret: undefined, certificate: sha1Only }).listOutboundConnectors()).toHaveLength(3);
    expect(standIn.tokenRequests[1].assertionHeader).toMatchObject({ alg: 'RS256', x5t: crypto.createHash('sha1').update(x509.raw).digest('base64url') });
  });

  it('explains a certificate file it cannot use', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eo-cert-'));
    const ec = await generate([{ name: 'commonName', value: 'ec' }], { keyType: 'ec', algorithm: 'sha256' });
    const rsa = await generate([{ name: 'commonName', value: 'rsa' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' });
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    expect(() => readCertificateFile(path.join(dir, 'missing.pem'))).toThrow(`The certificate file ${path.join(dir, 'missing.pem')} cannot be read (ENOENT).`);
    expect(() => readCertificateFile(write('cert-only.pem', rsa.cert))).toThrow(/has no private key/);
    expect(() => readCertificateFile(write('ec.pem', ec.private + ec.cert))).toThrow(/is ec; Microsoft Entra ID client assertions are signed with RSA/);
    expect(() => readCertificateFile(write('mismatch.pem', rsa.private + ec.cert))).toThrow(/None of the certificates in .* belongs to its private key/);
  });
});

describe('dry run', () => {
  it('describes exactly the HTTP call, with no token or secret', () => {
    const call = cmdletFor({ kind: 'connector-enabled', target: 'Outbound to Contoso on-premises', from: true, to: false });
    const description = dryRunDescription({ adminApiUrl: 'https://outlook.office365.com', tenantId: TENANT }, call.cmdletName, call.parameters);
    expect(description).toEqual({
      method: 'POST',
      url: `https://outlook.office365.com/adminapi/beta/${TENANT}/InvokeCommand`,
      headers: {
        Authorization: 'Bearer <access token from Microsoft Entra ID>',
        'Content-Type': 'application/json; charset=utf-8',
        Accept: 'application/json',
        Prefer: 'odata.maxpagesize=1000',
        'X-AnchorMailbox': ANCHOR,
        'X-ResponseFormat': 'json',
        'X-ClientApplication': 'ExoManagementModule',
        'X-CmdletName': 'Set-OutboundConnector',
      },
      body: '{"CmdletInput":{"CmdletName":"Set-OutboundConnector","Parameters":{"Identity":"Outbound to Contoso on-premises","Enabled":false}}}',
    });
    const exo = backend();
    expect(exo.describeCall(call.cmdletName, call.parameters)).toEqual({ ...description, url: `${standIn.adminApiUrl}/adminapi/beta/${TENANT}/InvokeCommand` });
    expect(JSON.stringify(description)).not.toContain(SECRET);
    expect(standIn.tokenRequests).toEqual([]);
  });
});
