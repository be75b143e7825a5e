import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, STRANGER, cardInvoke, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { cardActions, cardProblems, visibleTexts } from '../support/validate-card';

// Issue 20, point 1: in shared chats only the admins' copies of a card carry Fix now (Universal Actions refresh).
const PASTE = '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]';
let bot: Harness;

beforeAll(async () => {
  bot = await startBot({ ADMIN_USERS: `${ADMIN.aadObjectId},00000000-0000-4000-8000-00000000abcd` });
  // Teams knows the admin in the conversation by Entra object id; the second listed admin is not a member.
  bot.connector.addMember(ADMIN);
});
afterAll(async () => bot?.stop());

async function pasted(scope: 'channel' | 'groupChat' | 'personal') {
  bot.connector.clear();
  const res = await bot.post(teamsMessage(PASTE, { serviceUrl: bot.connector.url, from: STRANGER, scope }));
  expect(res.status).toBe(200);
  assertCardsValid(bot.connector);
  const call = bot.connector.cards()[0]!;
  return { card: call.body.attachments[0].content, messageId: call.messageId };
}

async function refreshAs(from: typeof ADMIN, data: Record<string, unknown>, messageId: string) {
  const res = await bot.post(cardInvoke({ verb: 'refreshCard', data }, { serviceUrl: bot.connector.url, replyToId: messageId, from, scope: 'channel' }));
  expect(res.body.statusCode).toBe(200);
  expect(cardProblems(res.body.value)).toEqual([]);
  return res.body.value;
}

describe('a Fix now card in a channel or group chat', () => {
  for (const scope of ['channel', 'groupChat'] as const) {
    it(`is sent without Fix now, saying an admin can fix it, and refreshes for the admins who are members (${scope})`, async () => {
      const { card } = await pasted(scope);
      expect(cardActions(card).some((a) => a.verb === 'fixNow')).toBe(false);
      expect(visibleTexts(card).join('\n')).toContain('An Exchange admin can fix this from this card');
      expect(card.refresh).toMatchObject({ action: { type: 'Action.Execute', verb: 'refreshCard' }, userIds: [ADMIN.id] });
    });
  }

  it("answers the refresh per user: the admin's copy has Fix now, anyone else's does not", async () => {
    const { card, messageId } = await pasted('channel');
    const data = card.refresh.action.data;
    const forAdmin = await refreshAs(ADMIN, data, messageId);
    const fixNow = cardActions(forAdmin).find((a) => a.verb === 'fixNow');
    expect(fixNow?.data).toMatchObject({ code: '4.4.316', server: 'mail.contoso.com' });
    expect(visibleTexts(forAdmin).join('\n')).not.toContain('An Exchange admin can fix this');
    // The admin's copy keeps refreshing for the admins.
    expect(forAdmin.refresh.userIds).toEqual([ADMIN.id]);

    const forOther = await refreshAs(STRANGER, data, messageId);
    expect(cardActions(forOther).some((a) => a.verb === 'fixNow')).toBe(false);
    expect(visibleTexts(forOther).join('\n')).toContain('An Exchange admin can fix this from this card');
    expect(visibleTexts(forOther).join('\n')).toContain('450 4.4.316 Connection refused');
  });

  it('asks Teams for the admins once per channel, not for every paste in it', async () => {
    await pasted('channel');
    const before = bot.connector.memberLookups.length;
    await pasted('channel');
    await pasted('channel');
    expect(bot.connector.memberLookups.length).toBe(before);
  });

  it('is as before in a 1:1 chat: Fix now on the card, no refresh', async () => {
    const { card } = await pasted('personal');
    expect(cardActions(card).some((a) => a.verb === 'fixNow')).toBe(true);
    expect(card.refresh ?? null).toBeNull();
  });
});
