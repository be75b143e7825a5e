import { diagnosisProgress } from './diagnosis-progress';
import { randomUUID } from 'node:crypto';
import {
  CardFactory,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationReference,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
} from 'botbuilder';
import { answerPaste, type PasteDeps } from '../chat/answer-paste';
import { explain, helpCard, matchCommand, runCommand, type CommandDeps } from '../chat/commands';
import { runDiagnosis, type CardChannel, type DiagnoseDeps } from '../chat/diagnose';
import { pickLocale, type Locale } from '../knowledge/load-knowledge';
import type { Logger } from '../log/logger';
import { parseErrors } from '../parse/parse-errors';
import { runAction, type ActionDeps, type ActionResult } from '../remediation/actions';
import type { Actor } from '../remediation/actor';
import type { RecheckScheduler } from '../remediation/recheck-scheduler';
import type { AdaptiveCard } from '../render/render-card';
import type { Audience } from '../render/diagnosis-card';
import { escapeMarkdown, fill } from '../render/text';
import type { Store } from '../store/store';
import { forgetConversation, rememberConversation } from './conversation-references';
import { activityLocale, incomingText } from './incoming-text';
import { toInvokeResponse } from './invoke-response';
import type { ProactiveSender } from './proactive-sender';
import { channelOf } from '../alerts/subscriptions';
import { createAdminMembers } from './admin-members';
import { DIAGNOSE_MESSAGE, EXPLAIN_QUERY, messageActionText, queryResult, queryText } from './message-extension';

/** What the bot hands to each part: every handler module gets its own dependencies and nothing more. */
export interface BotDeps {
  paste: PasteDeps;
  commands: CommandDeps;
  actions: ActionDeps;
  diagnose: DiagnoseDeps;
  /** Conversation references, kept when the bot is installed (for alerts and late card updates). */
  conversations: Store;
  /** Sends and updates messages outside a turn (live cards, updates after an invoke was answered). */
  sender: ProactiveSender;
  rechecks: Pick<RecheckScheduler, 'schedule'>;
  /** REMEDIATION_VERIFY_AFTER. */
  verifyAfterMs: number;
  now: () => Date;
  logger: Logger;
}

/**
 * The Teams handler: turns activities into calls on chat/ and remediation/, and their results back
 * into activities. Everything it decides is decided elsewhere. Every activity reaches it through
 * CloudAdapter.process and botbuilder's middleware (re-sent messages are dropped there, ignore-resent.ts).
 */
export class MailFlowDoctorBot extends TeamsActivityHandler {
  private readonly adminMembers = createAdminMembers();

