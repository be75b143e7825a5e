import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, STRANGER, cardInvoke, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { cardActions, visibleTexts } from '../support/validate-card';

const TOKEN = 'alert-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const PASTE = '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]';
const fixture = (file: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'alerts', file), 'utf8');
const CHANNEL = '19:6848757105754c8981c67612732d9aa7@thread.tacv2';

/** A card as the user sees it: its texts and the verbs of its buttons. */
const seen = (card: any) => ({
  text: visibleTexts(card).join('\n'),
  verbs: cardActions(card).flatMap((a) => (a.verb ? [a.verb] : [])),
});
const posted = (call: any) => seen(call.body.attachments[0].content);

let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** A channel subscribed to alerts, one alert card posted in it, and how Teams sends a press on that card. */
async function channelWithAlert(body: string, locale = 'en-US') {
  bot = await startBot({ ALERT_WEBHOOK_TOKEN: TOKEN, ADMIN_USERS: ADMIN.aadObjectId });
  await bot.post(teamsMessage('subscribe', { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel', locale }));
  bot.connector.clear();
  expect((await bot.alert(body, auth)).status).toBe(202);
  await bot.connector.waitFor(() => bot!.connector.cards().some((c) => !c.activityId));
  const post = bot.connector.cards().find((c) => !c.activityId)!;
  const groupKey = cardActions(post.body.attachments[0].content).find((a) => a.verb === 'ackAlert').data.groupKey;
  // Teams sends the press from the channel the card is in (a reply thread of it).
  const press = (verb: string, data: Record<string, unknown>, from = ADMIN, conversationId = `${post.conversationId};messageid=${post.messageId}`) =>
    bot!.post(
      cardInvoke(
        { verb, data: { groupKey, ...data } },
        { serviceUrl: bot!.connector.url, replyToId: post.messageId, from, scope: 'channel', conversationId, locale },
      ),
    );
  return { post, press };
}

async function auditText(): Promise<string> {
  bot!.connector.clear();
  await bot!.post(teamsMessage('audit', { serviceUrl: bot!.connector.url, from: ADMIN }));
  return posted(bot!.connector.cards()[0]).text;
}

describe('Acknowledge, Mute and Unmute', () => {
  it('Acknowledge and Mute update the card for everyone and are audited; a press from another conversation is refused', async () => {
    const { post, press } = await channelWithAlert(JSON.stringify({ text: PASTE }));
    expect(post.conversationId).toBe(CHANNEL);
    const elsewhere = await press('ackAlert', {}, ADMIN, '19:someotherchannel@thread.tacv2');
    expect(seen(elsewhere.body.value).text).toContain('no longer on record');
    const acked = seen((await press('ackAlert', {})).body.value);
    expect(acked.text).toContain('Acknowledged: Megan Bowen');
    expect(acked.verbs).not.toContain('ackAlert');
    await bot!.connector.waitFor(() =>
      bot!.connector.updates().some((u) => u.activityId === post.messageId && posted(u).text.includes('Acknowledged: Megan Bowen')),
    );
    const muted = seen((await press('muteAlert', { hours: 24 })).body.value);
    expect(muted.text).toContain('Muted until');
    const audit = await auditText();
    expect(audit).toContain('acknowledged');
    expect(audit).toContain('muted for 24 h');
    assertCardsValid(bot!.connector);
  });

  it('Mute turns into Unmute; the card stays still while muted and catches up when unmuted; only an admin, only here', async () => {
    const { post, press } = await channelWithAlert(JSON.stringify({ text: PASTE }));
    const muted = seen((await press('muteAlert', { hours: 1 })).body.value);
    expect(muted.verbs).toEqual(expect.arrayContaining(['ackAlert', 'unmuteAlert']));
    expect(muted.verbs).not.toContain('muteAlert');

    // A second occurrence while muted is counted, but the card is not updated.
    expect((await bot!.alert(JSON.stringify({ text: PASTE }), auth)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 400));
    expect(bot!.connector.updates().filter((u) => u.activityId === post.messageId && posted(u).text.includes('Occurrences: 2'))).toHaveLength(0);

    expect(seen((await press('unmuteAlert', {}, ADMIN, '19:someotherchannel@thread.tacv2')).body.value).text).toContain('no longer on record');
    expect(seen((await press('unmuteAlert', {}, STRANGER)).body.value).text).toContain('Not allowed');

    const unmuted = seen((await press('unmuteAlert', {})).body.value);
    expect(unmuted.verbs.filter((v) => v === 'muteAlert')).toHaveLength(2);
    expect(unmuted.verbs).not.toContain('unmuteAlert');
    expect(unmuted.text).not.toContain('Muted until');
    expect(unmuted.text).toContain('Occurrences: 2');
    // Everyone's copy catches up too, with the occurrence counted while muted.
    await bot!.connector.waitFor(() =>
      bot!.connector
        .updates()
        .some((u) => u.activityId === post.messageId && posted(u).text.includes('Occurrences: 2') && posted(u).verbs.includes('muteAlert')),
    );
    const audit = await auditText();
    expect(audit).toContain('muted for 1 h');
    expect(audit).toContain('unmuted');
    expect(audit).toContain('Alex Wilber'); // the refused press is on record too
    assertCardsValid(bot!.connector);
  });

  it('shows the header in the subscriber language: Russian facts, months and buttons', async () => {
    const { press } = await channelWithAlert(fixture('graph-security-alert-delayed.json'), 'ru-RU');
    const muted = seen((await press('muteAlert', { hours: 1 })).body.value);
    expect(muted.text).toContain('Сообщений в очереди: 2413');
    expect(muted.text).toContain('Началось: 02 дек 2026 12:40 UTC');
    expect(muted.text).toContain('[Возобновить уведомления]');
  });
});
