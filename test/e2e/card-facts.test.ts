import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupErrors } from '../../src/chat/answer-paste';
import type { ParsedError } from '../../src/parse/types';
import { ADMIN, cardInvoke, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { cardActions, visibleTexts } from '../support/validate-card';

// What the card says is what the paste shows: each rule of issue 16 point 4, from a paste to the card.
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'card-facts');
const en = JSON.parse(fs.readFileSync(path.join(__dirname, '../../src/knowledge/locales/en.json'), 'utf8'));
const NOW = new Date('2023-06-14T15:00:00Z');
let bot: Harness;

beforeAll(async () => {
  bot = await startBot({}, { clock: () => NOW });
});
afterAll(async () => bot?.stop());

async function cardsFor(text: string, locale = 'en-US'): Promise<string[]> {
  bot.connector.clear();
  const res = await bot.post(teamsMessage(text, { serviceUrl: bot.connector.url, from: ADMIN, locale }));
  expect(res.status).toBe(200);
  assertCardsValid(bot.connector);
  return bot.connector.cards().map((c) => visibleTexts(c.body.attachments[0].content).join('\n'));
}

describe("Microsoft 365's own detail and the remote server's words", () => {
  it('labels InfoDomainNonexistent as the error detail and says the name does not exist in DNS', async () => {
    const [card] = await cardsFor('450 4.4.312 DNS query failed [Message=InfoDomainNonexistent] [LastAttemptedServerName=mail.contoso.com]');
    expect(card).toContain('Error detail: InfoDomainNonexistent: the name does not exist in DNS');
    expect(card).not.toContain('Remote server said');
  });

  it('interprets SubjectMismatch with the names the certificate was expected to have and had', async () => {
    const [card] = await cardsFor(
      '450 4.7.320 Certificate validation failed [Message=SubjectMismatch Expected Subject: *.contoso.com. Presented Subject: CN=ExchangeServer01. Thumbprint: 0A1B] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]',
    );
    expect(card).toContain("the certificate's name does not match the host");
    expect(card).toContain('the certificate is issued to CN=ExchangeServer01, but *.contoso.com was expected');
    // A name mismatch is not an expiry: the code's general causes give way to the mismatch's own.
    expect(card).not.toContain(en.codes['4.7.320'].causes[0]);
    expect(card).toContain('subject alternative names');
  });

  it("quotes the remote server's own reply and the codes inside it", async () => {
    const [card] = await cardsFor(
      '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=smtp.fabrikam.com] [LastAttemptedIP=192.0.2.44:25]',
    );
    expect(card).toContain('451 5.7.3 STARTTLS is required to send mail');
    expect(card).toMatch(/Codes inside the reply: 5\.7\.3/);
  });

  it('says a Winsock code in words', async () => {
    const [card] = await cardsFor('450 4.4.318 Connection was closed abruptly [Message=Socket error code 10054] [LastAttemptedServerName=mail.contoso.com]');
    expect(card).toMatch(/Error detail: Socket error code 10054: .+ \(WSAECONNRESET\)/);
  });

  it('keeps "Remote server said" for what the remote server sent, and its causes follow it (STARTTLS demanded is not "no TLS")', async () => {
    const [card] = await cardsFor(
      '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=smtp.fabrikam.com] [LastAttemptedIP=192.0.2.44:25]',
    );
    expect(card).toContain('Remote server said: \n451 5.7.3 STARTTLS is required to send mail');
    expect(card).not.toContain('Error detail');
    expect(card).not.toContain("the destination email server doesn't support TLS");
    expect(card).toContain('The server requires STARTTLS, but Microsoft 365 could not start TLS with it');
    // A TLS failure shows the connector's TLS setting on the first screen.
    expect(card).toContain('Connector TLS: Trusted CA certificate for the domain (smtp.fabrikam.com)');
  });
});

