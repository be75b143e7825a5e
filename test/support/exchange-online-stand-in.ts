/**
 * Stands in for Microsoft Entra ID (token endpoint) and the Exchange Online admin API (InvokeCommand),
 * over HTTPS on 127.0.0.1 with a CA generated per run. The contract is the one in the domain notes
 * §2.1–§2.5 and §3: JSON bodies {"CmdletInput":{…}}, `{"value":[…]}` answers paged with
 * `@odata.nextLink`, errors as {"error":{"code","message","details":[{"message"}],"innererror"}}.
 * Tenant state is kept in the cmdlets' own property names, as Exchange returns it.
 */
import crypto, { X509Certificate } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface RawConnector {
  Name: string;
  Identity?: string;
  Guid?: string;
  Enabled: boolean;
  ConnectorType?: string;
  SmartHosts?: string[];
  RecipientDomains?: string[];
  TlsSettings?: string | null;
  TlsDomain?: string | null;
  UseMXRecord?: boolean;
}

export interface RawDomain {
  Name: string;
  DomainName: string;
  DomainType: string;
  Default?: boolean;
  Guid?: string;
}

export interface TokenRequest {
  tenant: string;
  clientId: string;
  scope: string;
  grantType: string;
  credential: 'secret' | 'certificate' | 'none';
  /** the decoded client_assertion header, for the certificate path */
  assertionHeader?: Record<string, unknown>;
  /** the token handed out, or undefined when refused */
  issued?: string;
}

export interface Invocation {
  path: string;
  cmdletName: string;
  parameters: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  token?: string;
}

export interface CannedAnswer {
  status: number;
  body?: unknown;
  rawBody?: Buffer;
  headers?: Record<string, string>;
  /** answer only after this long (a slow or hung service) */
  delayMs?: number;
}

export interface StandInOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM certificate registered on the app for the certificate credential */
  certificatePem?: string;
  connectors?: RawConnector[];
  domains?: RawDomain[];
  /** at most this many items per page, whatever Prefer asks */
  pageSize?: number;
  /** serve the admin API over plain http (to exercise Node's global fetch, which cannot trust the test CA) */
  adminApiOverHttp?: boolean;
}

const DAY = 24 * 60 * 60 * 1000;
const b64url = (buf: Buffer) => buf.toString('base64url');

