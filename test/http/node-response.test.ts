import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botResponse, sendJson } from '../../src/http/node-response';

// Each request path picks what the handler does with the response; a real node server answers it.
const scripts: Record<string, (res: http.ServerResponse) => void> = {
  '/invoke': (res) => {
    const r = botResponse(res);
    r.status(200);
    r.send({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { text: 'Привет' } });
    r.end();
    r.end(); // CloudAdapter may end after send; a second end changes nothing
  },
  '/text': (res) => {
    const r = botResponse(res);
    r.status(401);
    r.send('Unauthorized: no token');
    r.end();
  },
  '/empty': (res) => {
    const r = botResponse(res);
    r.status(405);
    r.header('allow', 'POST');
    r.end();
  },
  '/json': (res) => sendJson(res, 413, { error: { code: 'payload_too_large', message: 'ünïcode' } }),
};

let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => scripts[req.url!](res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('botResponse (botbuilder Response over a plain node response)', () => {
  it('sends an object as JSON with its byte length', async () => {
    const res = await fetch(`${base}/invoke`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text).value.text).toBe('Привет');
  });

  it('sends a string as text', async () => {
    const res = await fetch(`${base}/text`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Unauthorized: no token');
  });

  it('sends a status and headers without a body', async () => {
    const res = await fetch(`${base}/empty`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.text()).toBe('');
  });
});

describe('sendJson', () => {
  it('answers JSON with the byte length of non-ASCII text', async () => {
    const res = await fetch(`${base}/json`);
    expect(res.status).toBe(413);
    const text = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text).error.message).toBe('ünïcode');
  });
});
