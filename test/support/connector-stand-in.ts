import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  /** The activity id in the path: replyToId for a reply, the message id for an update. */
  activityId?: string;
  body: any;
  /** The id the stand-in gave the message it created (POST) or updated (PUT). */
  messageId: string;
  authorization?: string;
}

/**
 * Stands in for the Bot Connector at the activity's serviceUrl: records what the bot sends and answers
 * as the connector does (an id for every message). Paths arrive URL-encoded and are decoded here.
 */
export async function startConnectorStandIn() {
  const calls: ConnectorCall[] = [];
  let counter = 0;
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
      if (!m) {
        res.writeHead(404);
        res.end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const messageId = req.method === 'PUT' ? decodeURIComponent(m[2]) : `msg-${++counter}`;
      calls.push({
        method: req.method ?? '',
        path,
        conversationId: decodeURIComponent(m[1]),
        activityId: m[2] ? decodeURIComponent(m[2]) : undefined,
        body: raw ? JSON.parse(raw) : undefined,
        messageId,
        authorization: req.headers.authorization,
      });
      // restify patches http.ServerResponse so that writeHead no longer returns the response: no chaining.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: messageId }));
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    calls,
    /** Messages (POST) that carry an Adaptive Card, in order. */
    cards: () => calls.filter((c) => c.method === 'POST' && c.body?.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive'),
    updates: () => calls.filter((c) => c.method === 'PUT'),
    clear: () => void calls.splice(0),
    async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting; calls so far: ${calls.map((c) => `${c.method} ${c.path}`).join(', ')}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export type ConnectorStandIn = Awaited<ReturnType<typeof startConnectorStandIn>>;
