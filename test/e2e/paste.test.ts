import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { ADMIN, teamsMessage, type Scope } from '../support/activities';
import { startBotProcess } from '../support/bot-process';
import { startConnectorStandIn } from '../support/connector-stand-in';
import { cardActions, markdownTexts, messageBytes, visibleTexts } from '../support/validate-card';

const en = JSON.parse(fs.readFileSync(path.join(__dirname, '../../src/knowledge/locales/en.json'), 'utf8'));
const ru = JSON.parse(fs.readFileSync(path.join(__dirname, '../../src/knowledge/locales/ru.json'), 'utf8'));

const NOW = new Date('2023-06-14T15:00:00Z');
let bot: Harness;

beforeAll(async () => {
  bot = await startBot({}, { clock: () => NOW });
});
afterAll(async () => bot?.stop());
beforeEach(() => bot.connector.clear());

async function paste(text: string, opts: { scope?: Scope; locale?: string; html?: string; expectCards?: number } = {}) {
  const activity = teamsMessage(text, { serviceUrl: bot.connector.url, from: ADMIN, ...opts });
  const res = await bot.post(activity);
  expect(res.status).toBe(200);
  assertCardsValid(bot.connector);
  const cards = bot.connector.cards();
  if (opts.expectCards !== undefined) expect(cards).toHaveLength(opts.expectCards);
  return { activity, cards, texts: cards.map((c) => visibleTexts(c.body.attachments[0].content).join('\n')) };
}

const CONNECTOR_CODES: Array<[string, string, string]> = [
  ['4.4.312', '450 4.4.312 DNS query failed [Message=InfoDomainNonexistent] [LastAttemptedServerName=mail.contoso.com]', 'mail.contoso.com'],
  [
    '4.4.315',
    '450 4.4.315 Connection timed out [Message=Socket error code 10060] [LastAttemptedServerName=hybrid.contoso.com] [LastAttemptedIP=198.51.100.20:25]',
    'hybrid.contoso.com',
  ],
  [
    '4.4.316',
    '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]',
    'mail.contoso.com',
  ],
  [
    '4.4.317',
    '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=smtp.fabrikam.com] [LastAttemptedIP=192.0.2.44:25]',
    'smtp.fabrikam.com',
  ],
  [
    '4.4.318',
    '450 4.4.318 Connection was closed abruptly [Message=Socket error code 10054] [LastAttemptedServerName=relay.tailspintoys.com] [LastAttemptedIP=198.51.100.77:25]',
    'relay.tailspintoys.com',
  ],
  [
    '4.7.320',
    '450 4.7.320 Certificate validation failed [Message=SubjectMismatch] [LastAttemptedServerName=mail.woodgrovebank.com] [LastAttemptedIP=203.0.113.90:25]',
    'mail.woodgrovebank.com',
  ],
];

