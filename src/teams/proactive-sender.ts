import { type Activity, CardFactory, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import type { ConnectorClient } from 'botframework-connector';
import type { AdaptiveCard } from '../render/render-card';

/** A failed send, classified for the caller: retry later, wait, or give the conversation up. */
export class SendError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly retryAfterMs: number | undefined,
    message: string,
  ) {
    super(message);
  }
  /** Teams says the conversation is gone or the bot was removed from it. */
  get gone(): boolean {
    return this.status === 403 || this.status === 404;
  }
}

export interface ProactiveSender {
  post(reference: Partial<ConversationReference>, card: AdaptiveCard): Promise<string>;
  /** Any other activity (typing, a streamed update, a text message) as a new message in the conversation; its id. */
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string>;
  update(reference: Partial<ConversationReference>, messageId: string, card: AdaptiveCard): Promise<void>;
}

/** Sends outside a turn (alerts), through the conversation reference saved when the bot was installed or subscribed. */
export function createProactiveSender(adapter: CloudAdapter, appId: string): ProactiveSender {
  const send = async (reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> => {
    let id = '';
    await call((fail) =>
      adapter.continueConversationAsync(
        appId,
        reference,
        guarded(fail, async (ctx) => {
          const client = ctx.turnState.get<ConnectorClient>(ctx.adapter.ConnectorClientKey);
          const full = {
            from: reference.bot,
            recipient: reference.user,
            conversation: reference.conversation,
            channelId: reference.channelId,
            serviceUrl: reference.serviceUrl,
            ...activity,
          } as Activity;
          id = activity.entities?.length
            ? await sendAsIs(client, reference, full)
            : ((await client.conversations.sendToConversation(reference.conversation!.id, full)).id ?? '');
        }),
      ),
    );
    return id;
  };
  return {
    send,
    // A new message in the conversation (POST /v3/conversations/{id}/activities), not a reply to the
    // continuation activity: in a channel thread the conversation id itself names the thread.
    post: (reference, card) => send(reference, { type: 'message', attachments: [CardFactory.adaptiveCard(card)] }),
    async update(reference, messageId, card) {
      await call((fail) =>
        adapter.continueConversationAsync(
          appId,
          reference,
          guarded(fail, async (ctx) => {
            await ctx.updateActivity({ id: messageId, type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
          }),
        ),
      );
    },
  };
}

/**
 * Runs a send; botbuilder hands an exception inside continueConversationAsync to onTurnError and does not
 * rethrow it, so the logic passed in records its own failure and it is raised here, classified.
 */
async function call(fn: (fail: (err: unknown) => void) => Promise<void>): Promise<void> {
  let failure: unknown;
  try {
    await fn((err) => (failure = err));
  } catch (err) {
    failure = err;
  }
  if (failure !== undefined) {
    const err = failure;
    const e = err as { statusCode?: number; response?: { headers?: { get?(name: string): string | undefined } }; message?: string };
    const status = e.statusCode;
    const retryAfter = e.response?.headers?.get?.('retry-after');
    throw new SendError(status, parseRetryAfter(retryAfter), `Teams answered ${status ?? 'with a network error'}: ${(e.message ?? '').slice(0, 200)}`);
  }
}

/** Wraps turn logic so that its exception is handed to `fail` instead of to the adapter's onTurnError. */
function guarded(fail: (err: unknown) => void, logic: (ctx: TurnContext) => Promise<void>) {
  return async (ctx: TurnContext) => {
    try {
      await logic(ctx);
    } catch (err) {
      fail(err);
    }
  };
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The same POST /v3/conversations/{id}/activities through the connector client's own pipeline (its
 * credentials, retries and errors), with the activity's JSON as it is. botframework-connector 4.23.3's
 * Entity mapper keeps only an entity's `type`, so Teams' streamInfo fields would not survive
 * sendToConversation (fixed upstream in botbuilder-js #4903, not released as of 4.23.3).
 */
async function sendAsIs(client: ConnectorClient, reference: Partial<ConversationReference>, activity: Activity): Promise<string> {
  const base = (reference.serviceUrl ?? '').replace(/\/+$/, '');
  const res = await client.sendRequest(
    createPipelineRequest({
      url: `${base}/v3/conversations/${encodeURIComponent(reference.conversation!.id)}/activities`,
      method: 'POST',
      headers: createHttpHeaders({ 'content-type': 'application/json; charset=utf-8' }),
      body: JSON.stringify(activity),
      // As the connector client's own calls do for an http serviceUrl (the Emulator, the playground, tests).
      allowInsecureConnection: base.startsWith('http://'),
    }),
  );
  if (res.status >= 300) throw Object.assign(new Error(`The Bot Connector answered ${res.status}`), { statusCode: res.status });
  try {
    return (JSON.parse(res.bodyAsText ?? '{}') as { id?: string }).id ?? '';
  } catch {
    return '';
  }
}
