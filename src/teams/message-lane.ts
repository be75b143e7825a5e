import { DeliveryModes, TurnContext, type Activity, type ConfigurationBotFrameworkAuthentication, type ConversationReference } from 'botbuilder';
import type { Logger } from '../log/logger';
import type { SendReply } from './bot';
import { TURN_FAILED_TEXT } from './create-adapter';

export type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

export interface MessageLaneDeps {
  auth: ConfigurationBotFrameworkAuthentication;
  bot: { answerMessage(activity: Activity, send: SendReply): Promise<void> };
  logger: Logger;
}

/**
 * Message activities take a short road to the bot's message handler: the same authentication result and
 * connector client CloudAdapter would use, botbuilder's conversation reference of the message, replies
 * addressed as TurnContext.applyConversationReference addresses them (addressReply, tested against it) and
 * sent as CloudAdapter sends them (replyToActivity, else
 * sendToConversation), and the same "something went wrong" answer as the adapter's onTurnError. What it
 * skips is the per-turn pipeline around that — TurnContext and turn state, middleware, handler dispatch,
 * schema checks — which took about as much CPU per message as everything else together (bench/http.bench.ts).
 * Every other activity (card actions, installs, members, expectReplies) still goes through CloudAdapter.
 */
export function createMessageLane(deps: MessageLaneDeps) {
  // Local mode (no MicrosoftAppId): botbuilder's answer for a request without a token depends only on the
  // channel and on whether the recipient is a skill (an Emulator skill call gets a skill identity), so it is
  // asked once per such pair, not per message.
  const anonymous = new Map<string, Promise<AuthenticateRequestResult>>();
  const withoutToken = (activity: Activity) => {
    const key = `${activity.channelId ?? ''}|${activity.recipient?.role === 'skill'}`;
    let result = anonymous.get(key);
    if (!result) {
      result = deps.auth.authenticateRequest(activity, '');
      result.catch(() => anonymous.delete(key));
      if (anonymous.size < 100) anonymous.set(key, result);
    }
    return result;
  };

  return {
    /** Messages whose replies go to the Bot Connector (expectReplies wants them in the HTTP answer instead). */
    accepts(activity: Partial<Activity>): boolean {
      return activity.type === 'message' && activity.deliveryMode !== DeliveryModes.ExpectReplies && typeof activity.serviceUrl === 'string';
    },

    /** Answers one message. `authenticated` is the request's checked token; without it (local mode) none is needed. */
    async handle(activity: Activity, authenticated?: AuthenticateRequestResult): Promise<void> {
      const auth = authenticated ?? (await withoutToken(activity));
      (activity as Partial<Activity>).callerId = auth.callerId;
      const connector = await auth.connectorFactory?.create(activity.serviceUrl, auth.audience);
      if (!connector) throw new Error('No connector client for this request (the authentication result had no connector factory).');
      const reference = TurnContext.getConversationReference(activity);
      const send: SendReply = (reply) => {
        const out = addressReply(reply, reference);
        return out.replyToId
          ? connector.conversations.replyToActivity(out.conversation.id, out.replyToId, out)
          : connector.conversations.sendToConversation(out.conversation.id, out);
      };
      try {
        await deps.bot.answerMessage(activity, send);
      } catch (err) {
        deps.logger.error('turn failed', { activityType: activity.type, activityId: activity.id, err: err as Error });
        try {
          await send({ type: 'message', text: TURN_FAILED_TEXT });
        } catch (sendError) {
          deps.logger.warn('could not tell the user about the failure', { err: sendError as Error });
        }
      }
    },
  };
}

export type MessageLane = ReturnType<typeof createMessageLane>;

/**
 * A reply addressed as TurnContext.applyConversationReference(reply, reference) addresses it (from the bot,
 * to the user, in reply to the message, in its conversation and thread), without the reply's own id, as
 * CloudAdapter sends it. The addressing is one object literal and the reply's other fields are copied onto
 * it: an object spread followed by more fields, or a copy with the id deleted, costs V8 a slow path each
 * time (several µs per reply, more than the rest of the addressing together).
 */
export function addressReply(reply: Partial<Activity>, reference: Partial<ConversationReference>): Activity {
  const out: Record<string, unknown> = {
    type: reply.type || 'message',
    channelId: reference.channelId,
    locale: reply.locale ?? reference.locale,
    serviceUrl: reference.serviceUrl,
    conversation: reference.conversation,
    from: reference.bot,
    recipient: reference.user,
    replyToId: reference.activityId ? reference.activityId : reply.replyToId,
  };
  for (const key of Object.keys(reply)) {
    if (key !== 'id' && !Object.prototype.hasOwnProperty.call(out, key)) out[key] = (reply as Record<string, unknown>)[key];
  }
  return out as unknown as Activity;
}
