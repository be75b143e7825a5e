/**
 * /api/alerts as a drop-in for retired Office 365 connector URLs and Teams Workflows webhooks: the body a
 * Workflow's "When a Teams webhook request is received" takes, and the legacy MessageCard, posted to the
 * subscribed channel as the bot's own alert card (Acknowledge, Mute, the diagnosis) with the sender's card
 * under it, cleaned of everything that would call back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, cardInvoke, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { cardActions, visibleTexts } from '../support/validate-card';

const TOKEN = 'workflow-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const fixture = (file: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'alerts', file), 'utf8');

let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

async function channel() {
  bot = await startBot({ ALERT_WEBHOOK_TOKEN: TOKEN });
  await bot.post(teamsMessage('subscribe', { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }));
  bot.connector.clear();
  return bot;
}

async function postedCard(h: Harness, body: string) {
  const res = await h.alert(body, auth);
  expect(res.status).toBe(202);
  await h.connector.waitFor(() => h.connector.cards().some((c) => !c.activityId), 10_000);
  return h.connector.cards().find((c) => !c.activityId)!;
}

const allUrls = (card: unknown) => (JSON.stringify(card).match(/"url":"[^"]*"/g) ?? []).join(' ');

describe('Workflows and MessageCard payloads on /api/alerts', () => {
  it("posts a Workflows card with the bot's Acknowledge, Mute and diagnosis, and none of the sender's callbacks", async () => {
    const h = await channel();
    const post = await postedCard(h, fixture('teams-workflow-queue.json'));
    const card = post.body.attachments[0].content;
    const text = visibleTexts(card).join('\n');
    expect(text).toContain('4.4.316');
    expect(text).toContain('The card as it was sent');
    expect(text).toContain('Mail relay: outbound queue to on-premises');
    expect(text).toContain('Queued');
    expect(text).toContain('1,240 messages');
    const verbs = cardActions(card).flatMap((a) => (a.verb ? [a.verb] : []));
    expect(verbs).toEqual(expect.arrayContaining(['ackAlert', 'muteAlert', 'runDiagnostics']));
    // The sender's Execute (ackAlert), Submit (applyFix), Http and refresh are gone; only the bot's buttons act.
    expect(cardActions(card).filter((a) => a.verb === 'ackAlert')).toHaveLength(1);
    expect(JSON.stringify(card)).not.toContain('"operationId":"x"');
    expect(JSON.stringify(card)).not.toContain('Action.Http');
    expect(JSON.stringify(card)).not.toContain('Input.Text');
    expect(allUrls(card)).toContain('https://grafana.contoso.com/d/relay');
    expect(JSON.stringify(card)).not.toContain('javascript:');
    expect(text).toContain('Left out of the original card');
    // The sender's element id cannot take over the bot's Details toggle.
    expect(JSON.stringify(card)).toContain('"id":"sender-details"');
    assertCardsValid(h.connector);

    // Acknowledge works from the card, as on any alert.
    const ack = cardActions(card).find((a) => a.verb === 'ackAlert');
    const res = await h.post(
      cardInvoke(
        { verb: 'ackAlert', data: ack.data },
        { serviceUrl: h.connector.url, replyToId: post.messageId, from: ADMIN, scope: 'channel', conversationId: post.conversationId },
      ),
    );
    expect(res.status).toBe(200);
    expect(visibleTexts(res.body.value).join('\n')).toContain('Acknowledged');
  });

  it('turns a MessageCard into an Adaptive Card with its sections and facts, OpenUri kept, the rest dropped, and nothing expanded', async () => {
    const h = await channel();
    const post = await postedCard(h, fixture('message-card-relay.json'));
    const card = post.body.attachments[0].content;
    const text = visibleTexts(card).join('\n');
    expect(text).toContain('4.7.320');
    expect(text).toContain('relay01 reports deferred deliveries');
    expect(text).toContain('relay01.contoso.com');
    expect(text).toContain('CRITICAL');
    // A ${…} in the sender's words is shown as written: the card is data, not a template.
    expect(text).toContain('Outbound relay deferring mail for ${user.name}');
    expect(allUrls(card)).toContain('https://nagios.contoso.com/cgi-bin/extinfo.cgi?host=relay01');
    expect(JSON.stringify(card)).not.toContain('nagios.contoso.com/ack');
    expect(text).toContain('Left out of the original card');
    expect(text).toContain('(2 in all)');
    const ack = cardActions(card).find((a) => a.verb === 'ackAlert');
    const res = await h.post(
      cardInvoke(
        { verb: 'ackAlert', data: ack.data },
        { serviceUrl: h.connector.url, replyToId: post.messageId, from: ADMIN, scope: 'channel', conversationId: post.conversationId },
      ),
    );
    expect(visibleTexts(res.body.value).join('\n')).toContain('Acknowledged');
    // The acknowledged card still shows the sender's card, and no longer offers Acknowledge.
    expect(visibleTexts(res.body.value).join('\n')).toContain('relay01 reports deferred deliveries');
    expect(cardActions(res.body.value).some((a) => a.verb === 'ackAlert')).toBe(false);
    assertCardsValid(h.connector);
  });

  it('refuses a card above version 1.5, one of 28 KB or more, and a message without an Adaptive Card, keeping nothing', async () => {
    const h = await channel();
    const workflow = JSON.parse(fixture('teams-workflow-queue.json'));
    const v16 = structuredClone(workflow);
    v16.attachments[0].content.version = '1.6';
    const r16 = await h.alert(JSON.stringify(v16), auth);
    expect(r16.status).toBe(422);
    expect(r16.text).toContain('up to 1.5');
    const big = structuredClone(workflow);
    big.attachments[0].content.body.push({ type: 'TextBlock', text: 'x'.repeat(29 * 1024) });
    const rBig = await h.alert(JSON.stringify(big), auth);
    expect(rBig.status).toBe(413);
    expect(rBig.text).toContain('under 28 KB');
    const none = await h.alert(JSON.stringify({ type: 'message', attachments: [{ contentType: 'image/png', content: {} }] }), auth);
    expect(none.status).toBe(422);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.connector.cards().filter((c) => !c.activityId)).toHaveLength(0);
  });
});

/** Presses Acknowledge on a posted alert card the way Teams sends it, from the channel the card is in. */
async function acknowledge(h: Harness, post: any) {
  const ack = cardActions(post.body.attachments[0].content).find((a) => a.verb === 'ackAlert');
  const res = await h.post(
    cardInvoke(
      { verb: 'ackAlert', data: ack.data },
      { serviceUrl: h.connector.url, replyToId: post.messageId, from: ADMIN, scope: 'channel', conversationId: post.conversationId },
    ),
  );
  expect(res.status).toBe(200);
  return res.body.value;
}

