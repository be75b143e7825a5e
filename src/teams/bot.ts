import { randomUUID } from 'node:crypto';
import {
  CardFactory,
  TeamsActivityHandler,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type CloudAdapter,
  type ConversationReference,
} from 'botbuilder';
import { answerPaste, type PasteDeps } from '../chat/answer-paste';
import { commands, helpCard, matchCommand, type CommandDeps } from '../chat/commands';
import { runDiagnosis, type CardChannel, type DiagnoseDeps } from '../chat/diagnose';
import { pickLocale, type Locale } from '../knowledge/load-knowledge';
import type { Logger } from '../log/logger';
import { parseErrors } from '../parse/parse-errors';
import { runAction, type ActionDeps, type ActionResult } from '../remediation/actions';
import type { Actor } from '../remediation/actor';
import type { AdaptiveCard, CardJson, RenderCardJson } from '../render/render-card';
import { escapeMarkdown, fill } from '../render/text';
import type { Store } from '../store/store';
import { createSeenActivities, type SeenActivities } from './seen-activities';
import { activityLocale, incomingText } from './incoming-text';
import { toInvokeResponse } from './invoke-response';
import type { ProactiveSender } from './proactive-sender';
import type { RecheckScheduler } from '../remediation/recheck-scheduler';
import { forgetConversation, rememberConversation } from './conversation-references';

export interface BotDeps extends PasteDeps, CommandDeps, Omit<ActionDeps, 'logger'>, Omit<DiagnoseDeps, 'logger' | 'knowledge' | 'ui' | 'renderCard'> {
  /** The answer to a paste is only sent: its cards are written straight to JSON. */
  renderCardJson: RenderCardJson;
  store: Store;
  /** Which messages were answered already; by default kept through `store`. */
  seen?: SeenActivities;
  logger: Logger;
  /** For updating a card after the invoke that asked for it has been answered. */
  adapter: CloudAdapter;
  /** Sends and updates messages outside a turn. */
  sender: ProactiveSender;
  rechecks: RecheckScheduler;
  /** REMEDIATION_VERIFY_AFTER. */
  verifyAfterMs: number;
  appId: string;
}

/**
 * The Teams handler: turns activities into calls on chat/ and remediation/, and their results back
 * into activities. Everything it decides is decided elsewhere.
 */
export class MailFlowDoctorBot extends TeamsActivityHandler {
  private readonly seen;
  private readonly pasteDeps: PasteDeps<CardJson>;

