import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createServer, type ServerDeps } from '../../src/http/server';
import { memoryLogger, type Logger } from '../../src/log/logger';

/** The real server with stand-ins for what it calls: the message lane decides what happens to a message. */
async function serve(messages: ServerDeps['messages'], logger: Logger = memoryLogger()) {
  const server = createServer({
    config: loadConfig({ PORT: '0', DATA_DIR: '/tmp' }),
    adapter: {} as ServerDeps['adapter'],
    auth: {} as ServerDeps['auth'],
    bot: { run: async () => undefined },
    messages,
    logger,
    health: () => ({ status: 'ok' }),
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

describe('POST /api/messages', () => {
  it('answers 500, not silence, when answering an error fails too', async () => {
    const throwingLogger: Logger = { ...memoryLogger(), error: () => { throw new Error('the log is broken'); } };
    const port = await serve({ accepts: () => true, handle: async () => { throw new Error('boom'); } } as unknown as ServerDeps['messages'], throwingLogger);
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: MESSAGE });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal');
  });

  it('takes a request target in absolute form, as restify routes it', async () => {
    const handled: string[] = [];
    const port = await serve({ accepts: () => true, handle: async (a: { id: string }) => void handled.push(a.id) } as unknown as ServerDeps['messages']);
    const answer = await raw(port, `POST http://127.0.0.1:${port}/api/messages?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(MESSAGE)}\r\nConnection: close\r\n\r\n${MESSAGE}`);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(handled).toEqual(['1']);
  });
});
