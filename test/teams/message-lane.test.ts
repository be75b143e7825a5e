import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TurnContext, type Activity, type ConfigurationBotFrameworkAuthentication, type ConversationReference } from 'botbuilder';
import { memoryLogger } from '../../src/log/logger';
import { TURN_FAILED_TEXT } from '../../src/teams/create-adapter';
import { addressReply, createMessageLane, type AuthenticateRequestResult } from '../../src/teams/message-lane';
import type { SendReply } from '../../src/teams/bot';
import { fixtureActivity, teamsMessage } from '../support/activities';

/** A connector client that records what it is asked to send. */
function recordingConnector() {
  const calls: { op: string; conversationId: string; activityId?: string; activity: Partial<Activity> }[] = [];
  return {
    calls,
    conversations: {
      replyToActivity: async (conversationId: string, activityId: string, activity: Partial<Activity>) => {
        calls.push({ op: 'reply', conversationId, activityId, activity });
        return { id: 'sent-1' };
      },
      sendToConversation: async (conversationId: string, activity: Partial<Activity>) => {
        calls.push({ op: 'send', conversationId, activity });
        return { id: 'sent-2' };
      },
    },
  };
}

function laneWith(answer: (activity: Activity, send: SendReply) => Promise<void>) {
  const connector = recordingConnector();
  const created: { serviceUrl: string; audience?: string }[] = [];
  const authResult = {
    audience: 'https://api.botframework.com',
    callerId: 'urn:botframework:azure',
    claimsIdentity: {},
    connectorFactory: { create: async (serviceUrl: string, audience?: string) => (created.push({ serviceUrl, audience }), connector) },
  } as unknown as AuthenticateRequestResult;
  const localAuth: string[] = [];
  const auth = {
    authenticateRequest: async (_activity: Activity, header: string) => (localAuth.push(header), authResult),
  } as unknown as ConfigurationBotFrameworkAuthentication;
  const logger = memoryLogger();
  return { lane: createMessageLane({ auth, bot: { answerMessage: answer }, logger }), connector, created, localAuth, logger, authResult };
}

describe('the message lane', () => {
  it('takes messages whose replies go to the Bot Connector, and nothing else', () => {
    const { lane } = laneWith(async () => undefined);
    const message = teamsMessage('help', { serviceUrl: 'https://smba.example/' });
    expect(lane.accepts(message)).toBe(true);
    expect(lane.accepts({ ...message, deliveryMode: 'expectReplies' })).toBe(false);
    expect(lane.accepts({ ...message, serviceUrl: undefined })).toBe(false);
    expect(lane.accepts(fixtureActivity('teams-installationupdate-add-channel-captured'))).toBe(false);
    expect(lane.accepts({ ...message, type: 'invoke' })).toBe(false);
  });

  it('addresses replies as botbuilder does: from the bot to the user, in reply to the message, in its thread', async () => {
    const { lane, connector, created, localAuth } = laneWith(async (_activity, send) => {
      await send({ type: 'message', text: 'first', id: 'must-not-be-sent' } as Partial<Activity>);
      await send({ text: 'second', type: undefined });
    });
    const message = teamsMessage('help', { serviceUrl: 'https://smba.example/emea/', scope: 'channel', locale: 'ru-RU' });
    await lane.handle(message);
    expect(localAuth).toEqual(['']); // local mode: botbuilder's own anonymous result, no token
    expect(created).toEqual([{ serviceUrl: 'https://smba.example/emea/', audience: 'https://api.botframework.com' }]);
    expect(connector.calls.map((c) => [c.op, c.conversationId, c.activityId, c.activity.text])).toEqual([
      ['reply', message.conversation.id, message.id, 'first'],
      ['reply', message.conversation.id, message.id, 'second'],
    ]);
    const sent = connector.calls[0].activity;
    expect(sent).toMatchObject({
      type: 'message',
      from: message.recipient,
      recipient: message.from,
      conversation: message.conversation,
      replyToId: message.id,
      serviceUrl: message.serviceUrl,
      channelId: 'msteams',
      locale: 'ru-RU',
    });
    expect(sent).not.toHaveProperty('id');
    expect(connector.calls[1].activity.type).toBe('message');
  });

  it('asks botbuilder for the anonymous identity once per channel in local mode', async () => {
    const { lane, localAuth } = laneWith(async () => undefined);
    for (let i = 0; i < 3; i++) await lane.handle(teamsMessage('help', { serviceUrl: 'https://smba.example/' }));
    await lane.handle({ ...teamsMessage('help', { serviceUrl: 'http://localhost:3978/' }), channelId: 'emulator' });
    expect(localAuth).toEqual(['', '']);
  });

  it('uses the checked token of the request when there is one: its connector, its caller id', async () => {
    const { lane, localAuth, connector } = laneWith(async (_a, send) => void (await send({ text: 'x' })));
    const own = recordingConnector();
    const checked = { audience: 'aud-of-token', callerId: 'urn:botframework:azure:checked', connectorFactory: { create: async () => own } } as unknown as AuthenticateRequestResult;
    const message = teamsMessage('help', { serviceUrl: 'https://smba.example/' });
    await lane.handle(message, checked);
    expect(localAuth).toEqual([]);
    expect(message.callerId).toBe('urn:botframework:azure:checked');
    expect(own.calls).toHaveLength(1);
    expect(connector.calls).toHaveLength(0);
  });

  it('asks again after botbuilder failed to answer for a channel, and keeps an Emulator skill call apart', async () => {
    const connector = recordingConnector();
    const ok = { audience: 'a', callerId: 'c', connectorFactory: { create: async () => connector } };
    let calls = 0;
    const auth = {
      authenticateRequest: async () => {
        calls++;
        if (calls === 1) throw new Error('transient');
        return ok;
      },
    } as unknown as ConfigurationBotFrameworkAuthentication;
    const lane = createMessageLane({ auth, bot: { answerMessage: async () => undefined }, logger: memoryLogger() });
    const message = () => teamsMessage('help', { serviceUrl: 'https://smba.example/' });
    await expect(lane.handle(message())).rejects.toThrow('transient');
    await lane.handle(message());
    await lane.handle(message());
    expect(calls).toBe(2);
    await lane.handle({ ...message(), channelId: 'emulator', recipient: { id: 'b', role: 'skill' } });
    await lane.handle({ ...message(), channelId: 'emulator' });
    expect(calls).toBe(4);
  });

  it('sends a message without an id to the conversation instead of replying', async () => {
    const { lane, connector } = laneWith(async (_a, send) => void (await send({ text: 'x' })));
    const message = teamsMessage('help', { serviceUrl: 'https://smba.example/' });
    delete message.id;
    await lane.handle(message);
    expect(connector.calls.map((c) => c.op)).toEqual(['send']);
  });

  it('tells the user when answering failed, and logs the error without the message text', async () => {
    const { lane, connector, logger } = laneWith(async () => {
      throw new Error('store unavailable');
    });
    const message = teamsMessage('450 4.4.316 secret paste', { serviceUrl: 'https://smba.example/' });
    await lane.handle(message);
    expect(connector.calls.map((c) => c.activity.text)).toEqual([TURN_FAILED_TEXT]);
    const line = logger.lines.find((l) => l.includes('turn failed'))!;
    expect(line).toContain('store unavailable');
    expect(line).toContain(message.id);
    expect(line).not.toContain('secret paste');
  });
});