describe('labels, retry windows and returned mail', () => {
  it('puts "From your paste" on pastes and nothing of the kind on explain', async () => {
    const [pasted] = await cardsFor('450 4.4.316 Connection refused [LastAttemptedServerName=mail.contoso.com]');
    expect(pasted).toContain('From your paste');
    const [explained] = await cardsFor('explain 4.4.316');
    expect(explained).toContain('4.4.316 Connection refused');
    expect(explained).not.toContain('From your paste');
    expect(explained).not.toContain('What you pasted');
    expect(explained).not.toMatch(/Fix now in the alert|click Fix now/i);
    expect(explained).not.toContain('[Fix now]');
  });

  it('reads a message-trace Reason detail and says when the 24-hour retries end', async () => {
    const reason =
      'Reason: [{LED=450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]};{MSG=};{FQDN=mail.contoso.com};{IP=203.0.113.5};{LRT=6/14/2023 9:41:07 AM}]. OutboundProxyTargetIP: 203.0.113.5. OutboundProxyTargetHostName: mail.contoso.com';
    const texts = await cardsFor(reason);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/Last retry: 2023-06-14 09:41 UTC/);
    // LRT + 24 h = 2023-06-15 09:41 UTC; the clock says 15:00 on the 14th, so 18 h 41 min are left.
    expect(texts[0]).toContain('Bounces: 2023-06-15 09:41 UTC (18 h 41 min left)');
  });

  it('says the window has ended when the last retry is more than 24 hours old', async () => {
    const texts = await cardsFor(
      '{LED=450 4.4.315 Connection timed out};{MSG=Socket error code 10060};{FQDN=mail.contoso.com};{IP=203.0.113.5};{LRT=6/12/2023 8:00:00 AM}',
    );
    expect(texts[0]).toContain('the window has ended');
  });

  it('says nothing about the retry window when the paste has no time to count from', async () => {
    const [card] = await cardsFor('450 4.4.316 Connection refused [LastAttemptedServerName=mail.contoso.com]');
    expect(card).not.toContain('Bounces');
    expect(card).not.toMatch(/cannot say when|24-hour retry window/);
  });

  it('says a 5.x.x form was returned to the sender, never that it stays queued, in both languages', async () => {
    for (const [locale, queued] of [
      ['en-US', /stays queued|waits in the queue|retries each queued/],
      ['ru-RU', /остается в очереди|остаётся в очереди|ждёт в очереди/],
    ] as const) {
      for (const code of ['5.4.312', '5.4.315', '5.4.316', '5.4.317', '5.4.318']) {
        const [card] = await cardsFor(`550 ${code} Message expired [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]`, locale);
        expect(card, `${code} ${locale}`).not.toMatch(queued);
        expect(card, `${code} ${locale}`).toMatch(locale === 'en-US' ? /returned to the sender/ : /возвращен/);
      }
    }
  });

  it('says explain 9.9.9 is not a valid status code', async () => {
    const [card] = await cardsFor('explain 9.9.9');
    expect(card).toContain('9.9.9 is not a valid status code');
    const [subject] = await cardsFor('explain 4.8.1');
    expect(subject).toContain('4.8.1 is not a valid status code');
  });
});

describe('what the paste names, and only that', () => {
  it("states a placeholder as the paste's placeholder, in both languages, and offers no diagnostics of it", async () => {
    const paste =
      '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped." [LastAttemptedServerName = <YourConnectionPoint.domain>]';
    const [card] = await cardsFor(paste);
    expect(card).toContain('Destination server (a placeholder in the paste): YourConnectionPoint.domain');
    expect(card).not.toContain('Destination server: ');
    const [ru] = await cardsFor(paste, 'ru-RU');
    expect(ru).toContain('Сервер назначения (во вставке заполнитель): YourConnectionPoint.domain');
    const [raw] = bot.connector.cards();
    expect(cardActions(raw.body.attachments[0].content).map((a) => a.data?.verb)).not.toContain('runDiagnostics');
  });

  it("gives the earlier reply Exchange Online quotes after '. Error:' a card of its own", async () => {
    const cards = await cardsFor(
      'The SMTP server requires a secure connection or the client was not authenticated. The server response was: 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.',
    );
    expect(cards.join('\n')).toContain('5.7.57');
    expect(cards.some((c) => /5\.7\.139/.test(c) && /SmtpClientAuthentication is disabled/.test(c))).toBe(true);
  });

  it("shows a server's own non-standard code after its reply code, headed by the server's words", async () => {
    const paste = '551 5.9.9 Spam message discarded. If you feel we mistreat you, do contact us';
    const [card] = await cardsFor(paste);
    expect(card.split('\n')[1]).toBe('551 5.9.9');
    expect(card).toContain('The server said: Spam message discarded.');
    expect(card).toContain('This code is not in the knowledge base');
    const [ru] = await cardsFor(paste, 'ru-RU');
    expect(ru).toContain('Ответ сервера: Spam message discarded.');
  });
});