describe('a hostile Workflows card', () => {
  it('is shown as data: its ${…} as written, none of its verbs, inputs, selectActions or non-https links, and Acknowledge still works', async () => {
    const h = await channel();
    const post = await postedCard(h, fixture('teams-workflow-hostile.json'));
    const card = post.body.attachments[0].content;
    const json = JSON.stringify(card);
    const text = visibleTexts(card).join('\n');
    // Never expanded: not by the bot's templating, not by its $data or $when.
    expect(text).toContain("Relay alert for ${user.name}: ${$root.groupId} ${if(true, 'expanded', 'kept')}");
    expect(text).toContain('${title}: ${value}');
    expect(json).not.toMatch(/"\$data"|"\$when"/);
    // Nothing the sender wrote can press one of the bot's buttons: its groupId, operation and connector are nowhere.
    expect(json).not.toContain('forged');
    expect(json).not.toContain('confirmValidate');
    expect(json).not.toMatch(/Action\.Submit|Action\.Http|Action\.ShowCard|Input\.|selectAction|messageBack/);
    // The Mute buttons are the bot's own (for an hour, for a day), not the sender's week.
    expect(
      cardActions(card)
        .filter((a) => a.verb === 'muteAlert')
        .map((a) => a.title),
    ).not.toContain('Mute for a week');
    expect(text).not.toContain('Mute for a week');
    // Links: https only, a javascript: markdown link is its words.
    expect(json).not.toMatch(/javascript:|data:image|http:\/\/intranet/);
    expect(text).toContain('Runbook: click');
    expect(json).not.toContain('attacker.example');
    // The sender's id cannot collide with the bot's.
    expect(json).toContain('"id":"sender-ack"');
    assertCardsValid(h.connector);

    const acked = await acknowledge(h, post);
    const ackedText = visibleTexts(acked).join('\n');
    expect(ackedText).toContain('Acknowledged');
    expect(ackedText).toContain('Relay alert for ${user.name}: ${$root.groupId}');
    expect(JSON.stringify(acked)).not.toContain('forged');
  });
});

