import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { ADMIN, teamsMessage } from '../support/activities';
import { visibleTexts } from '../support/validate-card';

const DIR = path.join(__dirname, '..', 'fixtures', 'pastes');
const scenarios = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.replace('.expected.json', ''));

let bot: Harness;
beforeAll(async () => {
  bot = await startBot();
});
afterAll(async () => bot?.stop());

/** Every fixture, pasted into Teams as a user would: the cards show each code, its destination and the remote reply. */
describe.each(scenarios)('the pasted scenario %s', (name) => {
  const text = fs.readFileSync(path.join(DIR, `${name}.txt`), 'utf8');
  const expected = JSON.parse(fs.readFileSync(path.join(DIR, `${name}.expected.json`), 'utf8')) as { errors: Array<Record<string, any>> };

  it('is answered with cards that show what was extracted', async () => {
    bot.connector.clear();
    const res = await bot.post(teamsMessage(text, { serviceUrl: bot.connector.url, from: ADMIN }));
    expect(res.status).toBe(200);
    assertCardsValid(bot.connector);
    const cards = bot.connector.cards();
    const all = cards.map((c) => visibleTexts(c.body.attachments[0].content).join('\n')).join('\n');
    if (!expected.errors.length) {
      expect(all).toContain('I did not find a delivery error code');
      return;
    }
    expect(cards.length).toBeLessThanOrEqual(4);
    for (const e of expected.errors) {
      expect(all).toContain(e.enhancedCode);
      if (e.server) expect(all).toContain(e.server);
      if (e.ip) expect(all).toContain(e.ip);
    }
    // With a card per error (a short paste), each card also quotes the remote server's own reply.
    if (cards.length === expected.errors.length) {
      for (const e of expected.errors) if (e.remoteReply) expect(all).toContain(e.remoteReply.slice(0, 200));
    }
  });
});

describe('a whole message-trace export', () => {
  it('becomes a summary grouped by code and destination, ranked by impact, with counts, in a few messages', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      const host = `mail${i % 50}.contoso.com`;
      if (i % 4 === 0)
        lines.push(`user${i}@contoso.com,Failed,550 5.4.316 Message expired, connection refused(Socket error code 10061) [LastAttemptedServerName=${host}]`);
      else if (i % 4 === 1)
        lines.push(
          `user${i}@contoso.com,Pending,{LED=450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=${host}] [LastAttemptedIP=203.0.113.${i % 50}:25]}`,
        );
      else if (i % 4 === 2) lines.push(`user${i}@contoso.com,Pending,{LED=450 4.4.315 Connection timed out [LastAttemptedServerName=relay.contoso.com]}`);
      else lines.push(`user${i}@contoso.com,Failed,550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup`);
    }
    bot.connector.clear();
    await bot.post(teamsMessage(lines.join('\n'), { serviceUrl: bot.connector.url, from: ADMIN }));
    assertCardsValid(bot.connector);
    const cards = bot.connector.cards().map((c) => visibleTexts(c.body.attachments[0].content).join('\n'));
    expect(cards.length).toBeLessThanOrEqual(4);
    const summary = cards[0];
    expect(summary).toMatch(/errors in this paste/);
    // 4.4.315 to relay.contoso.com is one group of 50; 5.1.10 (no destination) one group of 50.
    expect(summary).toMatch(/4\.4\.315 [^\n]*\nall mail to this destination\nrelay\.contoso\.com\n50/);
    // Connector errors (all mail to a destination) rank above per-recipient ones, permanent or not: the
    // 101 connector groups fill the rows, and 5.1.10 is named on the line for the rest.
    expect(summary).not.toMatch(/5\.1\.10 [^\n]*\nper recipient/);
    expect(summary).toMatch(/more groups with these codes: [^\n]*5\.1\.10/);
    // Each row opens that error's card.
    const summaryCard = bot.connector.cards()[0].body.attachments[0].content;
    const rows = summaryCard.body.filter((e: any) => e.type === 'ColumnSet' && e.selectAction);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows)
      expect(row.selectAction).toMatchObject({ type: 'Action.Execute', verb: 'openError', data: { error: { enhancedCode: expect.any(String) } } });
    // The columns line up: every row splits the width the same way as the header.
    const widths = (e: any) => e.columns.map((c: any) => c.width).join('/');
    const header = summaryCard.body.find((e: any) => e.type === 'ColumnSet' && !e.selectAction);
    for (const row of rows) expect(widths(row)).toBe(widths(header));
    for (const code of ['5.4.316', '4.4.316', '4.4.315', '5.1.10']) expect(cards.join('\n')).toContain(code);
  });
});

describe('a paste with versions, dates, AS numbers and IP fragments beside the error', () => {
  it('shows only the real code on the cards', async () => {
    const text = [
      '| Swiftmailer version | 5.4.2',
      '| PHP version | 5.6.20-1+deb.sury.org~trusty+1',
      'X-Mailer: MDaemon 5.2.15',
      'Gesendet: Fr., 5.4.24 10:32',
      'announced by AS 4.2.1 from 5.1.4.x',
      'Expected response code 250 but got code "550", with message "550 5.7.60 SMTP; Client does not have permissions to send as this sender"',
    ].join('\n');
    bot.connector.clear();
    const res = await bot.post(teamsMessage(text, { serviceUrl: bot.connector.url, from: ADMIN }));
    expect(res.status).toBe(200);
    assertCardsValid(bot.connector);
    const all = bot.connector
      .cards()
      .map((c) => visibleTexts(c.body.attachments[0].content).join('\n'))
      .join('\n');
    expect(all).toContain('5.7.60');
    for (const lookAlike of ['5.4.2', '5.6.20', '5.2.15', '5.4.24', '4.2.1', '5.1.4']) expect(all).not.toContain(lookAlike);
  });
});