describe('one failure, one card', () => {
  it("reads an NDR's Remote Server returned line and its delivery status block for one recipient as one card", async () => {
    const cards = await cardsFor(fs.readFileSync(path.join(FIXTURES, 'ndr-and-dsn-same-recipient-5.1.1.txt'), 'utf8'));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain('5.1.1');
    expect(cards[0]).toContain('mx1.fabrikam.com');
    expect(cards[0]).not.toContain('Times in this paste');
  });

  it('folds a line naming only the recipient into the block that names the server, without counting it twice', () => {
    const line: ParsedError = { enhancedCode: '5.1.1', recipient: 'Adele@fabrikam.com', quotedCodes: [], format: 'ndr', excerpt: 'Remote Server returned' };
    const block: ParsedError = {
      enhancedCode: '5.1.1',
      server: 'mx1.fabrikam.com',
      recipient: 'adele@fabrikam.com',
      quotedCodes: [],
      format: 'dsn',
      excerpt: 'Status: 5.1.1',
    };
    const other: ParsedError = { ...line, recipient: 'megan@fabrikam.com' };
    const groups = groupErrors([line, block, other]);
    expect(groups).toHaveLength(2);
    const adele = groups.find((g) => g.best.server === 'mx1.fabrikam.com')!;
    expect(adele.count).toBe(1);
    expect(groups.find((g) => g.best.recipient === 'megan@fabrikam.com')?.count).toBe(1);
  });
});

describe('a long paste', () => {
  it("ranks per-recipient errors after connector errors, and a tap on a row posts that error's own card below the summary", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 6; i++)
      lines.push(`user${i}@fabrikam.com,Failed,550 5.1.1 RESOLVER.ADR.RecipNotFound; not found [LastAttemptedServerName=mx${i}.fabrikam.com]`);
    lines.push('450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]');
    const cards = await cardsFor(lines.join('\n'));
    const summary = cards[0]!;
    expect(summary).toContain('errors in this paste');
    expect(summary.indexOf('4.4.316')).toBeLessThan(summary.indexOf('5.1.1'));
    expect(summary).toContain('per recipient');

    const content = bot.connector.cards()[0]!.body.attachments[0].content;
    const row = content.body.find((e: any) => e.selectAction?.data?.error?.enhancedCode === '5.1.1');
    const messageId = bot.connector.cards()[0]!.messageId;
    bot.connector.clear();
    const res = await bot.post(
      cardInvoke({ verb: 'openError', data: row.selectAction.data }, { serviceUrl: bot.connector.url, replyToId: messageId, from: ADMIN }),
    );
    expect(res.status).toBe(200);
    expect(res.body.value).toContain('The card for 5.1.1 is below.');
    await bot.connector.waitFor(() => bot.connector.cards().length === 1, 5_000);
    const opened = visibleTexts(bot.connector.cards()[0]!.body.attachments[0].content).join('\n');
    expect(opened).toContain('550 5.1.1');
    expect(opened).toMatch(/Destination server: mx\d\.fabrikam\.com/);
    // The summary itself is left as it was.
    expect(bot.connector.updates()).toHaveLength(0);
  });

  it('answers a forged row press with no error in it, and posts nothing', async () => {
    bot.connector.clear();
    const res = await bot.post(
      cardInvoke({ verb: 'openError', data: { error: { enhancedCode: '<b>x</b>' } } }, { serviceUrl: bot.connector.url, replyToId: 'm', from: ADMIN }),
    );
    expect(res.status).toBe(200);
    expect(bot.connector.cards()).toHaveLength(0);
    expect(cardActions(res.body.value ?? {})).toEqual([]);
  });
});