/** A CA and one server certificate for 127.0.0.1/localhost (EC: fast to make). */
/** `caName` tells CAs apart: two trusted CAs of one name make TLS check a certificate against the wrong one. */
export async function makeServerCertificate(caName = 'Exchange Online Stand-in CA'): Promise<{ ca: string; key: string; cert: string }> {
  const base = { keyType: 'ec' as const, algorithm: 'sha256' };
  const ca = await generate([{ name: 'commonName', value: caName }], {
    ...base,
    notAfterDate: new Date(Date.now() + 365 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...base,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { ca: ca.cert, key: leaf.private, cert: leaf.cert };
}

export async function startExchangeOnlineStandIn(opts: StandInOptions) {
  const tls = await makeServerCertificate();
  const pageSize = opts.pageSize ?? 2;
  const connectors: RawConnector[] = structuredClone(opts.connectors ?? []);
  const domains: RawDomain[] = structuredClone(opts.domains ?? []);
  const tokenRequests: TokenRequest[] = [];
  const invocations: Invocation[] = [];
  const issued = new Map<string, number>(); // token → expiry (ms since epoch, on the process clock)
  const scopeOf = new Map<string, string>(); // token → the scope it was issued for
  const otherScopes = new Set<string>(); // resources besides the admin API the app may get tokens for (Graph, Management)
  const forbidden = new Set<string>();
  const canned: { cmdletName: string; answer: CannedAnswer }[] = [];
  let tokenLifetimeSeconds = 3600;
  let counter = 0;
  const registeredCert = opts.certificatePem ? new X509Certificate(opts.certificatePem) : undefined;

  // ---- Microsoft Entra ID ----------------------------------------------------------------------
  const authority = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', authorityUrl);
      const [, tenant, ...rest] = url.pathname.split('/');
      const tail = rest.join('/');
      if (tenant !== opts.tenantId) return json(res, 400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant}' not found.` });
      const base = `${authorityUrl}/${tenant}`;
      if (req.method === 'GET' && tail === 'v2.0/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer: `${base}/v2.0`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          jwks_uri: `${authorityUrl}/${tenant}/discovery/v2.0/keys`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          response_types_supported: ['code', 'id_token', 'token'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
        });
      }
      if (req.method === 'POST' && tail === 'oauth2/v2.0/token') {
        const form = new URLSearchParams(raw);
        const record: TokenRequest = {
          tenant,
          clientId: form.get('client_id') ?? '',
          scope: form.get('scope') ?? '',
          grantType: form.get('grant_type') ?? '',
          credential: form.get('client_secret') ? 'secret' : form.get('client_assertion') ? 'certificate' : 'none',
        };
        tokenRequests.push(record);
        const refuse = (code: number, error: string, description: string) =>
          json(res, code, {
            error,
            error_description: `${description}\r\nTrace ID: ${crypto.randomUUID()}\r\nCorrelation ID: ${crypto.randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
          });
        if (record.grantType !== 'client_credentials')
          return refuse(400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
        if (record.clientId !== opts.clientId)
          return refuse(400, 'unauthorized_client', `AADSTS700016: Application with identifier '${record.clientId}' was not found in the directory.`);
        if (record.scope !== `${adminApiUrl}/.default` && !otherScopes.has(record.scope))
          return refuse(400, 'invalid_scope', `AADSTS1002012: The provided value for scope ${record.scope} is not valid.`);
        if (record.credential === 'secret' && form.get('client_secret') !== opts.clientSecret) {
          return refuse(
            401,
            'invalid_client',
            `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${opts.clientId}'.`,
          );
        }
        if (record.credential === 'certificate') {
          const checked = checkAssertion(form.get('client_assertion') ?? '', `${base}/oauth2/v2.0/token`);
          record.assertionHeader = checked.header;
          if (!checked.ok) return refuse(401, 'invalid_client', `AADSTS700027: Client assertion failed signature validation. (${checked.why})`);
        }
        if (record.credential === 'none')
          return refuse(401, 'invalid_client', 'AADSTS7000218: The request body must contain the following parameter: client_assertion or client_secret.');
        const token = `eo-token-${++counter}-${crypto.randomBytes(12).toString('hex')}`;
        issued.set(token, Date.now() + tokenLifetimeSeconds * 1000);
        scopeOf.set(token, record.scope);
        record.issued = token;
        return json(res, 200, { token_type: 'Bearer', expires_in: tokenLifetimeSeconds, ext_expires_in: tokenLifetimeSeconds, access_token: token });
      }
      json(res, 404, { error: 'not_found' });
    });
  });

  /** RFC 7523 client assertion as MSAL makes it: RS256 + x5t, or PS256 + x5t#S256 (§3). */
  function checkAssertion(jwt: string, audience: string): { ok: boolean; why?: string; header?: Record<string, unknown> } {
    const [h, p, s] = jwt.split('.');
    if (!h || !p || !s || !registeredCert) return { ok: false, why: 'no certificate registered or malformed assertion' };
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const sha1 = b64url(crypto.createHash('sha1').update(registeredCert.raw).digest());
    const sha256 = b64url(crypto.createHash('sha256').update(registeredCert.raw).digest());
    if (header['x5t#S256'] !== sha256 && header.x5t !== sha1) return { ok: false, why: 'thumbprint does not match', header };
    const pss = header.alg === 'PS256';
    const valid = crypto.verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      pss ? { key: registeredCert.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : registeredCert.publicKey,
      Buffer.from(s, 'base64url'),
    );
    if (!valid) return { ok: false, why: 'bad signature', header };
    if (payload.aud !== audience || payload.iss !== opts.clientId || payload.sub !== opts.clientId) return { ok: false, why: 'wrong claims', header };
    if (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) return { ok: false, why: 'expired', header };
    return { ok: true, header };
  }

  // ---- Exchange Online admin API ---------------------------------------------------------------
  const onAdminRequest = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', adminApiUrl);
      if (req.method !== 'POST' || url.pathname !== `/adminapi/beta/${opts.tenantId}/InvokeCommand`) {
        return exoError(res, 404, 'NotFound', 'The resource was not found.');
      }
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      let input: { CmdletName?: string; Parameters?: Record<string, unknown> } = {};
      try {
        input = (JSON.parse(raw) as { CmdletInput?: typeof input }).CmdletInput ?? {};
      } catch {
        /* recorded as is; answered below */
      }
      const cmdletName = input.CmdletName ?? '';
      const parameters = input.Parameters ?? {};
      invocations.push({ path: `${url.pathname}${url.search}`, cmdletName, parameters, headers: req.headers, rawBody: raw, token: auth });
      const expiry = auth ? issued.get(auth) : undefined;
      if (expiry === undefined || expiry <= Date.now()) {
        return exoError(res, 401, 'Unauthorized', 'The access token is missing, not issued by the token endpoint, or expired.');
      }
      const cannedAt = canned.findIndex((c) => c.cmdletName === cmdletName || c.cmdletName === '*');
      if (cannedAt !== -1) {
        const { answer } = canned.splice(cannedAt, 1)[0];
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          res.end(answer.rawBody ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
        else send();
        return;
      }
      if (forbidden.has(cmdletName)) {
        // office-docs-powershell #7970: what a service principal without the role gets
        const message = `User is not allowed to call ${cmdletName}`;
        return json(res, 401, {
          error: { code: 'Unauthorized', message, innererror: { message, type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException' } },
        });
      }
      const maxPage = Math.min(pageSize, Number(/odata\.maxpagesize=(\d+)/.exec(String(req.headers.prefer ?? ''))?.[1] ?? pageSize));
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const page = (items: object[]) => {
        const slice = items.slice(skip, skip + maxPage);
        const next = skip + maxPage < items.length ? `${adminApiUrl}${url.pathname}?$skiptoken=${skip + maxPage}` : undefined;
        json(res, 200, {
          '@odata.context': `${adminApiUrl}/adminapi/beta/${opts.tenantId}/$metadata#Collection`,
          value: structuredClone(slice),
          ...(next ? { '@odata.nextLink': next } : {}),
        });
      };
      const identity = parameters.Identity;
      const byConnector = (id: string) => connectors.find((c) => [c.Name, c.Identity, c.Guid].some((v) => v?.toLowerCase() === id.toLowerCase()));
      const byDomain = (id: string) => domains.find((d) => [d.Name, d.Guid].some((v) => v?.toLowerCase() === id.toLowerCase()));
      const missing = (id: string) =>
        exoError(
          res,
          404,
          'NotFound',
          'The requested resource was not found.',
          `The operation couldn't be performed because object '${id}' couldn't be found on 'AM0PR01A001DC01.EURPR01A001.PROD.OUTLOOK.COM'.`,
          'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
        );
      const needsIdentity = () =>
        exoError(res, 400, 'BadRequest', 'The request is invalid.', "Cannot bind argument to parameter 'Identity' because it is an empty string.");

      switch (cmdletName) {
        case 'Get-OutboundConnector': {
          if (identity === undefined) return page(connectors);
          const c = byConnector(String(identity));
          return c ? page([c]) : missing(String(identity));
        }
        case 'Get-AcceptedDomain': {
          if (identity === undefined) return page(domains);
          const d = byDomain(String(identity));
          return d ? page([d]) : missing(String(identity));
        }
        case 'Set-OutboundConnector': {
          if (typeof identity !== 'string' || !identity) return needsIdentity();
          const c = byConnector(identity);
          if (!c) return missing(identity);
          if ('TlsDomain' in parameters) {
            const domain = parameters.TlsDomain;
            if (domain !== null && (typeof domain !== 'string' || !/^(\*\.)?[a-z0-9.-]+$/i.test(domain)))
              return exoError(res, 400, 'BadRequest', 'The request is invalid.', `"${String(domain)}" isn't a valid SMTP domain.`);
            c.TlsDomain = domain as string | null;
            if (!('Enabled' in parameters)) return json(res, 200, { value: [] });
          }
          if (typeof parameters.Enabled !== 'boolean')
            return exoError(
              res,
              400,
              'BadRequest',
              'The request is invalid.',
              `Cannot convert value "${String(parameters.Enabled)}" to type "System.Boolean".`,
            );
          c.Enabled = parameters.Enabled;
          return json(res, 200, { value: [] });
        }
        case 'Set-AcceptedDomain': {
          if (typeof identity !== 'string' || !identity) return needsIdentity();
          const d = byDomain(identity);
          if (!d) return missing(identity);
          if (parameters.DomainType === 'ExternalRelay') {
            return exoError(
              res,
              400,
              'BadRequest',
              'The request is invalid.',
              'ExternalRelay accepted domains are available only in on-premises Exchange organizations.',
            );
          }
          d.DomainType = String(parameters.DomainType);
          return json(res, 200, { value: [] });
        }
        case 'Validate-OutboundConnector': {
          // Output undocumented; the per-task shape scripts read [3p], with the admin center's task names.
          if (typeof identity !== 'string' || !identity) return needsIdentity();
          const c = byConnector(identity);
          if (!c) return missing(identity);
          const recipients = Array.isArray(parameters.Recipients) ? parameters.Recipients.map(String) : [];
          if (!recipients.length) {
            return exoError(res, 400, 'BadRequest', 'The request is invalid.', "Cannot bind argument to parameter 'Recipients' because it is null.");
          }
          const hostTasks = (c.SmartHosts ?? []).flatMap((host) => [
            { TaskName: 'Resolve', IsTaskSuccessful: true, Details: `Resolved ${host}` },
            { TaskName: 'Connection', IsTaskSuccessful: true, Details: `Connected to ${host}:25` },
            { TaskName: 'SMTP EHLO', IsTaskSuccessful: true, Details: '250-Hello' },
            { TaskName: 'TLS', IsTaskSuccessful: true, Details: 'STARTTLS succeeded' },
          ]);
          const sendTasks = recipients.map((r) => ({ TaskName: 'Send', IsTaskSuccessful: true, Details: `Test message sent to ${r}` }));
          return json(res, 200, { value: [...hostTasks, ...sendTasks] });
        }
        default:
          // §2.5: an unknown cmdlet is a 403 whose body is NUL bytes, declared gzip
          res.writeHead(403, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
          res.end(Buffer.alloc(32));
      }
    });
  };
  const admin = opts.adminApiOverHttp ? http.createServer(onAdminRequest) : https.createServer({ key: tls.key, cert: tls.cert }, onAdminRequest);

  await Promise.all([listen(authority), listen(admin)]);
  const authorityUrl = `https://127.0.0.1:${(authority.address() as AddressInfo).port}`;
  const adminApiUrl = `${opts.adminApiOverHttp ? 'http' : 'https'}://127.0.0.1:${(admin.address() as AddressInfo).port}`;

  return {
    tenantId: opts.tenantId,
    clientId: opts.clientId,
    adminApiUrl,
    authorityUrl,
    /** the CA that signed both servers' certificate */
    ca: tls.ca,
    connectors,
    domains,
    tokenRequests,
    invocations,
    /** the app may also get tokens for this scope (`https://graph…/.default`), as for a consented API */
    acceptScope(scope: string) {
      otherScopes.add(scope);
    },
    /** whether `token` was issued for `scope` and has not expired or been revoked */
    tokenValid(token: string | undefined, scope: string): boolean {
      const expiry = token ? issued.get(token) : undefined;
      return expiry !== undefined && expiry > Date.now() && scopeOf.get(token!) === scope;
    },
    /** every token handed out so far */
    issuedTokens: () => [...issued.keys()],
    setTokenLifetime(seconds: number) {
      tokenLifetimeSeconds = seconds;
    },
    /** tokens issued so far stop being accepted (as after a role change or a revocation) */
    revokeTokens() {
      for (const token of issued.keys()) issued.set(token, 0);
    },
    /** the service principal lacks the role for this cmdlet: 401 "User is not allowed to call …" */
    forbid(cmdletName: string) {
      forbidden.add(cmdletName);
    },
    /** the role is granted again */
    allow(cmdletName: string) {
      forbidden.delete(cmdletName);
    },
    /** the next `times` calls of this cmdlet ('*' for any) get this answer instead */
    answerNext(cmdletName: string, answer: CannedAnswer, times = 1) {
      for (let i = 0; i < times; i++) canned.push({ cmdletName, answer });
    },
    /** the admin API stops listening: connections to it are refused from now on */
    closeAdminApi: () => close(admin),
    close: () => Promise.all([close(authority), close(admin)]).then(() => undefined),
  };
}

function exoError(res: ServerResponse, status: number, code: string, message: string, detail?: string, type?: string) {
  json(res, status, {
    error: {
      code,
      message,
      ...(detail ? { details: [{ code, message: detail }] } : {}),
      innererror: { message: detail ?? message, type: type ?? 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException' },
    },
  });
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function listen(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function close(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
