import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, cardInvoke, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { visibleTexts } from '../support/validate-card';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function say(bot: Harness, text: string): Promise<{ text: string; cards: any[] }> {
  bot.connector.clear();
  const res = await bot.post(teamsMessage(text, { serviceUrl: bot.connector.url, from: ADMIN }));
  expect(res.status).toBe(200);
  assertCardsValid(bot.connector);
  const cards = bot.connector.cards().map((c) => c.body.attachments[0].content);
  return { text: cards.map((c) => visibleTexts(c).join('\n')).join('\n---\n'), cards };
}

/** Every Action.Execute on a card, wherever it sits. */
function executes(card: unknown): any[] {
  const found: any[] = [];
  JSON.stringify(card, (_k, v) => {
    if (v && typeof v === 'object' && v.type === 'Action.Execute') found.push(v);
    return v;
  });
  return found;
}

describe('queue and health on the built-in simulated tenant', () => {
  let bot: Harness;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(async () => bot?.stop());

  it('lists the pending mail by connector, the most urgent first, with counts, time left, the deferral reason and the senders', async () => {
    const { text } = await say(bot, 'queue');
    expect(text).toContain('Mail waiting in Microsoft 365 — messages: 7, destinations: 2');
    expect(text).toContain('Message trace, last 48 hours, checked');
    const contoso = text.indexOf('Outbound to Contoso on-premises — contoso.com (203.0.113.5)');
    const fabrikam = text.indexOf('Partner Fabrikam (TLS required) — fabrikam.com (198.51.100.20)');
    expect(contoso).toBeGreaterThan(-1);
    expect(fabrikam).toBeGreaterThan(contoso);
    expect(text).toContain('Messages: 5, recipients: 3');
    expect(text).toContain('Messages: 2, recipients: 2');
    expect(text).toMatch(/Last deferral reason: 4\.4\.316 Connection refused — mail\.contoso\.com \(203\.0\.113\.5\)/);
    expect(text).toMatch(/Last deferral reason: 4\.7\.320 Certificate validation failed — smtp\.fabrikam\.com/);
    // The oldest sample message was received 190 minutes before start: 20 h 50 min are left, give or take the run.
    expect(text).toMatch(/Bounces: .* UTC \(20 h (4[5-9]|50) min left\)/);
    expect(text).toMatch(
      /Senders: adele\.vance@contoso\.onmicrosoft\.com, alex\.wilber@contoso\.onmicrosoft\.com, isaiah\.langer@contoso\.onmicrosoft\.com, nestor\.wilke@contoso\.onmicrosoft\.com/,
    );
    expect(text).toContain('Microsoft is working on EX900001 since');
  });

  it("opens a destination's diagnosis card, with Fix now for the connector that routes there", async () => {
    const { cards } = await say(bot, 'queue');
    const open = executes(cards[0]).filter((a) => a.verb === 'openError');
    expect(open).toHaveLength(2);
    bot.connector.clear();
    const res = await bot.post(cardInvoke({ verb: 'openError', data: open[0].data }, { serviceUrl: bot.connector.url, replyToId: 'queue-card', from: ADMIN }));
    expect(res.status).toBe(200);
    const posted = bot.connector.cards().map((c) => c.body.attachments[0].content);
    const diagnosis = posted.find((c) => visibleTexts(c).join('\n').includes('4.4.316'));
    expect(diagnosis).toBeDefined();
    expect(visibleTexts(diagnosis).join('\n')).toContain('Outbound to Contoso on-premises');
    expect(executes(diagnosis).some((a) => a.verb === 'fixNow')).toBe(true);
  });

  it('names the open incident on a pasted error card, and health lists it with its latest update', async () => {
    const pasted = await say(bot, '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com]');
    expect(pasted.text).toMatch(/Microsoft is working on EX900001 since \d{4}-\d\d-\d\d \d\d:\d\d UTC: Some users may see delays/);
    const health = await say(bot, 'health');
    expect(health.text).toContain('EX900001 · incident · serviceDegradation · since');
    expect(health.text).toContain('Latest update');
    expect(health.text).toContain('We are reviewing outbound queues');
    expect(health.text).not.toContain('<p>');
  });

  it('answers a window it cannot read with how to ask', async () => {
    expect((await say(bot, 'queue 100d')).text).toContain('at most 90 days');
    expect((await say(bot, 'queue soon')).text).toContain('queue 7d');
  });

  it('answers in Russian', async () => {
    bot.connector.clear();
    await bot.post(teamsMessage('queue', { serviceUrl: bot.connector.url, from: ADMIN, locale: 'ru-RU' }));
    const text = bot.connector
      .cards()
      .map((c) => visibleTexts(c.body.attachments[0].content).join('\n'))
      .join('\n');
    expect(text).toContain('В Microsoft 365 ждут отправки писем: 7');
    expect(text).toContain('Последняя причина задержки');
  });
});