describe('a pasted connector error in a 1:1 chat', () => {
  it('answers a pasted 4.4.316 with what is wrong, the connector and domain it affects, the facts behind Details and Fix now, as a reply', async () => {
    const { activity, cards, texts } = await paste(CONNECTOR_CODES[2][1], { expectCards: 1 });
    const call = cards[0];
    expect(call.conversationId).toBe(activity.conversation.id);
    expect(call.activityId).toBe(activity.id);
    const text = texts[0];
    expect(text).toContain('450 4.4.316 Connection refused');
    expect(text).toContain('The server mail.contoso.com (203.0.113.5) refuses connections on port 25, so Microsoft 365 queues mail for it.');
    // The simulated tenant's connector routes there, and contoso.com is Internal Relay.
    expect(text).toContain('Connector: Outbound to Contoso on-premises');
    expect(text).toContain('Accepted domain: contoso.com · Internal Relay');
    expect(text).toMatch(/Destination server: mail\.contoso\.com/);
    expect(text).toMatch(/IP address: 203\.0\.113\.5/);
    expect(text).toMatch(/Port: 25/);
    // Microsoft 365's own detail, labelled as such and in words; not "the remote server said".
    expect(text).toMatch(/Error detail: Socket error code 10061: .*refused.*\(WSAECONNREFUSED\)/i);
    expect(text).not.toContain('Remote server said');
    expect(text).toMatch(/SMTP reply code: 450/);
    expect(text.toLowerCase()).toContain('firewall');
    expect(text).toContain(en.partner);
    const fixNow = cardActions(call.body.attachments[0].content).find((a) => a.verb === 'fixNow');
    expect(fixNow?.type).toBe('Action.Execute');
    expect(fixNow.data).toMatchObject({
      code: '4.4.316',
      server: 'mail.contoso.com',
      ip: '203.0.113.5',
      error: { enhancedCode: '4.4.316', socketError: 10061 },
    });
  });

  it.each(CONNECTOR_CODES)('explains %s with the causes the paste leaves, the fixes, and whose server it is', async (code, text, server) => {
    const { texts, cards } = await paste(text, { expectCards: 1 });
    const k = en.codes[code];
    expect(texts[0]).toContain(`${code} ${k.name}`);
    expect(texts[0]).toContain(`Destination server: ${server}`);
    const remote = /\[Message=([^\]]*)\]/.exec(text)![1]!;
    const detail = en.details.entries.find((e: { match: string }) => remote.toLowerCase().includes(e.match.toLowerCase()));
    // A detail that says what went wrong leaves only its own causes (a name mismatch is not an expiry).
    const causes: string[] = detail?.causes ?? k.causes;
    for (const cause of causes) expect(texts[0]).toContain(cause.slice(0, 40));
    if (detail?.causes) for (const cause of k.causes) expect(texts[0]).not.toContain(cause.slice(0, 40));
    for (const fix of k.fixes) expect(texts[0]).toContain(fix.slice(0, 40));
    // The sample tenant routes contoso.com and fabrikam.com; any other server is someone else's.
    const ours = /contoso\.com|fabrikam\.com/.test(server);
    if (ours) expect(texts[0]).toContain(en.partner);
    else expect(texts[0]).toContain(`No connector of yours routes to ${server}`);
    const verbs = cardActions(cards[0].body.attachments[0].content)
      .map((a) => a.verb)
      .filter(Boolean);
    expect(verbs.includes('fixNow')).toBe(code === '4.4.316');
  });

  it("gives any other code a card with the article's other-errors guidance and the RFC 3463 meaning", async () => {
    const { texts } = await paste('Delivery failed: 451 4.4.399 Something odd happened at the far end [LastAttemptedServerName=mx.example.net]', {
      expectCards: 1,
    });
    expect(texts[0]).toContain('4.4.399');
    expect(texts[0]).toContain(en.other.meaning.slice(0, 40));
    expect(texts[0]).toContain(en.rfc3463.class['4']);
    expect(texts[0]).toContain(en.rfc3463.subject['4']);
    expect(texts[0]).toContain('Destination server: mx.example.net');
  });

  it("points any other unlisted code at the paste's own words, not at the connector guidance", async () => {
    const { texts } = await paste('The error we get:\n554 <jane@contoso.com>: Recipient address rejected: Relay access denied', { expectCards: 1 });
    expect(texts[0]).toContain('The server said: <jane@contoso.com>: Recipient address rejected: Relay access denied');
    expect(texts[0]).toContain(en.unlisted.meaning);
    expect(texts[0]).not.toContain(en.other.meaning.slice(0, 40));
    expect(texts[0]).not.toContain(en.partner.slice(0, 40));
    expect(texts[0]).toContain('5.0.0 (not in the paste: the class of reply 554)');
  });

  it('words a failure no server replied to (Gmail could not connect) as the sender reported it', async () => {
    const gmail = [
      'Delivery to the following recipient failed permanently:',
      '     jane@contoso.com',
      'Technical details of permanent failure:',
      'The recipient server did not accept our requests to connect.',
      '[(0) mx.contoso.com. [203.0.113.40]:25: Connection timed out]',
    ].join('\n');
    const { texts } = await paste(gmail, { expectCards: 1 });
    expect(texts[0]).toContain('The sender reported: (0) mx.contoso.com. [203.0.113.40]:25: Connection timed out');
    expect(texts[0]).not.toContain('The server said');
    expect(texts[0]).not.toContain('Remote server said');
    expect(texts[0]).toContain('5.0.0 (not in the paste: the class of the failure the sender reported)');
    expect(texts[0]).toContain('Destination server: mx.contoso.com');
  });

  it('reads an NDR body and shows the expired form with its underlying connector error', async () => {
    const ndr = [
      'Delivery has failed to these recipients or groups:',
      '',
      'Diagnostic information for administrators:',
      'Generating server: AM0PR01MB1234.eurprd01.prod.outlook.com',
      'Receiving server: AM0PR01MB1234.eurprd01.prod.outlook.com',
      '',
      'user@contoso.com',
      "6/14/2023 9:41:07 AM - Server at AM0PR01MB1234.eurprd01.prod.outlook.com returned '550 5.4.316 Message expired, connection refused(Socket error code 10061)'",
      "6/14/2023 9:30:01 AM - Server at mail.contoso.com (203.0.113.5) returned '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]'",
    ].join('\n');
    const { texts } = await paste(ndr);
    const all = texts.join('\n---\n');
    expect(all).toContain('5.4.316');
    expect(all).toContain('4.4.316');
    expect(all).toContain('Destination server: mail.contoso.com');
    expect(all).not.toMatch(/Destination server: AM0PR01MB1234/);
  });
});

