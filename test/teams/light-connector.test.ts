import { MicrosoftAppCredentials } from 'botframework-connector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lightenConnector } from '../../src/teams/light-connector';
import { parseRetryAfter } from '../../src/teams/proactive-sender';
import { startConnectorStandIn, type ConnectorStandIn } from '../support/connector-stand-in';

let connector: ConnectorStandIn;
beforeAll(async () => {
  connector = await startConnectorStandIn({ enforceRateLimits: true, retryAfterSeconds: 3 });
});
afterAll(async () => connector?.close());

/** A stand-in for botbuilder's ConnectorClient: only what lightenConnector touches. */
function fakeClient(token?: string) {
  const untouched = { getConversationMembers: () => 'original' };
  return {
    conversations: untouched,
    credentials: { signRequest: async (r: { headers: { set(k: string, v: string): void } }) => token && r.headers.set('authorization', `Bearer ${token}`) },
  } as any;
}

describe('the light Bot Connector client', () => {
  it('replies, sends and updates with the client\'s own token, conversation ids encoded', async () => {
    const client = lightenConnector(fakeClient('t0k3n'), connector.url);
    const conversation = '19:abc@thread.tacv2;messageid=1759881511856';
    const r1 = await client.conversations.replyToActivity(conversation, '1759881511856', { type: 'message', text: 'hi' } as any);
    const r2 = await client.conversations.sendToConversation(conversation, { type: 'message', text: 'new' } as any);
    await client.conversations.updateActivity(conversation, r2.id!, { type: 'message', text: 'edited' } as any);
    expect(r1.id).toMatch(/^msg-/);
    expect(connector.calls.map((c) => [c.method, c.conversationId, c.activityId ?? '', c.authorization])).toEqual([
      ['POST', conversation, '1759881511856', 'Bearer t0k3n'],
      ['POST', conversation, '', 'Bearer t0k3n'],
      ['PUT', conversation, r2.id, 'Bearer t0k3n'],
    ]);
    expect(connector.calls[2].body.text).toBe('edited');
    expect((client.conversations as any).getConversationMembers()).toBe('original');
  });

  it('sends no Authorization header in local mode', async () => {
    connector.clear();
    await lightenConnector(fakeClient(), connector.url).conversations.sendToConversation('a:x', { type: 'message' } as any);
    expect(connector.calls[0].authorization).toBeUndefined();
  });

  it('signs with botbuilder\'s app credentials when they have an app id, and sends unsigned when they have none', async () => {
    class Signing extends MicrosoftAppCredentials {
      override async getToken() {
        return `token-of-${this.appId}`;
      }
    }
    connector.clear();
    for (const appId of ['00000000-0000-0000-0000-0000000000aa', '']) {
      const client = lightenConnector({ conversations: {}, credentials: new Signing(appId, 'secret') } as any, connector.url);
      await client.conversations.sendToConversation('a:x', { type: 'message' } as any);
    }
    expect(connector.calls.map((c) => c.authorization)).toEqual(['Bearer token-of-00000000-0000-0000-0000-0000000000aa', undefined]);
  });

  it('raises errors shaped like the REST client\'s, with Retry-After readable', async () => {
    const client = lightenConnector(fakeClient(), connector.url);
    let error: any;
    for (let i = 0; i < 10 && !error; i++) {
      await client.conversations.sendToConversation('a:busy', { type: 'message' } as any).catch((e) => (error = e));
    }
    expect(error.statusCode).toBe(429);
    expect(parseRetryAfter(error.response.headers.get('retry-after'))).toBe(3000);
  });
});

describe('service URLs with a path (Teams uses regional ones such as https://smba.trafficmanager.net/emea/)', () => {
  it('keeps the path, with or without the trailing slash', async () => {
    const http = await import('node:http');
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.end('{"id":"1"}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await lightenConnector(fakeClient(), `http://127.0.0.1:${port}/emea`).conversations.replyToActivity('a:1', 'm 1', { type: 'message' } as any);
    await lightenConnector(fakeClient(), `http://127.0.0.1:${port}/amer/`).conversations.sendToConversation('19:x@thread;messageid=2', { type: 'message' } as any);
    await new Promise<void>((r) => server.close(() => r()));
    expect(seen).toEqual(['POST /emea/v3/conversations/a%3A1/activities/m%201', 'POST /amer/v3/conversations/19%3Ax%40thread%3Bmessageid%3D2/activities']);
  });
});

describe('a Bot Connector that misbehaves', () => {
  async function serve(handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) {
    const http = await import('node:http');
    const server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, close: () => { server.closeAllConnections(); return new Promise<void>((r) => server.close(() => r())); } };
  }

  it('fails a call the connector does not answer in time, saying so', async () => {
    const stalled = await serve((req) => req.resume()); // reads the reply, never answers
    try {
      const call = lightenConnector(fakeClient(), stalled.url, 300).conversations.sendToConversation('a:x', { type: 'message' } as any);
      await expect(call).rejects.toThrow('The Bot Connector did not answer within 0.3 s');
    } finally {
      await stalled.close();
    }
  });

  it('fails a call whose answer is far larger than a resource id, without keeping it', async () => {
    const flood = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const more = () => {
        while (sent < 40 && res.write(chunk)) sent++;
        if (sent < 40) res.once('drain', more);
        else res.end();
      };
      more();
    });
    try {
      const call = lightenConnector(fakeClient(), flood.url).conversations.sendToConversation('a:x', { type: 'message' } as any);
      await expect(call).rejects.toThrow('larger than 1048576 bytes');
    } finally {
      await flood.close();
    }
  });

  it('reads an answer that arrives in pieces', async () => {
    const slow = await serve((req, res) => {
      req.resume();
      res.writeHead(201, { 'content-type': 'application/json' });
      res.write('{"id":');
      setTimeout(() => res.end('"пошло"}'), 20);
    });
    try {
      expect(await lightenConnector(fakeClient(), slow.url).conversations.sendToConversation('a:x', { type: 'message' } as any)).toEqual({ id: 'пошло' });
    } finally {
      await slow.close();
    }
  });
});