describe('queue on a simulated tenant of its own (EXCHANGE_SIM_STATE)', () => {
  let bot: Harness;
  let file: string;
  const now = Date.now();
  const at = (ms: number) => new Date(now - ms).toISOString();
  const trace = (id: number, receivedAgo: number, recipient: string, toIP: string, status = 'Pending', reason?: string) => ({
    id: `00000000-0000-4000-9000-${String(id).padStart(12, '0')}`,
    messageId: `<m${id}@contoso.com>`,
    senderAddress: `sender${id % 7}@contoso.com`,
    recipientAddress: recipient,
    subject: `m${id}`,
    status,
    receivedDateTime: at(receivedAgo),
    toIP,
    ...(reason && { details: [{ id: `d${id}`, event: 'Defer', description: reason, dateTime: at(receivedAgo - 60_000) }] }),
  });
  const state = (traces: unknown[]) => ({
    connectors: [{ name: 'To Litware', enabled: true, smartHosts: ['mx.litware.example'], recipientDomains: ['litware.example'], tlsSettings: null }],
    acceptedDomains: [{ domainName: 'contoso.com', domainType: 'Authoritative', default: true }],
    messageTraces: traces,
    serviceHealthIssues: [],
  });

  beforeAll(async () => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-queue-')), 'tenant.json');
    const traces = [
      trace(
        1,
        12 * DAY,
        'a@tailspin.example',
        '192.0.2.10',
        'Pending',
        '450 4.4.315 Connection timed out [LastAttemptedServerName=mx.tailspin.example] [LastAttemptedIP=192.0.2.10:25]',
      ),
      trace(2, 2 * HOUR, 'b@tailspin.example', '192.0.2.10'),
      trace(
        3,
        3 * HOUR,
        'c@litware.example',
        '198.51.100.7',
        'Pending',
        '451 4.4.317 Cannot connect to remote server [LastAttemptedServerName=mx.litware.example]',
      ),
      trace(4, 1 * HOUR, 'd@litware.example', '198.51.100.7', 'Delivered'),
      ...Array.from({ length: 8 }, (_, i) => trace(10 + i, 30 * 60_000 + i * 1000, `user${i}@woodgrove.example`, '203.0.113.40', 'Pending')),
    ];
    fs.writeFileSync(file, JSON.stringify(state(traces)));
    bot = await startBot({ EXCHANGE_SIM_STATE: file });
  });
  afterAll(async () => bot?.stop());

  it('reads a 14-day window in two queries of at most 10 days and finds mail in both', async () => {
    const { text } = await say(bot, 'queue 14d');
    expect(text).toContain('last 14 days in 2 queries of at most 10 days');
    expect(text).toContain('tailspin.example (192.0.2.10)');
    expect(text).toContain('Messages: 2, recipients: 2');
    expect(text).toContain('4.4.315 Connection timed out — mx.tailspin.example (192.0.2.10)');
    // The 12-day-old message bounced long ago by Microsoft's rule: its time is up.
    expect(text).toMatch(/tailspin\.example \(192\.0\.2\.10\)\nMessages: 2, recipients: 2\nOldest received: .*\nBounces: .* UTC \(the window has ended\)/);
  });

  it('groups by connector when one routes there, else by domain and IP; delivered mail is not queued; no reason yet is said so', async () => {
    const { text } = await say(bot, 'queue');
    // In 48 hours only the 2-hour-old message to Tailspin is in the window.
    expect(text).toContain('tailspin.example (192.0.2.10)\nMessages: 1, recipients: 1');
    expect(text).toContain('To Litware — litware.example (198.51.100.7)');
    expect(text).toContain('Messages: 1, recipients: 1');
    expect(text).toContain('woodgrove.example (203.0.113.40)');
    expect(text).toContain('Messages: 8, recipients: 8');
    expect(text).toContain('Last deferral reason: None in the trace yet');
    expect(text).toMatch(/Senders: (sender\d@contoso\.com, ){4}sender\d@contoso\.com and 2 more/);
  });

  it('says so when nothing is waiting, with the time it checked', async () => {
    fs.writeFileSync(file, JSON.stringify(state([trace(50, HOUR, 'x@litware.example', '198.51.100.7', 'Delivered')])));
    const { text } = await say(bot, 'queue');
    expect(text).toContain('No mail is waiting in Microsoft 365');
    expect(text).toMatch(/The message trace shows no pending messages in the last 48 hours \(checked \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
  });
});