describe('group chats, channels and languages', () => {
  it('answers an @mention in a group chat, without the mention in what it read', async () => {
    const { activity, cards, texts } = await paste(CONNECTOR_CODES[2][1], { scope: 'groupChat', expectCards: 1 });
    expect(cards[0].conversationId).toBe(activity.conversation.id);
    expect(texts[0]).toContain('4.4.316');
  });

  it('replies in the same channel thread', async () => {
    const { activity, cards } = await paste(CONNECTOR_CODES[0][1], { scope: 'channel', expectCards: 1 });
    expect(activity.conversation.id).toContain(';messageid=');
    expect(cards[0].conversationId).toBe(activity.conversation.id);
    expect(cards[0].activityId).toBe(activity.id);
  });

  it('puts the cards in the HTTP answer when the sender asks for expectReplies, and sends nothing', async () => {
    const activity = { ...teamsMessage(CONNECTOR_CODES[2][1], { serviceUrl: bot.connector.url, from: ADMIN }), deliveryMode: 'expectReplies' };
    const res = await bot.post(activity);
    expect(res.status).toBe(200);
    expect(bot.connector.calls).toHaveLength(0);
    expect(res.body.activities).toHaveLength(1);
    expect(visibleTexts(res.body.activities[0].attachments[0].content).join('\n')).toContain('4.4.316');
    expect(res.body.activities[0].replyToId).toBe(activity.id);
  });

  it('reads text Teams delivered as HTML with entities and non-breaking spaces', async () => {
    const html =
      '<p>450&nbsp;4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com]&nbsp;[LastAttemptedIP=203.0.113.5:25]</p>';
    const { texts } = await paste(html, { scope: 'channel', expectCards: 1 });
    expect(texts[0]).toContain('Destination server: mail.contoso.com');
    expect(texts[0]).toContain('IP address: 203.0.113.5');
  });

  it("answers in Russian when the user's locale is ru-RU", async () => {
    const { texts } = await paste(CONNECTOR_CODES[2][1], { locale: 'ru-RU', expectCards: 1 });
    expect(texts[0]).toContain(ru.codes['4.4.316'].name);
    expect(texts[0]).toContain('Вероятные причины');
    expect(texts[0]).toContain(ru.codes['4.4.316'].causes[0].slice(0, 30));
    expect(texts[0]).toContain('Сервер назначения: mail.contoso.com');
  });

  it('falls back to English for a language it has no texts for', async () => {
    const { texts } = await paste(CONNECTOR_CODES[2][1], { locale: 'de-DE', expectCards: 1 });
    expect(texts[0]).toContain('Likely causes');
  });
});

describe('success lines in a paste', () => {
  it('answers a paste of only success lines with a delivered card naming the server and recipient, not "no error code"', async () => {
    const log = [
      'Jan 23 03:30:03 mx1 postfix/smtp[21388]: 4JhJXC248TzgB0: to=<jane@contoso.com>, relay=mx.contoso.com[203.0.113.9]:25, delay=0.51, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4JhJXC5F4CzgB6)',
      'Jan 23 03:30:03 mx1 postfix/qmgr[11964]: 4JhJXC248TzgB0: removed',
    ].join('\n');
    const { texts } = await paste(log, { expectCards: 1 });
    expect(texts[0]).toContain('Delivered');
    expect(texts[0]).toContain('250 2.0.0');
    expect(texts[0]).toContain('mx.contoso.com (203.0.113.9) · jane@contoso.com');
    expect(texts[0]).not.toContain('I did not find a delivery error code');
  });

  it('gives the failures of a mixed paste their cards and mentions what was delivered', async () => {
    const trace = [
      '<jane@contoso.com>: host mx.contoso.com[203.0.113.9] said: 250 2.1.5 Recipient OK',
      '<joe@contoso.com>: host mx.contoso.com[203.0.113.9] said: 550 5.1.1 <joe@contoso.com>: Recipient address rejected: User unknown',
    ].join('\n');
    const { texts } = await paste(trace, { expectCards: 1 });
    expect(texts[0]).toContain('5.1.1');
    expect(texts[0]).toContain('Delivered in the same paste: 250 2.1.5 to mx.contoso.com (203.0.113.9) · jane@contoso.com');
  });

  it('does not call a session that failed after its recipient was accepted delivered', async () => {
    const session = 'RCPT TO:<jane@contoso.com>\n250 2.1.5 Recipient OK\nDATA\n354 Start mail input\n554 5.7.1 Message rejected as spam';
    const { texts } = await paste(session, { expectCards: 1 });
    expect(texts[0]).toContain('5.7.1');
    expect(texts[0]).not.toContain('Delivered');
  });
});