describe('addressReply', () => {
  it('addresses a reply exactly as TurnContext.applyConversationReference does, without the reply\'s id', () => {
    const text = fc.option(fc.string(), { nil: undefined });
    const account = fc.record({ id: fc.string(), name: text, role: fc.option(fc.constantFrom('user', 'bot', 'skill'), { nil: undefined }) }, { requiredKeys: ['id'] });
    const reply = fc.record(
      {
        type: fc.option(fc.constantFrom('message', 'typing', ''), { nil: undefined }), id: text, text, locale: fc.option(fc.constantFrom('en-US', 'ru-RU', ''), { nil: undefined }), replyToId: text, attachments: fc.option(fc.array(fc.record({ contentType: fc.string(), content: fc.jsonValue() })), { nil: undefined }),
        // Addressing a reply may carry already: the reference's must win, as in botbuilder.
        from: account, recipient: account, conversation: fc.record({ id: fc.string() }), serviceUrl: fc.string(), channelId: fc.string(),
      },
      { requiredKeys: [] },
    );
    const reference = fc.record(
      { activityId: fc.option(fc.constantFrom('', '1581234', 'f:abc'), { nil: undefined }), user: account, bot: account, conversation: fc.record({ id: fc.string(), conversationType: text }), channelId: fc.constantFrom('msteams', 'emulator'), locale: text, serviceUrl: fc.constantFrom('https://smba.example/emea/', 'http://localhost:1/') },
      { requiredKeys: ['conversation'] },
    );
    fc.assert(
      fc.property(reply, reference, (r, ref) => {
        const expected = TurnContext.applyConversationReference({ ...structuredClone(r), type: r.type || 'message' } as Partial<Activity>, structuredClone(ref) as ConversationReference) as Partial<Activity>;
        delete expected.id;
        const actual = addressReply(structuredClone(r) as Partial<Activity>, structuredClone(ref) as ConversationReference);
        // Compared as sent: JSON leaves out fields that are undefined.
        expect(JSON.parse(JSON.stringify(actual))).toStrictEqual(JSON.parse(JSON.stringify(expected)));
        expect(Boolean(actual.replyToId)).toBe(Boolean(expected.replyToId));
      }),
      { numRuns: 300 },
    );
  });
});
