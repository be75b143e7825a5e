import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createBodyBudget } from '../../src/http/body-budget';
import { createServer, type ServerDeps } from '../../src/http/server';
import { memoryLogger, type Logger } from '../../src/log/logger';

/** The real server with a stand-in for the adapter: it records what restify hands to CloudAdapter.process. */
async function serve(process: ServerDeps['adapter']['process'], logger: Logger = memoryLogger(), env: Record<string, string> = {}) {
  const server = createServer({
    config: loadConfig({ PORT: '0', DATA_DIR: '/tmp', ...env }),
    adapter: { process } as ServerDeps['adapter'],
    bot: { run: async () => undefined },
    logger,
    bodyBudget: createBodyBudget(1024 * 1024),
    health: async () => ({ status: 'ok' as const }),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  servers.push(server);
  return port;
}
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** A raw HTTP/1.1 exchange, so the request target can be written in absolute form. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

const MESSAGE = JSON.stringify({ type: 'message', id: '1', serviceUrl: 'https://smba.example/', conversation: { id: 'a:c' }, text: 'help' });
type Handled = { body: { id: string } };

describe('POST /api/messages', () => {
  it('hands every activity, with its parsed body, to CloudAdapter.process', async () => {
    const handled: string[] = [];
    const port = await serve((async (req: Handled, res: { status(n: number): void; end(): void }) => {
      handled.push(req.body.id);
      res.status(200);
      res.end();
    }) as never);
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: MESSAGE });
    expect(res.status).toBe(200);
    expect(handled).toEqual(['1']);
  });

  it('answers 500 with a JSON error, not silence, when the adapter throws', async () => {
    const port = await serve((async () => {
      throw new Error('boom');
    }) as never);
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: MESSAGE });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal');
  });

  it('takes a request target in absolute form, as restify routes it', async () => {
    const handled: string[] = [];
    const port = await serve((async (req: Handled, res: { status(n: number): void; end(): void }) => {
      handled.push(req.body.id);
      res.status(200);
      res.end();
    }) as never);
    const answer = await raw(
      port,
      `POST http://127.0.0.1:${port}/api/messages?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(MESSAGE)}\r\nConnection: close\r\n\r\n${MESSAGE}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(handled).toEqual(['1']);
  });

  it('refuses a request without a token from its headers, without reading the body or calling the adapter', async () => {
    let called = false;
    const port = await serve((async () => void (called = true)) as never, memoryLogger(), {
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'x',
      ALLOWED_TENANTS: '*',
    });
    // The declared body never arrives: an answer can only come from the headers.
    const answer = await raw(
      port,
      `POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n{`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(called).toBe(false);
  });
});