describe('text without an error code, and commands', () => {
  it('answers text with no code with what to paste and an example', async () => {
    const { texts } = await paste('mail to our on-prem server is stuck, help?', { expectCards: 1 });
    expect(texts[0]).toContain('I did not find a delivery error code');
    expect(texts[0]).toContain('450 4.4.316 Connection refused');
  });

  it('lists the commands on help', async () => {
    const { texts } = await paste('help', { scope: 'channel', expectCards: 1 });
    for (const c of ['help', 'connectors', 'audit', 'explain']) expect(texts[0]).toContain(`${c}`);
  });

  it('explains a code without a paste', async () => {
    const { texts } = await paste('explain 4.7.320', { expectCards: 1 });
    expect(texts[0]).toContain(`4.7.320 ${en.codes['4.7.320'].name}`);
  });
});

describe('bad and hostile input', () => {
  it('answers malformed JSON with 400 and a clear message', async () => {
    const res = await bot.postRaw('{"type": "message", "text": ');
    expect(res.status).toBe(400);
    expect(res.text).toContain('not valid JSON');
  });

  it('answers an empty activity with 400', async () => {
    expect((await bot.post({})).status).toBe(400);
    expect((await bot.postRaw('')).status).toBe(400);
    expect((await bot.postRaw('[1,2]')).status).toBe(400);
  });

  it('answers fields of the wrong type with the help card, and a serviceUrl that is not http(s) with 400', async () => {
    for (const odd of [{ text: 12345 }, { text: { a: 1 } }, { text: '450 4.4.316', entities: 'x', attachments: 7 }]) {
      bot.connector.clear();
      const res = await bot.post({ ...teamsMessage('x', { serviceUrl: bot.connector.url, from: ADMIN }), ...odd });
      expect(res.status).toBe(200);
      assertCardsValid(bot.connector);
      expect(bot.connector.cards()).toHaveLength(1);
    }
    for (const serviceUrl of ['ftp://x/', 'not a url', 42]) {
      const res = await bot.post({ ...teamsMessage('help', { serviceUrl: bot.connector.url }), serviceUrl });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad_activity');
    }
  });

  it('serves /api/messages for POST only, with or without a query string, and leaves other paths to restify', async () => {
    const get = await fetch(`${bot.url}/api/messages`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(((await get.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');

    bot.connector.clear();
    const res = await fetch(`${bot.url}/api/messages?trace=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsMessage('help', { serviceUrl: bot.connector.url })),
    });
    expect(res.status).toBe(200);
    expect(bot.connector.cards()).toHaveLength(1);

    const other = await fetch(`${bot.url}/api/messages/extra`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(other.status).toBe(404);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });

  it('refuses an activity without a conversation with 400, also one nested 100,000 levels deep, and keeps serving', async () => {
    bot.connector.clear();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const body of ['{"type":"message","text":"hi"}', `{"type":"message","text":"hi","value":${deep}}`, '{"type":"message","conversation":{"id":42}}']) {
      const res = await bot.postRaw(body);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error.code).toBe('bad_activity');
    }
    expect(bot.connector.calls).toHaveLength(0);
    expect((await bot.post(teamsMessage('help', { serviceUrl: bot.connector.url }))).status).toBe(200);
    expect(bot.connector.cards()).toHaveLength(1);
  });

  it('answers errors as JSON with a length', async () => {
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text).error.code).toBe('unsupported_media_type');
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await bot.postRaw(JSON.stringify({ type: 'message', text: 'x'.repeat(5 * 1024 * 1024) }));
    expect(res.status).toBe(413);
  });

  it('answers a 2 MB paste with bounded cards', async () => {
    const line =
      '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25] ';
    const big = line.repeat(Math.ceil((2 * 1024 * 1024) / line.length)) + ' tail 550 5.1.1 RESOLVER.ADR.RecipNotFound; not found';
    const { cards } = await paste(big);
    expect(cards.length).toBeGreaterThanOrEqual(1);
    expect(cards.length).toBeLessThanOrEqual(6);
    for (const c of cards) expect(messageBytes(c.body)).toBeLessThan(28 * 1024);
  });

  it("states a setting's variable as the placeholder it is, written as the paste writes it, never evaluated", async () => {
    const { texts } = await paste('MP_SMTP_RELAY_HOST: ${RELAY_HOST}\nerror response to RCPT command: 550 5.7.1 Relaying denied', { expectCards: 1 });
    expect(texts[0]).toContain('Destination server (a placeholder in the paste)');
    expect(texts[0]).toContain('${RELAY_HOST}');
    bot.connector.clear();
    const slot = await paste('SMTP Endpoint: <tenant-domain>.mail.protection.outlook.com\n550 5.7.1 Service unavailable, Client host blocked using Spamhaus', {
      expectCards: 1,
    });
    expect(slot.texts[0]).toContain('<tenant-domain>.mail.protection.outlook.com');
  });

  it('shows markdown links and template expressions as plain text, never evaluated or live', async () => {
    const hostile =
      '450 4.4.316 Connection refused [Message=[click me](https://evil.example/x) **boom** ${1+1} ${$root.t}] [LastAttemptedServerName=[x](https://evil.example)] [LastAttemptedIP=203.0.113.5:25]';
    const { cards, texts } = await paste(hostile, { expectCards: 1 });
    const card = cards[0].body.attachments[0].content;
    const json = JSON.stringify(card);
    expect(json).not.toContain('"2"');
    expect(texts[0]).toContain('${1+1}');
    for (const t of markdownTexts(card)) {
      const unescaped = t.replace(/\\./g, '');
      expect(unescaped).not.toContain('](');
      expect(unescaped).not.toContain('**');
    }
  });
});

describe('messages Teams sends again', () => {
  it('answers a re-sent message once, also when it arrives after a restart', async () => {
    const h = await startBot();
    try {
      const activity = teamsMessage('450 4.4.316 Connection refused [LastAttemptedServerName=mail.contoso.com]', { serviceUrl: h.connector.url, from: ADMIN });
      expect((await h.post(activity)).status).toBe(200);
      expect(h.connector.cards()).toHaveLength(1);
      expect((await h.post(activity)).status).toBe(200);
      expect(h.connector.cards()).toHaveLength(1);

      await h.restart();
      expect((await h.post(activity)).status).toBe(200);
      expect(h.connector.cards()).toHaveLength(1);
      // Another message in the same conversation is still answered.
      expect((await h.post({ ...activity, id: `${activity.id}-2` })).status).toBe(200);
      expect(h.connector.cards()).toHaveLength(2);
    } finally {
      await h.stop();
    }
  });
});

describe('a message Teams sends again after the bot crashed', () => {
  it('is answered once: the first copy was written down before it was answered', async () => {
    const connector = await startConnectorStandIn();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-crash-'));
    const env = { DATA_DIR: dataDir };
    const activity = teamsMessage('450 4.4.316 Connection refused [LastAttemptedServerName=mail.contoso.com]', { serviceUrl: connector.url, from: ADMIN });
    const send = (url: string) =>
      fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    let bot = await startBotProcess(env);
    try {
      expect((await send(bot.url)).status).toBe(200);
      expect(connector.cards()).toHaveLength(1);
      await bot.kill(); // kill -9 right after the answer
      bot = await startBotProcess(env);
      expect((await send(bot.url)).status).toBe(200); // Teams' retry reaches the restarted bot
      expect(connector.cards()).toHaveLength(1);
    } finally {
      await bot.stop();
      await connector.close();
    }
  }, 60_000);
});

describe('a reply without an enhanced status code', () => {
  it('shows the class it was given as such, not as a code the paste contains', async () => {
    bot.connector.clear();
    const text = "smtplib.SMTPRecipientsRefused: {'user@fabrikam.com': (550, b'Mailbox unavailable or access denied')}";
    expect((await bot.post(teamsMessage(text, { serviceUrl: bot.connector.url, from: ADMIN }))).status).toBe(200);
    const card = visibleTexts(bot.connector.cards()[0]!.body.attachments[0].content).join('\n');
    expect(card).toContain('5.0.0 (not in the paste: the class of reply 550)');
  });
});
