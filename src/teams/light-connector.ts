import http from 'node:http';
import https from 'node:https';
import type { ConnectorClient } from 'botframework-connector';

const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/** One JSON request over a kept-alive connection (node:http: far lighter per call than fetch's streams). */
function request(method: string, target: Target, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const lib = target.protocol === 'https:' ? https : http;
  headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const options = { protocol: target.protocol, hostname: target.hostname, port: target.port, path: target.basePath + path, method, agent: agents[target.protocol], headers };
    const req = lib.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('The Bot Connector did not answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Where a service URL points, parsed once: each call only appends its path. */
interface Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: string;
  basePath: string;
}

function targetOf(serviceUrl: string): Target {
  const url = new URL(serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`The service URL must be http or https: ${url.protocol}`);
  // An IPv6 literal keeps its brackets in URL.hostname; node:http wants it bare.
  return { protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port, basePath: url.pathname };
}

/**
 * Sends, replies and updates through plain JSON over pooled keep-alive connections,
 * instead of the connector client's generic REST pipeline, which serialises every activity through its
 * model mappers and policies and was the largest single cost per message in a CPU profile under load
 * (bench/http.bench.ts). Authentication is the client's own: its credentials sign each request, so tokens
 * are fetched, cached and refreshed exactly as before. Every other operation goes to the original client.
 */
export function lightenConnector(client: ConnectorClient, serviceUrl: string): ConnectorClient {
  const target = targetOf(serviceUrl);
  const credentials = client.credentials as { signRequest?(resource: unknown): Promise<unknown> } | undefined;

  const authorization = async (): Promise<string | undefined> => {
    let value: string | undefined;
    await credentials?.signRequest?.({
      headers: { set: (name: string, v: string) => void (name.toLowerCase() === 'authorization' && (value = v)) },
    });
    return value;
  };

  const call = async (method: 'POST' | 'PUT', path: string, activity: unknown) => {
    const auth = await authorization();
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (auth) headers.authorization = auth;
    const res = await request(method, target, path, headers, JSON.stringify(activity));
    if (res.status < 200 || res.status >= 300) {
      // The shape botbuilder's callers (and ours) read from the REST client's errors.
      throw Object.assign(new Error(`The Bot Connector answered ${res.status}: ${res.text.slice(0, 300)}`), {
        statusCode: res.status,
        response: { status: res.status, headers: { get: (name: string) => headerValue(res.headers[name.toLowerCase()]) }, bodyAsText: res.text },
      });
    }
    try {
      return res.text ? JSON.parse(res.text) : {};
    } catch {
      return {}; // delivered; the connector just did not say the new message's id
    }
  };
  const enc = encodeURIComponent;
  const conversations = Object.create(client.conversations) as ConnectorClient['conversations'];
  Object.assign(conversations, {
    replyToActivity: (conversationId: string, activityId: string, activity: unknown) =>
      call('POST', `v3/conversations/${enc(conversationId)}/activities/${enc(activityId)}`, activity),
    sendToConversation: (conversationId: string, activity: unknown) => call('POST', `v3/conversations/${enc(conversationId)}/activities`, activity),
    updateActivity: (conversationId: string, activityId: string, activity: unknown) =>
      call('PUT', `v3/conversations/${enc(conversationId)}/activities/${enc(activityId)}`, activity),
  });
  return new Proxy(client, { get: (target, prop, receiver) => (prop === 'conversations' ? conversations : Reflect.get(target, prop, receiver)) });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
