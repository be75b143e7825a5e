import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, teamsMessage } from '../support/activities';
import { startBot, type Harness } from '../support/bot-harness';

const PASTE = '450 4.4.316 Connection refused [LastAttemptedServerName=mail.contoso.com]';

let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** A raw request on loopback with the Host header a rebound name would give (fetch cannot set Host). */
function request(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: any; text: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const postActivity = (h: Harness, headers: Record<string, string>, text = PASTE) =>
  request(h.url, {
    method: 'POST',
    path: '/api/messages',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(teamsMessage(text, { serviceUrl: h.connector.url, from: ADMIN })),
  });

describe('DNS rebinding: the local bot answers only to its own names', () => {
  it('refuses the playground and /api/messages under another Host with 421 and a JSON error, and runs nothing', async () => {
    bot = await startBot({});
    for (const path of ['/', '/playground/session', '/playground/tenant', '/playground/audit', '/playground/assets/playground.js']) {
      const res = await request(bot.url, { path, headers: { host: 'evil.example:3978' } });
      expect(res.status, path).toBe(421);
      expect(res.body.error.code).toBe('misdirected_request');
      expect(res.body.error.message).toContain('ALLOWED_HOSTS');
    }
    const post = await postActivity(bot, { host: 'evil.example' });
    expect(post.status).toBe(421);
    expect(bot.connector.cards()).toHaveLength(0);
    // /healthz answers whatever the name (orchestrators probe it by address or service name).
    expect((await request(bot.url, { path: '/healthz', headers: { host: 'evil.example' } })).status).toBe(200);
  });

  it('serves localhost, 127.0.0.1 and [::1] with any port, and the names in ALLOWED_HOSTS', async () => {
    bot = await startBot({ ALLOWED_HOSTS: 'devbox.contoso.com' });
    for (const host of ['localhost:3978', '127.0.0.1', '[::1]:8080', 'devbox.contoso.com:3978']) {
      const page = await request(bot.url, { path: '/', headers: { host } });
      expect(page.status, host).toBe(200);
      expect(page.text).toContain('<html');
      expect((await postActivity(bot, { host })).status, host).toBe(200);
    }
    expect(bot.connector.cards()).toHaveLength(4);
    expect((await request(bot.url, { path: '/', headers: { host: 'other.contoso.com' } })).status).toBe(421);
  });

  it('checks the playground under another Host with credentials set too, but leaves /api/messages to its token', async () => {
    bot = await startBot({
      PLAYGROUND: 'true',
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      ALLOWED_TENANTS: '*',
      MicrosoftAppPassword: 'not-used-by-this-test',
      MicrosoftAppType: 'MultiTenant',
    });
    expect((await request(bot.url, { path: '/playground/session', headers: { host: 'evil.example' } })).status).toBe(421);
    expect((await postActivity(bot, { host: 'bot.contoso.com' })).status).toBe(401); // Teams uses the public name
  });
});

describe("the playground's token: a browser posts to the local bot only from the page the bot served", () => {
  it('refuses a cross-site browser post without the token, and a wrong token, with 403', async () => {
    bot = await startBot({});
    for (const headers of [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
      { origin: bot.url, 'sec-fetch-site': 'same-origin', 'x-playground-token': 'guessed' },
    ] as Array<Record<string, string>>) {
      const res = await postActivity(bot, { host: 'localhost', ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.message).toContain('playground');
    }
    // The local Bot Connector is refused to a page in the same way (it could fake the bot's messages).
    const connector = await request(bot.url, {
      method: 'POST',
      path: '/playground/connector/v3/conversations/a:playground-x/activities',
      headers: { host: 'localhost', origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ type: 'message', text: 'fake' }),
    });
    expect(connector.status).toBe(403);
    expect(bot.connector.cards()).toHaveLength(0);
  });

  it('accepts the page with the token from /playground/session, and programs (curl, the Emulator) without one', async () => {
    bot = await startBot({});
    const session = await request(bot.url, { path: '/playground/session', headers: { host: 'localhost' } });
    expect(session.body.pageTokenHeader).toBe('x-playground-token');
    expect(session.body.pageToken).toMatch(/^[\w-]{40,}$/);
    const page = { origin: 'http://localhost:3978', 'sec-fetch-site': 'same-origin', 'x-playground-token': session.body.pageToken };
    expect((await postActivity(bot, { host: 'localhost:3978', ...page })).status).toBe(200);
    expect((await postActivity(bot, { host: 'localhost', 'user-agent': 'curl/8.5.0' })).status).toBe(200);
    expect(bot.connector.cards()).toHaveLength(2);
  });

  it('refuses every browser post in local mode with the playground off (no page has the token)', async () => {
    bot = await startBot({ PLAYGROUND: 'false' });
    expect((await postActivity(bot, { host: 'localhost', origin: 'https://evil.example' })).status).toBe(403);
    expect((await postActivity(bot, { host: 'localhost' })).status).toBe(200);
  });
});
