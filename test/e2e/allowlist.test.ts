/**
 * `allowlist` against a stand-in for the Microsoft 365 IP address and URL web service (the version,
 * endpoints and changes methods, shaped as microsoft-365-ip-web-service.md documents them): the SMTP
 * addresses IPv4 and IPv6 apart, an hour's cache, one client request id per installation, and the
 * AddedIp notice posted once to subscribed channels when the version changes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { cardActions, visibleTexts } from '../support/validate-card';
import { pasteAndGetCard, press } from '../support/card-presses';

const SMTP_SET = {
  id: 10,
  serviceArea: 'Exchange',
  serviceAreaDisplayName: 'Exchange Online',
  urls: ['*.mail.protection.outlook.com'],
  ips: ['40.92.0.0/15', '40.107.0.0/16', '52.100.0.0/14', '104.47.0.0/17', '2a01:111:f400::/48', '2a01:111:f403::/48'],
  tcpPorts: '25',
  expressRoute: true,
  category: 'Allow',
  required: true,
};
const WEB_SET = {
  id: 9,
  serviceArea: 'Exchange',
  urls: ['*.protection.outlook.com'],
  ips: ['40.92.0.0/15', '52.238.78.88/32'],
  tcpPorts: '443',
  category: 'Allow',
  required: true,
};

interface Served {
  version: string;
  sets: unknown[];
  changes: unknown[];
  status?: number;
}
let served: Served;
const requests: URL[] = [];
let server: http.Server;
let url = '';
let bot: Harness | undefined;
let now = new Date('2026-12-03T09:00:00Z');
const clock = () => now;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', url);
    requests.push(u);
    const send = (body: unknown) => {
      res.writeHead(served.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (served.status) return send({ error: 'unavailable' });
    if (u.pathname.toLowerCase() === '/version/worldwide') return send({ instance: 'Worldwide', latest: served.version });
    if (u.pathname.toLowerCase() === '/endpoints/worldwide') return send(served.sets);
    if (u.pathname.toLowerCase().startsWith('/changes/worldwide/')) return send(served.changes);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const text = (c: any) => visibleTexts(c).join('\n');
async function allowlist(h: Harness, locale?: string) {
  h.connector.clear();
  await h.post(teamsMessage('allowlist', { serviceUrl: h.connector.url, from: ADMIN, ...(locale && { locale }) }));
  return h.connector.cards()[0]!.body.attachments[0].content;
}

describe('allowlist', () => {
  it('lists the TCP 25 addresses IPv4 and IPv6 apart, caches them for an hour, with one client request id', async () => {
    served = { version: '2026110200', sets: [WEB_SET, SMTP_SET], changes: [] };
    now = new Date('2026-12-03T09:00:00Z');
    requests.length = 0;
    bot = await startBot({ M365_ENDPOINTS_URL: url }, { clock });
    const t = text(await allowlist(bot));
    expect(t).toContain('version 2026110200');
    expect(t).toContain('IPv4 (4)\n40.92.0.0/15\n40.107.0.0/16\n52.100.0.0/14\n104.47.0.0/17');
    expect(t).toContain('IPv6 (2)\n2a01:111:f400::/48\n2a01:111:f403::/48');
    // Set 9 is HTTPS (443), not mail: its extra address is not one Microsoft 365 sends mail from.
    expect(t).not.toContain('52.238.78.88');
    expect(requests.find((r) => r.pathname === '/endpoints/Worldwide')!.searchParams.get('ServiceAreas')).toBe('Exchange');

    const asked = requests.length;
    now = new Date('2026-12-03T09:30:00Z');
    await allowlist(bot);
    expect(requests.length).toBe(asked); // within the hour: from the store

    now = new Date('2026-12-03T10:05:00Z');
    await allowlist(bot);
    // Past the hour the version is asked again; the same version needs no endpoints call.
    expect(requests.slice(asked).map((r) => r.pathname)).toEqual(['/version/Worldwide']);
    const ids = new Set(requests.map((r) => r.searchParams.get('clientrequestid')));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ru = text(await allowlist(bot, 'ru-RU'));
    expect(ru).toContain('Адреса, с которых Microsoft 365 отправляет почту');
    assertCardsValid(bot.connector);
  });

  it('posts the new addresses once to subscribed channels when the version changes', async () => {
    served = { version: '2026110200', sets: [SMTP_SET], changes: [] };
    now = new Date('2026-12-03T09:00:00Z');
    bot = await startBot({ M365_ENDPOINTS_URL: url }, { clock });
    await bot.post(teamsMessage('subscribe', { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }));
    await allowlist(bot);

    served = {
      version: '2026120100',
      sets: [{ ...SMTP_SET, ips: [...SMTP_SET.ips, '52.101.0.0/16', '2a01:111:f406::/48'] }],
      changes: [
        {
          id: 3100,
          endpointSetId: 10,
          disposition: 'change',
          impact: 'AddedIp',
          version: '2026120100',
          previous: { expressRoute: true, category: 'Allow', required: true },
          current: { expressRoute: true, category: 'Allow', required: true },
          add: { effectiveDate: '20261231', ips: ['52.101.0.0/16', '2a01:111:f406::/48'] },
        },
        {
          id: 3101,
          endpointSetId: 9,
          disposition: 'change',
          impact: 'AddedIp',
          version: '2026120100',
          add: { effectiveDate: '20261231', ips: ['52.238.106.116/32'] },
        },
      ],
    };
    now = new Date('2026-12-03T10:05:00Z');
    const card = text(await allowlist(bot));
    expect(card).toContain('IPv4 (5)');
    expect(card).toContain('52.101.0.0/16, 2a01:111:f406::/48 — from');

    const notices = () => bot!.connector.cards().filter((c) => text(c.body.attachments[0].content).includes('will send mail from new addresses'));
    await bot.connector.waitFor(() => notices().length === 1, 10_000);
    const notice = text(notices()[0]!.body.attachments[0].content);
    expect(notice).toContain('version 2026120100');
    expect(notice).toContain('IPv4 (1) — from');
    expect(notice).toContain('52.101.0.0/16');
    expect(notice).toContain('2a01:111:f406::/48');
    expect(notice).not.toContain('52.238.106.116'); // not a mail address

    // Asked again past another hour, with no new version: no second notice (the stand-in's record starts afresh here).
    now = new Date('2026-12-03T11:10:00Z');
    await allowlist(bot);
    await new Promise((r) => setTimeout(r, 1500));
    expect(notices()).toHaveLength(0);
  });

  it('says plainly when the web service cannot be read, and shows the last list it had', async () => {
    served = { version: '2026110200', sets: [SMTP_SET], changes: [] };
    now = new Date('2026-12-03T09:00:00Z');
    bot = await startBot({ M365_ENDPOINTS_URL: url }, { clock });
    await allowlist(bot);
    served = { ...served, status: 503 };
    now = new Date('2026-12-03T10:30:00Z');
    const t = text(await allowlist(bot));
    expect(t).toContain('could not be read just now (the Microsoft 365 IP web service answered 503)');
    expect(t).toContain('40.92.0.0/15');
    await bot.stop();
    bot = await startBot({ M365_ENDPOINTS_URL: url }, { clock });
    const none = text(await allowlist(bot));
    expect(none).toContain('could not be read: the Microsoft 365 IP web service answered 503');
  });

  it('is one tap from a 4.4.316 card', async () => {
    served = { version: '2026110200', sets: [SMTP_SET], changes: [] };
    bot = await startBot({ M365_ENDPOINTS_URL: url }, { clock });
    const { messageId } = await pasteAndGetCard(bot);
    const card = bot.connector.cards()[0]!.body.attachments[0].content;
    const button = cardActions(card).find((a) => a.verb === 'showAllowList');
    expect(button.title).toBe('Addresses to allow');
    bot.connector.clear();
    const res = await press(bot, 'showAllowList', button.data ?? {}, messageId);
    expect(res.body.value).toContain('posted below');
    expect(text(bot.connector.cards()[0]!.body.attachments[0].content)).toContain('104.47.0.0/17');
  });
});