describe('a MessageCard from a monitoring system', () => {
  it('names a delivery error in its section, so the card carries the diagnosis and Fix now, and its links work', async () => {
    const h = await channel();
    const post = await postedCard(h, fixture('message-card-prtg.json'));
    const card = post.body.attachments[0].content;
    const text = visibleTexts(card).join('\n');
    expect(text).toContain('SMTP relay queue is Down');
    expect(text).toContain('Destination server: mail.contoso.com');
    expect(text).toContain('Device: relay02.contoso.com');
    expect(cardActions(card).flatMap((a) => (a.verb ? [a.verb] : []))).toEqual(expect.arrayContaining(['fixNow', 'runDiagnostics', 'ackAlert', 'muteAlert']));
    const links = cardActions(card).filter((a) => a.type === 'Action.OpenUrl');
    expect(links.map((a) => [a.title, a.url])).toEqual(
      expect.arrayContaining([
        ['Open in PRTG', 'https://prtg.contoso.com/sensor.htm?id=2041'],
        ['Sensor history', 'https://prtg.contoso.com/historicdata.htm?id=2041'],
      ]),
    );
    expect(JSON.stringify(card)).not.toContain('acknowledgealarm');
    expect(text).toContain('(1 in all)');
    assertCardsValid(h.connector);
    expect(visibleTexts(await acknowledge(h, post)).join('\n')).toContain('Acknowledged');
  });

  it('sent again, updates the one card and counts it, as any alert', async () => {
    const h = await channel();
    const post = await postedCard(h, fixture('message-card-prtg.json'));
    expect((await h.alert(fixture('message-card-prtg.json'), auth)).status).toBe(202);
    await h.connector.waitFor(
      () => h.connector.updates().some((u) => visibleTexts(u.body.attachments?.[0]?.content).join('\n').includes('Occurrences: 2')),
      10_000,
    );
    expect(h.connector.cards().filter((c) => !c.activityId)).toHaveLength(1);
    expect(h.connector.updates().every((u) => u.messageId === post.messageId)).toBe(true);
  });
});

describe('what is answered 202 is kept, sender card and all', () => {
  it('delivers a Workflows card accepted while Teams was down, after a restart, with the card as it was sent', async () => {
    const h = await channel();
    h.connector.setDown(true);
    expect((await h.alert(fixture('teams-workflow-queue.json'), auth)).status).toBe(202);
    await h.connector.waitFor(() => h.connector.refused.length >= 1);
    await h.restart();
    h.connector.setDown(false);
    await h.connector.waitFor(() => h.connector.cards().some((c) => !c.activityId && c.body.attachments), 15_000);
    const text = visibleTexts(h.connector.cards().find((c) => !c.activityId)!.body.attachments[0].content).join('\n');
    expect(text).toContain('The card as it was sent');
    expect(text).toContain('Queued: 1,240 messages');
  }, 30_000);
});

describe('payloads that are not a card Teams would show', () => {
  it.each([
    ['a version 1.6 card', fixture('teams-workflow-v16.json'), 422, 'version 1.6; Teams renders Adaptive Cards up to 1.5'],
    [
      'an attachment whose content is not a card',
      JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: 'hi' }] }),
      422,
      'no attachment of contentType application/vnd.microsoft.card.adaptive',
    ],
    ['a message with no attachments at all', JSON.stringify({ type: 'message', attachments: [] }), 422, 'no attachment'],
    [
      'a card with nothing to show',
      JSON.stringify({
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Input.Text', id: 'x' }] },
          },
        ],
      }),
      422,
      'nothing in it',
    ],
    ['an empty MessageCard', JSON.stringify({ '@type': 'MessageCard', themeColor: 'FF0000' }), 422, 'no title, text, summary or sections'],
    ['a truncated Workflows body', fixture('teams-workflow-queue.json').slice(0, 200), 400, 'not valid JSON'],
  ])('refuses %s with a 4xx that says why, and posts nothing', async (_name, body, status, words) => {
    const h = await channel();
    const res = await h.alert(body, auth);
    expect(res.status).toBe(status);
    expect(res.text).toContain(words);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.connector.cards()).toHaveLength(0);
  });
});
