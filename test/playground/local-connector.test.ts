import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/log/logger';
import { createLocalConnector, type LocalConnector } from '../../src/playground/local-connector';
import { registerPlayground } from '../../src/playground/playground-routes';
import { createAuditLog } from '../../src/remediation/audit-log';
import { createSimulatedExchange } from '../../src/remediation/backends/simulated-exchange';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { readEvents, type EventReader } from '../support/read-events';

/** The playground's routes on a real restify server on port 0, over a real SQLite store. */
async function startPlayground(opts: { enabled?: boolean; connector?: LocalConnector; maxActivityBytes?: number } = {}) {
  const store = openSqliteStore(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-pg-')));
  const exchange = createSimulatedExchange(store);
  const audit = createAuditLog(store);
  const server = restify.createServer({ handleUncaughtExceptions: false });
  const playground = registerPlayground(server, {
    enabled: opts.enabled ?? true,
    localMode: true,
    exchange,
    audit,
    logger: memoryLogger(),
    connector: opts.connector,
    maxActivityBytes: opts.maxActivityBytes,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const connectorUrl = `${url}/playground/connector/v3/conversations`;
  const send = async (method: 'POST' | 'PUT', conversationId: string, body: unknown, activityId?: string) => {
    const res = await fetch(`${connectorUrl}/${encodeURIComponent(conversationId)}/activities${activityId ? `/${encodeURIComponent(activityId)}` : ''}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    url,
    exchange,
    audit,
    /** What the bot does to send a message: POST, as a reply when `replyToId` is given. */
    post: (conversationId: string, text: string, replyToId?: string) => send('POST', conversationId, { type: 'message', text }, replyToId),
    put: (conversationId: string, activityId: string, text: string) => send('PUT', conversationId, { type: 'message', id: activityId, text }, activityId),
    send,
    watch: (conversationId: string, headers?: Record<string, string>) =>
      readEvents(`${url}/playground/events?conversation=${encodeURIComponent(conversationId)}`, headers),
    playground,
    async close() {
      playground.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeAllConnections();
      await store.close();
    },
  };
}

type Started = Awaited<ReturnType<typeof startPlayground>>;
let pg: Started | undefined;
const readers: EventReader[] = [];
afterEach(async () => {
  readers.splice(0).forEach((r) => r.close());
  await pg?.close();
  pg = undefined;
});
const watch = async (conversationId: string, headers?: Record<string, string>) => {
  const reader = await pg!.watch(conversationId, headers);
  readers.push(reader);
  return reader;
};
const texts = (reader: EventReader) => reader.events.map((e) => e.data.activity.text);

const CONVERSATION = 'a:playground-1';

describe('the playground Bot Connector', () => {
  it('gives each message the bot posts an id and streams it to the page watching that conversation only', async () => {
    pg = await startPlayground();
    const page = await watch(CONVERSATION);
    const otherPage = await watch('a:playground-2');

    const sent = await pg.post(CONVERSATION, 'first card', 'f:user-message-1');
    expect(sent.status).toBe(200);
    expect(sent.body.id).toMatch(/^\d+$/);

    const [event] = await page.waitFor((e) => e.length === 1);
    expect(event.event).toBe('activity');
    expect(event.data).toMatchObject({
      kind: 'posted',
      conversationId: CONVERSATION,
      activity: { id: sent.body.id, type: 'message', text: 'first card', replyToId: 'f:user-message-1', conversation: { id: CONVERSATION } },
    });
    await pg.post('a:playground-2', 'for the other page');
    await otherPage.waitFor((e) => e.length === 1);
    expect(texts(page)).toEqual(['first card']);
  });

  it('replaces an updated message in place, keeping its place in the conversation', async () => {
    pg = await startPlayground();
    const first = await pg.post(CONVERSATION, 'checking mail.contoso.com…');
    await pg.post(CONVERSATION, 'second message');
    const live = await watch(CONVERSATION);
    await live.waitFor((e) => e.length === 2);

    const updated = await pg.put(CONVERSATION, first.body.id, 'mail.contoso.com refused the connection');
    expect(updated).toEqual({ status: 200, body: { id: first.body.id } });
    const [, , update] = await live.waitFor((e) => e.length === 3);
    expect(update.data).toMatchObject({ kind: 'updated', activity: { id: first.body.id, text: 'mail.contoso.com refused the connection' } });

    // A page opened now sees the conversation as it is: the update where the original was.
    const fresh = await watch(CONVERSATION);
    await fresh.waitFor((e) => e.length === 2);
    expect(texts(fresh)).toEqual(['mail.contoso.com refused the connection', 'second message']);
    expect(fresh.events[0].data.activity.timestamp).toBe(live.events[0].data.activity.timestamp);
  });

  it('answers 404 to an update of a message it does not have, as the Bot Connector does', async () => {
    pg = await startPlayground();
    const res = await pg.put(CONVERSATION, '1234', 'late update');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
  });

  it('sends a reconnecting page only what changed after the last event it saw', async () => {
    pg = await startPlayground();
    const a = await pg.post(CONVERSATION, 'a');
    await pg.post(CONVERSATION, 'b');
    const first = await watch(CONVERSATION);
    const seen = await first.waitFor((e) => e.length === 2);
    first.close();

    await pg.post(CONVERSATION, 'c');
    await pg.put(CONVERSATION, a.body.id, 'a, updated');
    const again = await watch(CONVERSATION, { 'last-event-id': seen[1].id! });
    await again.waitFor((e) => e.length === 2);
    expect(texts(again)).toEqual(['a, updated', 'c']);

    // An id from another run of the bot (the page outlived a restart) gets everything.
    const afterRestart = await watch(CONVERSATION, { 'last-event-id': 'deadbeef.999' });
    await afterRestart.waitFor((e) => e.length === 3);
    expect(texts(afterRestart)).toEqual(['a, updated', 'b', 'c']);
  });

  it('keeps the latest activities per conversation and the most recently used conversations, dropping the oldest', async () => {
    pg = await startPlayground({ connector: createLocalConnector({ maxActivitiesPerConversation: 3, maxConversations: 2 }) });
    for (const text of ['1', '2', '3', '4', '5']) await pg.post(CONVERSATION, text);
    const page = await watch(CONVERSATION);
    await page.waitFor((e) => e.length === 3);
    expect(texts(page)).toEqual(['3', '4', '5']);

    await pg.post('a:second', 'x');
    await pg.post(CONVERSATION, '6'); // the first conversation is now the most recently used
    await pg.post('a:third', 'y'); // so the second one is dropped
    const second = await watch('a:second');
    const first = await watch(CONVERSATION);
    await first.waitFor((e) => e.length === 3);
    expect(texts(first)).toEqual(['4', '5', '6']);
    expect(second.events).toEqual([]);
  });

  it('refuses bodies over its limit, bodies that are not JSON objects, and conversation ids it does not make', async () => {
    pg = await startPlayground({ maxActivityBytes: 2048 });
    expect((await pg.send('POST', CONVERSATION, { type: 'message', text: 'x'.repeat(4096) })).status).toBe(413);
    expect((await pg.send('POST', CONVERSATION, '[1,2]')).status).toBe(400);
    expect((await pg.send('POST', CONVERSATION, '{"type":')).status).toBe(400);
    expect((await pg.send('POST', 'a:<script>', { type: 'message' })).status).toBe(400);
    const res = await fetch(`${pg.url}/playground/events?conversation=${encodeURIComponent('bad id')}`);
    expect(res.status).toBe(400);
  });

  it('ends open event streams when the server stops', async () => {
    pg = await startPlayground();
    const page = await watch(CONVERSATION);
    pg.playground.close();
    await page.ended;
  });
});

describe('the playground routes', () => {
  it('serve the page with a strict content security policy, and only the files in playground/', async () => {
    pg = await startPlayground();
    const page = await fetch(`${pg.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/playground/vendor/adaptivecards.min.js');

    const script = await fetch(`${pg.url}/playground/assets/playground.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const renderer = await fetch(`${pg.url}/playground/vendor/adaptivecards.min.js`);
    expect(renderer.status).toBe(200);
    expect((await renderer.text()).length).toBeGreaterThan(100_000);
    for (const bad of ['nope.js', '..%2Fpackage.json', '%2E%2E%2Fsrc%2Fconfig.ts']) {
      expect((await fetch(`${pg.url}/playground/assets/${bad}`)).status).toBe(404);
    }
  });

  it('give the page a new conversation and a serviceUrl that reaches this server', async () => {
    pg = await startPlayground();
    const a: any = await (await fetch(`${pg.url}/playground/session`)).json();
    const b: any = await (await fetch(`${pg.url}/playground/session`)).json();
    expect(a.conversation.id).not.toBe(b.conversation.id);
    expect(a.conversation.conversationType).toBe('personal');
    expect(a.user.aadObjectId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.serviceUrl).toBe(`${pg.url}/playground/connector/`);
    expect(a.botRequiresToken).toBe(false);
  });

  it('show the tenant and the audit from the backend and audit log they were given', async () => {
    pg = await startPlayground();
    await pg.exchange.setOutboundConnectorEnabled('Outbound to Contoso on-premises', false);
    await pg.audit.record({
      actor: { id: '29:x', name: 'Megan Bowen', aadObjectId: 'a' },
      verb: 'applyFix',
      result: 'applied',
      powershell: "Set-OutboundConnector -Identity 'Outbound to Contoso on-premises' -Enabled $false",
    });

    const tenant: any = await (await fetch(`${pg.url}/playground/tenant`)).json();
    expect(tenant.backend).toBe('simulated');
    expect(tenant.connectors.find((c: any) => c.name === 'Outbound to Contoso on-premises')).toMatchObject({
      enabled: false,
      smartHosts: ['mail.contoso.com', '203.0.113.5'],
    });
    expect(tenant.acceptedDomains).toContainEqual(expect.objectContaining({ domainName: 'contoso.com', domainType: 'InternalRelay' }));

    const audit: any = await (await fetch(`${pg.url}/playground/audit`)).json();
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ verb: 'applyFix', result: 'applied', actor: { name: 'Megan Bowen' } });
  });

  it('are not there at all when the playground is off', async () => {
    pg = await startPlayground({ enabled: false });
    for (const route of ['/', '/playground/session', '/playground/tenant', '/playground/audit', '/playground/events?conversation=a:1']) {
      expect((await fetch(`${pg.url}${route}`)).status).toBe(404);
    }
    expect((await pg.post(CONVERSATION, 'x')).status).toBe(404);
  });
});

describe('createLocalConnector', () => {
  it('holds at most 200 activities per conversation and 50 conversations by default', () => {
    const connector = createLocalConnector();
    for (let i = 0; i < 205; i++) connector.post('a:busy', { type: 'message', text: String(i) });
    expect(connector.replay('a:busy').map((e) => e.activity.text)).toHaveLength(200);
    expect(connector.replay('a:busy')[0].activity.text).toBe('5');
    for (let i = 0; i < 55; i++) connector.post(`a:c${i}`, { type: 'message', text: 'hi' });
    expect(connector.stats().conversations).toBe(50);
    expect(connector.replay('a:c4')).toEqual([]);
    expect(connector.replay('a:c5')).toHaveLength(1);
  });

  it('keeps its total size under the byte budget, dropping the oldest activities first', () => {
    const connector = createLocalConnector({ maxBytes: 10_000 });
    for (let i = 0; i < 50; i++) connector.post(`a:c${i % 3}`, { type: 'message', text: 'x'.repeat(500) });
    expect(connector.stats().bytes).toBeLessThanOrEqual(10_000);
    expect(connector.stats().activities).toBeGreaterThan(10);
  });

  it('gives messages increasing, unique ids even within one millisecond', () => {
    const connector = createLocalConnector({ clock: () => new Date(1_700_000_000_000) });
    const ids = [0, 1, 2].map(() => connector.post('a:x', { type: 'message' }).activity.id);
    expect(ids).toEqual(['1700000000000', '1700000000001', '1700000000002']);
  });
});
