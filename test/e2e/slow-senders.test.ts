import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { TENANT } from '../support/activities';

const APP_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const CONNECTIONS = 200;
const ALERT_TOKEN = 'alert-token-for-the-slow-sender-test';

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Passes every check that needs no signing key (RS256, a key id, this bot's audience, in date); the signature is junk. */
const plausibleToken = () =>
  `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64({ aud: APP_ID, iss: 'https://api.botframework.com', exp: Math.floor(Date.now() / 1000) + 3600 })}.${Buffer.from('junk').toString('base64url')}`;

interface Slow {
  answer: string;
  closed: boolean;
  socket: net.Socket;
}

/** A client that sends the headers of a chunked POST and then trickles its body, as the attack does. */
function slowPost(url: string, path: string, headers: Record<string, string>, firstChunkBytes: number): Slow {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  const slow: Slow = { answer: '', closed: false, socket };
  socket.on('data', (d) => (slow.answer += d.toString()));
  socket.on('close', () => (slow.closed = true));
  socket.on('error', () => undefined);
  const head = Object.entries({ host: '127.0.0.1', 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n\r\n`);
  const first = '{'.padEnd(firstChunkBytes, ' ');
  socket.write(`${first.length.toString(16)}\r\n${first}\r\n`);
  const trickle = setInterval(() => socket.writable && socket.write('1\r\n \r\n'), 1000);
  socket.on('close', () => clearInterval(trickle));
  return slow;
}

/** The middle of five /healthz answer times while the attack goes on (one sample can catch a GC pause). */
/** How the senders were answered so far (status line, or still open / closed without one), for a failure message. */
function answers(senders: Slow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of senders) {
    const key = s.answer.slice(0, 12) || (s.closed ? 'closed' : 'open');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * Senders offering 100 MB against a 32 MB budget: what arrives beyond it is refused with 503 and
 * Retry-After (how fast it arrives depends on the machine's load, so a good share is waited for, not all),
 * health stays prompt and memory bounded.
 */
async function expectBudgetHeld(senders: Slow[], rssBefore: number): Promise<void> {
  const refused = () => senders.filter((s) => s.answer.startsWith('HTTP/1.1 503'));
  await until(() => refused().length >= CONNECTIONS / 4, 15_000);
  expect(refused().length, JSON.stringify(answers(senders))).toBeGreaterThanOrEqual(CONNECTIONS / 4);
  expect(refused()[0]!.answer.toLowerCase()).toContain('retry-after: 5');
  expect(await healthMs(bot.url)).toBeLessThan(100);
  expect(rssMb(bot.pid) - rssBefore).toBeLessThan(100);
  for (const s of senders) s.socket.destroy();
}

async function healthMs(url: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/healthz`);
    await res.text();
    expect(res.status).toBe(200);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2]!;
}

const until = async (ok: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
};

let bot: BotProcess;
beforeAll(async () => {
  bot = await startBotProcess({
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'not-used-here',
    ALLOWED_TENANTS: TENANT,
    HOST: '127.0.0.1',
    ALERT_WEBHOOK_TOKEN: ALERT_TOKEN,
  });
}, 40_000);
afterAll(async () => bot?.stop());

describe('senders that trickle large bodies without being authenticated', () => {
  it('are answered 401 from their headers and let go at once, without the bot holding their bodies', async () => {
    const before = rssMb(bot.pid);
    const senders = Array.from({ length: CONNECTIONS }, () => slowPost(bot.url, '/api/messages', {}, 16 * 1024));
    await until(() => senders.every((s) => s.closed), 5000);
    expect(senders.filter((s) => s.answer.startsWith('HTTP/1.1 401')).length).toBe(CONNECTIONS);
    expect(senders.every((s) => s.closed)).toBe(true);
    expect(await healthMs(bot.url)).toBeLessThan(100);
    expect(rssMb(bot.pid) - before).toBeLessThan(100);
  }, 30_000);

  it('with a token that still has to be checked, hold at most the shared budget: the rest get 503 with Retry-After', async () => {
    const before = rssMb(bot.pid);
    // 200 × 512 KB would be 100 MB held; the budget is 32 MB.
    const senders = Array.from({ length: CONNECTIONS }, () => slowPost(bot.url, '/api/messages', { authorization: `Bearer ${plausibleToken()}` }, 512 * 1024));
    await expectBudgetHeld(senders, before);
  }, 30_000);

  it('that go silent mid-body are given up after 10 s (408)', async () => {
    const { port } = new URL(bot.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    const started = Date.now();
    socket.write(
      `POST /api/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nauthorization: Bearer ${plausibleToken()}\r\ncontent-length: 1000\r\n\r\n{`,
    );
    await until(() => answer.length > 0, 15_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9000);
    socket.destroy();
  }, 30_000);
});

describe('alert senders that trickle large bodies', () => {
  it('with a wrong Bearer or ?token= are answered 401 from their headers and let go at once', async () => {
    const before = rssMb(bot.pid);
    const senders = [
      ...Array.from({ length: CONNECTIONS / 2 }, () => slowPost(bot.url, '/api/alerts', { authorization: 'Bearer wrong' }, 16 * 1024)),
      ...Array.from({ length: CONNECTIONS / 2 }, () => slowPost(bot.url, '/api/alerts?token=wrong', {}, 16 * 1024)),
    ];
    await until(() => senders.every((s) => s.closed), 5000);
    expect(senders.filter((s) => s.answer.startsWith('HTTP/1.1 401')).length).toBe(CONNECTIONS);
    expect(await healthMs(bot.url)).toBeLessThan(100);
    expect(rssMb(bot.pid) - before).toBeLessThan(100);
  }, 30_000);

  it('signed (the signature needs the body) share the budget: beyond it 503 with Retry-After', async () => {
    const before = rssMb(bot.pid);
    const signed = () => ({ 'x-signature-256': `sha256=${'0'.repeat(64)}`, 'x-timestamp': String(Math.floor(Date.now() / 1000)) });
    const senders = Array.from({ length: CONNECTIONS }, () => slowPost(bot.url, '/api/alerts', signed(), 512 * 1024));
    await expectBudgetHeld(senders, before);
  }, 30_000);
});