  constructor(private readonly deps: BotDeps) {
    super();
    this.seen = deps.seen ?? createSeenActivities(deps.store);
    this.pasteDeps = { knowledge: deps.knowledge, ui: deps.ui, now: deps.now, renderCard: deps.renderCardJson };
    this.onMessage(async (context, next) => {
      await this.answerMessage(context.activity, (reply) => context.sendActivity(reply));
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await rememberConversation(deps.store, context.activity);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await forgetConversation(deps.store, context.activity.conversation.id);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient.id);
      if (botAdded) {
        await rememberConversation(deps.store, context.activity);
        // Greet one person in a 1:1 chat; a whole team or group is not messaged unasked.
        if (context.activity.conversation.conversationType === 'personal') {
          await sendCards((reply) => context.sendActivity(reply), [helpCard(localeOf(context.activity), deps, 'help')]);
        }
      }
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      if (context.activity.membersRemoved?.some((m) => m.id === context.activity.recipient.id)) {
        await forgetConversation(deps.store, context.activity.conversation.id);
      }
      await next();
    });
  }

  /**
   * Answers a message activity through `send` (one activity per call, addressed by the caller). Reached from
   * botbuilder's turn (onMessage) and from the message lane (message-lane.ts), which skips the turn pipeline.
   */
  async answerMessage(activity: Activity, send: SendReply): Promise<void> {
    if (await this.isRetry(activity)) return;
    const locale = localeOf(activity);

    // Action.Submit fallback (older clients): a message with a value and no text.
    const value = activity.value as { verb?: unknown } | undefined;
    if (value && typeof value === 'object' && typeof value.verb === 'string' && !activity.text) {
      const result = await this.runActionSafely(activity, value.verb, value as Record<string, unknown>, locale);
      if ('card' in result) await sendCards(send, [result.card]);
      else if ('message' in result) await send({ type: 'message', text: result.message });
      return;
    }

    const text = incomingText(activity);
    const command = matchCommand(text);
    if (command) {
      const ctx = {
        startDiagnosis: (target: string) => this.startDiagnosis(activity, target, locale),
        conversation: {
          id: activity.conversation.id,
          type: activity.conversation.conversationType ?? '',
          reference: TurnContext.getConversationReference(activity),
        },
        actor: actorOf(activity),
        locale,
      };
      await sendCards(send, await commands[command.name](command.args, locale, this.deps, ctx));
      return;
    }
    const errors = parseErrors(text);
    if (!errors.length) {
      await sendCards(send, [helpCard(locale, this.deps, text ? 'no-code' : 'help')]);
      return;
    }
    await sendCards(send, answerPaste(errors, locale, this.pasteDeps));
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const action = invokeValue.action;
    const data = (action.data && typeof action.data === 'object' ? action.data : {}) as Record<string, unknown>;
    const verb = typeof action.verb === 'string' ? action.verb : typeof data.verb === 'string' ? data.verb : '';
    const result = await this.runActionSafely(context.activity, verb, data, localeOf(context.activity));
    return toInvokeResponse(result);
  }

  /** Opaque failures become guidance at one seam: a short card with a reference; the stack goes to the log. */
  private async runActionSafely(activity: Activity, verb: string, data: Record<string, unknown>, locale: Locale): Promise<ActionResult> {
    const reference = TurnContext.getConversationReference(activity) as ConversationReference;
    const cardMessageId = activity.replyToId;
    try {
      return await runAction(
        {
          verb,
          data,
          actor: actorOf(activity),
          locale,
          conversationId: activity.conversation?.id ?? '',
          startDiagnosis: (target) => this.startDiagnosis(activity, target, locale),
          scheduleRecheck: async (operationId) => {
            if (!cardMessageId) return undefined;
            const due = new Date(this.deps.now().getTime() + this.deps.verifyAfterMs).toISOString();
            await this.deps.rechecks.schedule({ operationId, due, reference, messageId: cardMessageId, locale });
            return due;
          },
          updateCardForAll: async (card) => {
            if (cardMessageId) await this.deps.sender.update(reference, cardMessageId, card);
          },
        },
        this.deps,
      );
    } catch (err) {
      const id = randomUUID();
      this.deps.logger.error('card action failed', { verb, correlationId: id, err: err as Error });
      const ui = this.deps.ui[locale];
      return { card: this.deps.renderCard('notice', { title: ui.errorTitle, text: escapeMarkdown(fill(ui.errorText, { id })), color: 'attention' }) };
    }
  }

  /**
   * Runs a probe in the background: the turn (or invoke) is answered at once, and the live card is posted
   * and updated through the conversation reference, as Teams allows after the request has ended.
   */
  private startDiagnosis(activity: Activity, target: string, locale: Locale): void {
    const channel = this.cardChannel(TurnContext.getConversationReference(activity) as ConversationReference);
    const userId = activity.from?.aadObjectId || activity.from?.id || 'unknown';
    runDiagnosis(target, userId, locale, channel, this.deps).catch((err) => this.deps.logger.error('diagnostics failed', { err: err as Error }));
  }

  /** Posts into, and updates a message in, the conversation of `reference` (in a channel, its thread). */
  private cardChannel(reference: ConversationReference): CardChannel {
    const sender = this.deps.sender;
    return {
      post: (card) => sender.post(reference, card),
      update: (messageId, card) => sender.update(reference, messageId, card),
    };
  }

  /** Teams re-sends an activity it thinks timed out (~15 s); answer each message once. */
  private async isRetry(activity: Activity): Promise<boolean> {
    if (!activity.id) return false;
    const first = await this.seen.firstTime(activity.conversation?.id ?? '', activity.id);
    if (!first) this.deps.logger.info('duplicate activity ignored', { activityId: activity.id });
    return !first;
  }
}

export function localeOf(activity: Partial<Activity>): Locale {
  return pickLocale(activityLocale(activity));
}

function actorOf(activity: Activity): Actor {
  return { id: activity.from?.id ?? '', name: activity.from?.name ?? '', aadObjectId: activity.from?.aadObjectId ?? '' };
}

/** Sends one reply into the conversation of the message being answered. */
export type SendReply = (reply: Partial<Activity>) => Promise<unknown>;

/** One card per message: Teams splits text + attachments and each card can then be updated on its own. */
async function sendCards(send: SendReply, cards: (AdaptiveCard | CardJson)[]): Promise<void> {
  for (const card of cards) {
    await send({ type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
  }
}
