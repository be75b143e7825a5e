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
  /** When the stand-in received it (Date.now()). */
  at: number;
}

/**
 * Stands in for the Bot Connector at the activity's serviceUrl: records what the bot sends and answers
 * as the connector does (an id for every message). Paths arrive URL-encoded and are decoded here.
 */
export interface StandInOptions {
  /** Answer 429 with Retry-After when a conversation goes over Teams' limits (7 a second, 60 in 30 s). */
  enforceRateLimits?: boolean;
  retryAfterSeconds?: number;
  /**
   * Answer 403 ContentStreamNotAllowed, as Teams does, to a streaming request (channelData.streamType)
   * less than a second after the previous one of the same stream.
   */
  enforceStreamRate?: boolean;
}

export async function startConnectorStandIn(options: StandInOptions = {}) {
  const calls: ConnectorCall[] = [];
  const refused: Array<{ status: number; conversationId: string }> = [];
  const accepted = new Map<string, number[]>();
  let down = false;
  const gone = new Set<string>();
  let counter = 0;
  /** When each stream (by its id) last had a request accepted. */
  const streams = new Map<string, number>();
  /** Conversation members by Entra object id (and by MRI), for GET …/members/{id}. */
  const members = new Map<string, { id: string; name: string; aadObjectId: string }>();
  const memberLookups: string[] = [];
  const waiters: Array<() => void> = [];
  const overLimit = (conversationId: string, now: number) => {
    const times = accepted.get(conversationId) ?? [];
    return times.filter((t) => now - t < 1000).length >= 7 || times.filter((t) => now - t < 30_000).length >= 60;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      // GET …/members/{id}: Teams answers with the member (its MRI and Entra object id) when it is in the conversation.
      const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path ?? '');
      if (member && req.method === 'GET') {
        memberLookups.push(decodeURIComponent(member[2]!));
        const known = members.get(decodeURIComponent(member[2]!).toLowerCase());
        res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(known ?? { error: { code: 'MemberNotFoundInConversation', message: 'stand-in' } }));
        return;
      }
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
      if (!m) {
        res.writeHead(404);
        res.end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const conversationId = decodeURIComponent(m[1]);
      const now = Date.now();
      const refuse = (status: number, headers: Record<string, string> = {}, code = status === 429 ? 'TooManyRequests' : 'ServiceUnavailable') => {
        refused.push({ status, conversationId });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ error: { code, message: 'stand-in' } }));
        waiters.splice(0).forEach((w) => w());
      };
      if (down) return refuse(503);
      if (gone.has(conversationId)) return refuse(404);
      if (options.enforceRateLimits && overLimit(conversationId, now)) return refuse(429, { 'retry-after': String(options.retryAfterSeconds ?? 1) });
      const body = raw ? JSON.parse(raw) : undefined;
      const streamId: string | undefined = body?.channelData?.streamType ? (body.channelData.streamId ?? '') : undefined;
      if (options.enforceStreamRate && streamId && now - (streams.get(streamId) ?? Number.NEGATIVE_INFINITY) < 1000)
        return refuse(403, {}, 'ContentStreamNotAllowed');
      accepted.set(conversationId, [...(accepted.get(conversationId) ?? []).filter((t) => now - t < 30_000), now]);
      const messageId = req.method === 'PUT' ? decodeURIComponent(m[2]) : `msg-${++counter}`;
      if (streamId !== undefined) streams.set(streamId || messageId, now); // the first request's id names the stream
      calls.push({
        method: req.method ?? '',
        path,
        conversationId,
        activityId: m[2] ? decodeURIComponent(m[2]) : undefined,
        body,
        messageId,
        authorization: req.headers.authorization,
        at: now,
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
    /** Requests answered with an error (429, 503, 404), in order. */
    refused,
    /** The ids asked for with GET …/members/{id}, in order. */
    memberLookups,
    /** A member every conversation has, as TeamsInfo.getMember finds it. */
    addMember: (m: { id: string; name: string; aadObjectId: string }) => {
      members.set(m.aadObjectId.toLowerCase(), m);
      members.set(m.id.toLowerCase(), m);
    },
    /** Switch the stand-in off (every request gets 503) and on again. */
    setDown: (value: boolean) => void (down = value),
    /** Answer 404 for this conversation, as Teams does when the bot was removed from it. */
    forget: (conversationId: string) => void gone.add(conversationId),
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ConnectorStandIn = Awaited<ReturnType<typeof startConnectorStandIn>>;
