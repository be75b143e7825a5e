import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { startBot, type Harness } from '../support/bot-harness';
import { fixtureActivity } from '../support/activities';
import { visibleTexts } from '../support/validate-card';

let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('installing the bot', () => {
  it('records the conversation reference from installationUpdate and conversationUpdate, and keeps it across a restart', async () => {
    bot = await startBot();
    const channel = fixtureActivity('teams-installationupdate-add-channel-captured');
    channel.serviceUrl = bot.connector.url;
    const personal = fixtureActivity('teams-conversationupdate-bot-added-personal-docs');
    personal.serviceUrl = bot.connector.url;
    personal.recipient.id = personal.membersAdded[0].id; // the docs sample leaves the bot id as a placeholder
    personal.conversation.id = 'a:1personal-chat-with-the-bot';
    expect((await bot.post(channel)).status).toBe(200);
    expect((await bot.post(personal)).status).toBe(200);
    // A 1:1 install is greeted with what the bot can do; a team is not messaged unasked.
    const greetings = bot.connector.cards();
    expect(greetings).toHaveLength(1);
    expect(greetings[0].conversationId).toBe(personal.conversation.id);
    expect(visibleTexts(greetings[0].body.attachments[0].content).join('\n')).toContain('Mail Flow Doctor');
    await bot.stop();
    const store = openSqliteStore(bot.dataDir);
    const saved = (await store.list<{ reference: { serviceUrl: string; conversation: { id: string } } }>('conversations')).map((s) => s.value.reference);
    await store.close();
    expect(saved.map((r) => r.conversation.id).sort()).toEqual([channel.conversation.id, personal.conversation.id].sort());
    expect(saved.every((r) => r.serviceUrl === bot!.connector.url)).toBe(true);
    bot = undefined;
  });
});
