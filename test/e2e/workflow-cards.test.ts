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
    expect(text).toContain('left out');
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
    expect(text).toMatch(/2 buttons or inputs of the original card were left out/);
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
