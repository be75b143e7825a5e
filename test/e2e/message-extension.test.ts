import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { cardProblems, visibleTexts } from '../support/validate-card';

// Issue 20, point 2: "Diagnose with Mail Flow Doctor" on a message, and explain from the compose box.
let bot: Harness;
beforeAll(async () => {
  bot = await startBot();
});
afterAll(async () => bot?.stop());

/** A composeExtension invoke as Teams sends it, in a channel. */
function extensionInvoke(name: string, value: Record<string, unknown>) {
  return { ...teamsMessage('', { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }), type: 'invoke', name, text: undefined, value };
}

const FORWARDED_NDR =
  '<div><p>FYI, this bounced:</p><p><b>Delivery has failed to these recipients or groups:</b></p><p>user@contoso.com</p>' +
  '<p>Remote Server returned &#39;450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]&#39;</p></div>';

describe('the message action', () => {
  it("reads a message's HTML body and answers with the diagnosis card in that conversation", async () => {
    bot.connector.clear();
    const activity = extensionInvoke('composeExtension/submitAction', {
      commandId: 'diagnoseMessage',
      commandContext: 'message',
      messagePayload: { id: '1700000000000', body: { contentType: 'html', content: FORWARDED_NDR }, from: { user: { displayName: 'Adele Vance' } } },
    });
    const res = await bot.post(activity);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    assertCardsValid(bot.connector);
    const [card] = bot.connector.cards();
    expect(card?.conversationId).toBe(activity.conversation.id);
    const text = visibleTexts(card!.body.attachments[0].content).join('\n');
    expect(text).toContain('450 4.4.316 Connection refused');
    expect(text).toContain('The server mail.contoso.com (203.0.113.5) refuses connections on port 25');
    expect(text).not.toContain('<b>');
  });

  it('says so in the dialog when the message holds no delivery error, and posts nothing', async () => {
    bot.connector.clear();
    const res = await bot.post(
      extensionInvoke('composeExtension/submitAction', {
        commandId: 'diagnoseMessage',
        commandContext: 'message',
        messagePayload: { body: { contentType: 'html', content: '<p>lunch?</p>' } },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ type: 'message', value: expect.stringContaining('no delivery error code') });
    expect(bot.connector.cards()).toHaveLength(0);
  });
});

describe('the explain search in the compose box', () => {
  it("returns the code's card as a result to insert, with a preview", async () => {
    const res = await bot.post(extensionInvoke('composeExtension/query', { commandId: 'explain', parameters: [{ name: 'code', value: '4.7.320' }] }));
    expect(res.status).toBe(200);
    const result = res.body.composeExtension;
    expect(result).toMatchObject({ type: 'result', attachmentLayout: 'list' });
    const [attachment] = result.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardProblems(attachment.content)).toEqual([]);
    expect(visibleTexts(attachment.content).join('\n')).toContain('4.7.320 Certificate validation failed');
    expect(attachment.preview).toMatchObject({ contentType: 'application/vnd.microsoft.card.thumbnail', content: { title: '4.7.320' } });
  });

  it('answers an empty search with no results, and a malformed code with the card that says why', async () => {
    const empty = await bot.post(extensionInvoke('composeExtension/query', { commandId: 'explain', parameters: [{ name: 'code', value: '' }] }));
    expect(empty.body.composeExtension.attachments).toEqual([]);
    const bad = await bot.post(extensionInvoke('composeExtension/query', { commandId: 'explain', parameters: [{ name: 'code', value: '9.9.9' }] }));
    expect(visibleTexts(bad.body.composeExtension.attachments[0].content).join('\n')).toContain('9.9.9 is not a valid status code');
  });
});

describe('malformed message-extension invokes', () => {
  it('answers an invoke without a value object with 400, and one with odd fields with a clear answer', async () => {
    for (const value of [undefined, 'x', [1]]) {
      const res = await bot.post(extensionInvoke('composeExtension/submitAction', value as never));
      expect(res.status).toBe(400);
      expect(res.body.error ?? res.body).toMatchObject({ code: 'bad_activity' });
    }
    const query = await bot.post(extensionInvoke('composeExtension/query', { commandId: 'explain', parameters: 'x' }));
    expect(query.status).toBe(200);
    expect(query.body.composeExtension.attachments).toEqual([]);
    const noBody = await bot.post(extensionInvoke('composeExtension/submitAction', { commandId: 'diagnoseMessage', messagePayload: { body: { content: 5 } } }));
    expect(noBody.body.task.value).toContain('no delivery error code');
    const other = await bot.post(extensionInvoke('composeExtension/submitAction', { commandId: 'launchMissiles' }));
    expect(other.status).toBe(200);
    expect(other.body.task.type).toBe('message');
  });
});
