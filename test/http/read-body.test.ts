import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpError, readBody } from '../../src/http/read-body';

/** A real server whose handler reports what readBody made of each request. */
let server: http.Server;
let port = 0;
const outcomes: Array<{ body?: string; error?: HttpError }> = [];
let arrived: () => void = () => undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    readBody(req, 1000)
      .then(
        (body) => {
          outcomes.push({ body: body.toString('utf8') });
          res.end('ok');
        },
        (error: HttpError) => {
          outcomes.push({ error });
          if (!res.destroyed) res.writeHead(error.status).end();
        },
      )
      .finally(() => arrived());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const next = () => new Promise<void>((r) => (arrived = r));

/** Writes raw HTTP on a socket: pieces with pauses, optionally hanging up before the end. */
async function rawRequest(head: string, pieces: string[], hangUp = false): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let answer = '';
  socket.on('data', (d) => (answer += d.toString()));
  const ended = new Promise((r) => socket.once('close', r));
  socket.write(head);
  for (const piece of pieces) {
    socket.write(piece);
    await new Promise((r) => setTimeout(r, 10));
  }
  if (hangUp) socket.destroy();
  else await ended;
  return answer;
}

describe('readBody', () => {
  it('joins a body that arrives in several pieces', async () => {
    const done = next();
    const answer = await rawRequest('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nConnection: close\r\n\r\n', ['hello', ' ', 'world']);
    await done;
    expect(answer).toContain('200 OK');
    expect(outcomes.at(-1)).toEqual({ body: 'hello world' });
  });

  it('refuses a declared length over the limit with 413 before reading it', async () => {
    const done = next();
    const answer = await rawRequest('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n', ['x'.repeat(100)], true);
    await done;
    expect(outcomes.at(-1)!.error!.status).toBe(413);
    expect(answer === '' || answer.includes('413')).toBe(true);
  });

  it('refuses a chunked body once it passes the limit with 413', async () => {
    const done = next();
    const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`;
    await rawRequest('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n', [
      chunk('a'.repeat(600)),
      chunk('b'.repeat(600)),
      '0\r\n\r\n',
    ]);
    await done;
    expect(outcomes.at(-1)!.error).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('settles with an error, not never, when the sender hangs up halfway', async () => {
    const done = next();
    await rawRequest('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', ['only part'], true);
    await done;
    expect(outcomes.at(-1)!.error).toMatchObject({ status: 400, code: 'incomplete_body' });
  });
});
