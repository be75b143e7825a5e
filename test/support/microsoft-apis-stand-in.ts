/**
 * Stands in for Microsoft Graph (message trace, service health) and the Office 365 Management Activity API
 * (subscriptions, content blobs, webhook notifications), over HTTPS on 127.0.0.1 with a CA generated per
 * run. Shapes as documented (../shared/domain/microsoft-signals.md §1): Graph `{"value": […]}` pages with
 * `@odata.nextLink`, errors `{"error":{"code","message"}}`; the Management API's subscription objects,
 * content as a JSON array of audit records, notifications as a JSON array of content entries. Tokens are
 * the Exchange stand-in's, checked per resource.
 */
import crypto from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeServerCertificate } from './exchange-online-stand-in';

export interface GraphRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The receivedDateTime window of a message trace query, when it had one. */
  window?: { start: string; end: string };
  body?: unknown;
}

export interface Canned {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface MicrosoftStandInOptions {
  tenantId: string;
  /** The Exchange stand-in's check of a bearer token for a scope. */
  tokenValid(token: string | undefined, scope: string): boolean;
  /** exchangeMessageTrace objects as Graph returns them */
  messageTraces?: Array<Record<string, unknown>>;
  /** message trace id|recipient → exchangeMessageTraceDetail objects */
  details?: Record<string, Array<Record<string, unknown>>>;
  /** serviceHealthIssue objects */
  issues?: Array<Record<string, unknown>>;
  pageSize?: number;
}

export async function startMicrosoftApisStandIn(opts: MicrosoftStandInOptions) {
  const tls = await makeServerCertificate('Microsoft APIs Stand-in CA');
  const pageSize = opts.pageSize ?? 2;
  const traces = structuredClone(opts.messageTraces ?? []);
  const details = structuredClone(opts.details ?? {});
  const issues = structuredClone(opts.issues ?? []);
  const graphRequests: GraphRequest[] = [];
  const managementRequests: GraphRequest[] = [];
  const canned: Array<{ prefix: string; answer: Canned }> = [];
  const blobs = new Map<string, unknown[]>();
  const subscriptions: Array<{ contentType: string; status: string; webhook: { address: string; authId?: string; status: string; expiration: null } }> = [];

  const graph = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    void readJson(req).then((body) => {
      const url = new URL(req.url ?? '/', graphUrl);
      const path = decodeURIComponent(url.pathname);
      const filter = url.searchParams.get('$filter') ?? '';
      const ge = /receivedDateTime ge (\S+)/.exec(filter)?.[1];
      const le = /receivedDateTime le (\S+)/.exec(filter)?.[1];
      graphRequests.push({ method: req.method ?? 'GET', path, query: url.searchParams, ...(ge && le && { window: { start: ge, end: le } }), body });
      if (!opts.tokenValid(bearer(req), `${graphUrl}/.default`))
        return json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience.' } });
      if (answerCanned(path, res)) return;
      if (path === '/v1.0/admin/exchange/tracing/messageTraces') {
        const status = /status eq '([^']+)'/.exec(filter)?.[1];
        const rows = traces.filter(
          (t) =>
            (!status || String(t.status).toLowerCase() === status.toLowerCase()) &&
            (!ge || String(t.receivedDateTime) >= ge) &&
            (!le || String(t.receivedDateTime) <= le),
        );
        return page(res, url, rows);
      }
      const detail = /^\/v1\.0\/admin\/exchange\/tracing\/messageTraces\/([^/]+)\/getDetailsByRecipient\(recipientAddress='(.*)'\)$/.exec(path);
      if (detail) return page(res, url, details[`${detail[1]}|${detail[2]!.replace(/''/g, "'")}`] ?? []);
      if (path === '/v1.0/admin/serviceAnnouncement/issues') return page(res, url, issues);
      json(res, 404, { error: { code: 'ResourceNotFound', message: `Resource not found for the segment '${path}'.` } });
    });
  });

  const management = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    void readJson(req).then((body) => {
      const url = new URL(req.url ?? '/', managementUrl);
      const path = decodeURIComponent(url.pathname);
      managementRequests.push({ method: req.method ?? 'GET', path, query: url.searchParams, body });
      if (!opts.tokenValid(bearer(req), `${managementUrl}/.default`))
        return json(res, 401, { error: { code: 'AF10001', message: 'The permission set () sent in the request does not include the expected permission.' } });
      if (answerCanned(path, res)) return;
      const base = `/api/v1.0/${opts.tenantId}/activity/feed`;
      const contentType = url.searchParams.get('contentType') ?? '';
      if (req.method === 'POST' && path === `${base}/subscriptions/start`) {
        const w = (body as { webhook?: { address?: string; authId?: string } } | undefined)?.webhook ?? {};
        const existing = subscriptions.find((s) => s.contentType === contentType && s.status === 'enabled');
        if (existing) return json(res, 400, { error: { code: 'AF20024', message: 'The subscription is already enabled. No property change.' } });
        const sub = { contentType, status: 'enabled', webhook: { address: w.address ?? '', authId: w.authId, status: 'enabled', expiration: null } };
        subscriptions.push(sub);
        return json(res, 200, sub);
      }
      if (req.method === 'POST' && path === `${base}/subscriptions/stop`) {
        for (const s of subscriptions) if (s.contentType === contentType) s.status = 'disabled';
        res.writeHead(200);
        return res.end();
      }
      if (req.method === 'GET' && path === `${base}/subscriptions/list`)
        return json(
          res,
          200,
          subscriptions.filter((s) => s.status === 'enabled'),
        );
      const blob = new RegExp(`^${base}/audit/(.+)$`).exec(path);
      if (req.method === 'GET' && blob) {
        const records = blobs.get(blob[1]!);
        return records ? json(res, 200, records) : json(res, 404, { error: { code: 'AF20051', message: 'Content requested with the key does not exist.' } });
      }
      json(res, 404, { error: { code: 'AF20001', message: 'Not found.' } });
    });
  });

  function answerCanned(path: string, res: ServerResponse): boolean {
    const at = canned.findIndex((c) => path.startsWith(c.prefix));
    if (at === -1) return false;
    const { answer } = canned.splice(at, 1)[0]!;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    return true;
  }

  function page(res: ServerResponse, url: URL, items: unknown[]) {
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const slice = items.slice(skip, skip + pageSize);
    const next = new URL(url);
    next.searchParams.set('$skiptoken', String(skip + pageSize));
    json(res, 200, {
      '@odata.context': `${graphUrl}/v1.0/$metadata#Collection`,
      value: structuredClone(slice),
      ...(skip + pageSize < items.length && { '@odata.nextLink': next.toString() }),
    });
  }

  await Promise.all([listen(graph), listen(management)]);
  const graphUrl = `https://127.0.0.1:${(graph.address() as AddressInfo).port}`;
  const managementUrl = `https://127.0.0.1:${(management.address() as AddressInfo).port}`;

  return {
    graphUrl,
    managementUrl,
    ca: tls.ca,
    traces,
    details,
    issues,
    graphRequests,
    managementRequests,
    subscriptions,
    /** The next `times` requests whose path starts with `prefix` get this answer. */
    answerNext(prefix: string, answer: Canned, times = 1) {
      for (let i = 0; i < times; i++) canned.push({ prefix, answer });
    },
    /** Publishes a content blob of audit records; returns the notification Microsoft would send for it. */
    publish(records: unknown[], contentType = 'Audit.General') {
      const contentId = `20261203${crypto.randomBytes(8).toString('hex')}$${crypto.randomBytes(8).toString('hex')}$audit_general$Audit_General$na0034`;
      blobs.set(contentId, records);
      return {
        tenantId: opts.tenantId,
        clientId: crypto.randomUUID(),
        contentType,
        contentId,
        contentUri: `${managementUrl}/api/v1.0/${opts.tenantId}/activity/feed/audit/${contentId}`,
        contentCreated: new Date().toISOString(),
        contentExpiration: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(),
      };
    },
    close: () => Promise.all([close(graph), close(management)]).then(() => undefined),
  };
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal' });
  res.end(JSON.stringify(body));
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(text);
      }
    });
  });
}

function listen(server: https.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function close(server: https.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