  constructor(private readonly deps: BotDeps) {
    super();
    this.onMessage(async (context, next) => {
      await this.answerMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await rememberConversation(deps.conversations, context.activity);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await forgetConversation(deps.conversations, context.activity.conversation.id);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient.id);
      if (botAdded) {
        await rememberConversation(deps.conversations, context.activity);
        // Greet one person in a 1:1 chat; a whole team or group is not messaged unasked.
        if (context.activity.conversation.conversationType === 'personal') {
          await sendCards(context, [helpCard(localeOf(context.activity), deps.commands, 'help')]);
        }
      }
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      if (context.activity.membersRemoved?.some((m) => m.id === context.activity.recipient.id)) {
        await forgetConversation(deps.conversations, context.activity.conversation.id);
      }
      await next();
    });
  }

  /** A message: a card action from an older client, a command, or a paste to read. */
  private async answerMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const locale = localeOf(activity);

    // Action.Submit fallback (older clients): a message with a value and no text.
    const value = activity.value as { verb?: unknown } | undefined;
    if (value && typeof value === 'object' && typeof value.verb === 'string' && !activity.text) {
      const result = await this.runActionSafely(activity, value.verb, value as Record<string, unknown>, locale);
      if ('card' in result) await sendCards(context, [result.card]);
      else if ('message' in result) await context.sendActivity({ type: 'message', text: result.message });
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
      await sendCards(context, await runCommand(command.name, command.args, locale, this.deps.commands, ctx));
      return;
    }
    const errors = parseErrors(text);
    if (!errors.length) {
      await sendCards(context, [helpCard(locale, this.deps.commands, text ? 'no-code' : 'help')]);
      return;
    }
    await sendCards(context, await answerPaste(errors, locale, this.deps.paste, await this.sharedAudience(context)));
  }

  /**
   * In a group chat or channel, with a list of admins: their MRIs in this conversation (TeamsInfo.getMember
   * by Entra object id; at most 60, as refresh allows), so that only their copies of a card carry Fix now.
   */
  private async sharedAudience(context: TurnContext): Promise<Audience | undefined> {
    const admins = this.deps.actions.roles.admins;
    if (context.activity.conversation.conversationType === 'personal' || admins === '*') return undefined;
    const lookup = async () => {
      const found = await Promise.all(
        admins.slice(0, 60).map((id) =>
          TeamsInfo.getMember(context, id).then(
            (m) => m.id,
            () => undefined, // not in this conversation, or Teams did not say: that admin has no copy with Fix now
          ),
        ),
      );
      return found.filter((id): id is string => !!id);
    };
    // Keyed by the channel, not the thread: a channel's members are the same in every thread.
    return { admins: await this.adminMembers(channelOf(context.activity.conversation.id), lookup), viewer: 'everyone' };
  }

  /** "Diagnose with Mail Flow Doctor" on a message: its delivery errors answered in that conversation. */
  protected override async handleTeamsMessagingExtensionSubmitAction(
    context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    const locale = localeOf(context.activity);
    const ui = this.deps.paste.ui[locale];
    if (action.commandId !== DIAGNOSE_MESSAGE) return { task: { type: 'message', value: ui.unknownActionTitle } };
    const errors = parseErrors(messageActionText(action));
    if (!errors.length) return { task: { type: 'message', value: ui.messageActionNoCode } };
    await sendCards(context, await answerPaste(errors, locale, this.deps.paste, await this.sharedAudience(context)));
    return {};
  }

  /** `explain` from the compose box: the code's card as a result to insert. */
  protected override async handleTeamsMessagingExtensionQuery(context: TurnContext, query: MessagingExtensionQuery): Promise<MessagingExtensionResponse> {
    const code = queryText(query);
    if (query.commandId !== EXPLAIN_QUERY || !code) return queryResult([]);
    const cards = await explain(code, localeOf(context.activity), this.deps.commands);
    return queryResult(cards.map((card) => ({ card, title: code, text: firstText(card) })));
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
    const { actions, sender, rechecks, now, verifyAfterMs, logger } = this.deps;
    try {
      return await runAction(
        {
          verb,
          data,
          actor: actorOf(activity),
          locale,
          conversationId: activity.conversation?.id ?? '',
          card: cardMessageId ? { reference, messageId: cardMessageId, locale } : undefined,
          startDiagnosis: (target) => this.startDiagnosis(activity, target, locale),
          postCard: async (card) => {
            await sender.post(reference, card);
          },
          scheduleRecheck: async (operationId) => {
            if (!cardMessageId) return undefined;
            const due = new Date(now().getTime() + verifyAfterMs).toISOString();
            await rechecks.schedule({ operationId, due, reference, messageId: cardMessageId, locale });
            return due;
          },
          updateCardForAll: async (card) => {
            if (cardMessageId) await sender.update(reference, cardMessageId, card);
          },
        },
        actions,
      );
    } catch (err) {
      const id = randomUUID();
      logger.error('card action failed', { verb, correlationId: id, err: err as Error });
      const ui = actions.ui[locale];
      return { card: actions.renderCard('notice', { title: ui.errorTitle, text: escapeMarkdown(fill(ui.errorText, { id })), color: 'attention' }) };
    }
  }

  /**
   * Runs a probe in the background: the turn (or invoke) is answered at once, and the live card is posted
   * and updated through the conversation reference, as Teams allows after the request has ended.
   */
  private startDiagnosis(activity: Activity, target: string, locale: Locale): void {
    const reference = TurnContext.getConversationReference(activity) as ConversationReference;
    const personal = (activity.conversation?.conversationType ?? 'personal') === 'personal';
    const channel = { ...this.cardChannel(reference), progress: diagnosisProgress(this.deps.sender, reference, personal, this.deps.logger) };
    const userId = activity.from?.aadObjectId || activity.from?.id || 'unknown';
    runDiagnosis(target, userId, locale, channel, this.deps.diagnose).catch((err) => this.deps.logger.error('diagnostics failed', { err: err as Error }));
  }

  /** Posts into, and updates a message in, the conversation of `reference` (in a channel, its thread). */
  private cardChannel(reference: ConversationReference): CardChannel {
    const sender = this.deps.sender;
    return {
      post: (card) => sender.post(reference, card),
      update: (messageId, card) => sender.update(reference, messageId, card),
    };
  }
}

export function localeOf(activity: Partial<Activity>): Locale {
  return pickLocale(activityLocale(activity));
}

function actorOf(activity: Activity): Actor {
  return { id: activity.from?.id ?? '', name: activity.from?.name ?? '', aadObjectId: activity.from?.aadObjectId ?? '' };
}

/** The card's first line of text (its title), for a search result's preview. */
function firstText(node: unknown): string {
  if (Array.isArray(node)) {
    for (const item of node) {
      const text = firstText(item);
      if (text) return text;
    }
    return '';
  }
  if (!node || typeof node !== 'object') return '';
  const element = node as { type?: unknown; text?: unknown; body?: unknown; items?: unknown };
  if (element.type === 'TextBlock' && typeof element.text === 'string') return element.text.replace(/\\(.)/g, '$1');
  return firstText(element.body ?? element.items ?? []);
}

/** One card per message: Teams splits text + attachments and each card can then be updated on its own. */
async function sendCards(context: TurnContext, cards: AdaptiveCard[]): Promise<void> {
  for (const card of cards) {
    await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
  }
}
