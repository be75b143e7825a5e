import type { ConversationReference } from 'botbuilder';
import { channelOf, type Subscriptions } from '../alerts/subscriptions';
import type { Actor } from '../remediation/actor';
import { mayAct, type Role, type Roles } from '../remediation/roles';
import type { AuditLog } from '../remediation/audit-log';
import type { ExchangeBackend } from '../remediation/backends/exchange-backend';
import { healthCommand, queueCommand, watchCommand, type SignalCommandDeps } from './signal-commands';
import { explainCode } from '../knowledge/explain-code';
import { allowListCard } from '../render/allowlist-card';
import type { AllowListSource } from '../signals/allow-list';
import type { KnowledgeBase, Locale } from '../knowledge/load-knowledge';
import { auditCardData, describeValue, pick } from '../render/fix-cards';
import { diagnosisCardData } from '../render/diagnosis-card';
import type { CardColor } from '../render/card-data';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { bulletList, escapeMarkdown, fill } from '../render/text';
import type { UiCatalog, UiStrings } from '../render/ui-strings';

export interface CommandDeps {
  knowledge: KnowledgeBase;
  ui: UiCatalog;
  renderCard: RenderCard;
  exchange: ExchangeBackend;
  audit: AuditLog;
  now: () => Date;
  subscriptions: Subscriptions;
  /** ALERT_GROUP_WINDOW, for the subscribe confirmation. */
  groupWindowMs: number;
  roles: Roles;
  /** The message trace and service health, for `queue` and `health`. */
  signals: SignalCommandDeps;
  /** The addresses Microsoft 365 sends from (the IP web service), for `allowlist`. */
  allowList: Pick<AllowListSource, 'read'>;
}

export type CommandName =
  | 'help'
  | 'connectors'
  | 'audit'
  | 'explain'
  | 'diagnose'
  | 'queue'
  | 'health'
  | 'watch'
  | 'allowlist'
  | 'subscribe'
  | 'unsubscribe'
  | 'subscriptions';

/** Where the command was typed, and what it may start beyond its immediate answer. */
export interface CommandContext {
  startDiagnosis(target: string): void;
  conversation: { id: string; type: string; reference: Partial<ConversationReference> };
  actor: Actor;
  locale: string;
}
type Command = (args: string, locale: Locale, deps: CommandDeps, ctx: CommandContext) => Promise<AdaptiveCard[]>;

/**
 * Chat commands, in one table: who may run each (everyone, readers, admins) and what it answers. The help
 * card and the command matcher are derived from it.
 */
export const commands = {
  help: {
    role: 'everyone',
    run: async (_args, locale, deps) => [helpCard(locale, deps, 'help')],
  },
  connectors: {
    role: 'reader',
    run: async (_args, locale, deps, ctx) => [await connectorsCard(locale, deps, mayAct(deps.roles, ctx.actor, 'admin'))],
  },
  audit: {
    role: 'reader',
    run: async (_args, locale, deps) => [deps.renderCard('audit', auditCardData(await deps.audit.recent(15), deps.ui[locale]))],
  },
  explain: {
    role: 'everyone',
    run: async (args, locale, deps) => explain(args, locale, deps),
  },
  diagnose: {
    role: 'everyone',
    // Bare `diagnose` explains itself with examples instead of a parse error; anything else starts the probe.
    run: async (args, locale, deps, ctx) => {
      if (!args.trim()) return [diagnoseHelp(deps.ui[locale], deps)];
      ctx.startDiagnosis(args);
      return [];
    },
  },
  queue: {
    role: 'reader',
    run: async (args, locale, deps) => queueCommand(args, locale, deps.signals),
  },
  health: {
    role: 'reader',
    run: async (_args, locale, deps) => healthCommand(locale, deps.signals),
  },
  watch: {
    role: 'reader',
    run: async (_args, locale, deps) => watchCommand(locale, deps.signals),
  },
  // Microsoft's public list: nothing of the tenant's, so everyone may read it.
  allowlist: {
    role: 'everyone',
    run: async (_args, locale, deps) => [allowListCard(await deps.allowList.read(), locale, deps)],
  },
  subscribe: {
    role: 'admin',
    run: async (_args, locale, deps, ctx) => {
      const ui = deps.ui[locale];
      const conversationId = channelOf(ctx.conversation.id);
      // Alerts start their own post: the reference names the channel, not the thread, and no message to reply to.
      const { activityId: _reply, ...reference } = ctx.conversation.reference;
      await deps.subscriptions.add({
        conversationId,
        reference: { ...reference, conversation: { ...reference.conversation!, id: conversationId } },
        conversationType: ctx.conversation.type,
        locale: ctx.locale,
        subscribedBy: ctx.actor,
        at: deps.now().toISOString(),
      });
      const minutes = Math.round(deps.groupWindowMs / 60_000);
      const window = minutes >= 1 ? fill(ui.unitMinutes, { n: minutes }) : fill(ui.unitSeconds, { n: Math.round(deps.groupWindowMs / 1000) });
      return [notice(deps, ui.subscribed, fill(ui.subscribedText, { window }), 'good')];
    },
  },
  unsubscribe: {
    role: 'admin',
    run: async (_args, locale, deps, ctx) => {
      const ui = deps.ui[locale];
      const removed = await deps.subscriptions.remove(channelOf(ctx.conversation.id));
      return [notice(deps, removed ? ui.unsubscribed : ui.notSubscribed, '', 'default')];
    },
  },
  subscriptions: {
    role: 'reader',
    run: async (_args, locale, deps) => {
      const ui = deps.ui[locale];
      const subs = await deps.subscriptions.list();
      const text = subs
        .map(
          (s) =>
            `- ${escapeMarkdown(`${s.conversationType || 'conversation'} ${s.conversationId} (${s.subscribedBy.name || s.subscribedBy.aadObjectId}, ${s.at.slice(0, 16).replace('T', ' ')} UTC)`)}`,
        )
        .join('\r');
      return [deps.renderCard('notice', { title: ui.subscriptionsTitle, text: subs.length ? text : escapeMarkdown(ui.subscriptionsEmpty), color: 'default' })];
    },
  },
} satisfies Record<CommandName, { role: Role; run: Command }>;

/** What `diagnose` checks and how to call it, with one example per form of target. */
function diagnoseHelp(ui: UiStrings, deps: Pick<CommandDeps, 'renderCard'>): AdaptiveCard {
  const examples = [ui['diagHelpExample.name'], ui['diagHelpExample.port'], ui['diagHelpExample.both']];
  return deps.renderCard('notice', {
    title: escapeMarkdown(ui.diagHelpTitle),
    text: `${escapeMarkdown(ui.diagHelpText)}\r${bulletList(examples)}`,
    color: 'default',
  });
}

function notice(deps: Pick<CommandDeps, 'renderCard'>, title: string, text: string, color: CardColor): AdaptiveCard {
  return deps.renderCard('notice', { title: escapeMarkdown(title), text: escapeMarkdown(text), color });
}

/** A whole message that is one of the table's commands (the names are plain words), with its arguments. */
const COMMAND_LINE = new RegExp(`^\\s*\\/?(${Object.keys(commands).join('|')})\\b[ \\t]*([^\\n]{0,300})\\s*$`, 'i');

/** "connectors", "/help", "explain 4.4.316" (only when the whole message is the command). */
export function matchCommand(text: string): { name: CommandName; args: string } | undefined {
  if (text.length > 300) return undefined;
  const m = COMMAND_LINE.exec(text);
  return m ? { name: m[1].toLowerCase() as CommandName, args: m[2].trim() } : undefined;
}

export function commandList(ui: UiStrings) {
  return (Object.keys(commands) as CommandName[]).map((name) => ({
    name: name === 'explain' ? 'explain <code>' : name === 'diagnose' ? 'diagnose <host>[:port]' : name === 'queue' ? 'queue [12h|7d]' : name,
    description: escapeMarkdown(ui[`cmd.${name}`]),
  }));
}

export function helpCard(locale: Locale, deps: Pick<CommandDeps, 'ui' | 'renderCard'>, kind: 'help' | 'no-code'): AdaptiveCard {
  const ui = deps.ui[locale];
  if (kind === 'no-code') {
    return deps.renderCard('no-code', {
      title: escapeMarkdown(ui.noCodeTitle),
      text: escapeMarkdown(ui.noCodeText),
      example: ui.noCodeExample,
      commands: commandList(ui),
      t: { commands: ui.commandsTitle },
    });
  }
  return deps.renderCard('help', {
    title: ui.helpTitle,
    intro: escapeMarkdown(ui.helpIntro),
    paste: escapeMarkdown(ui.helpPaste),
    example: ui.noCodeExample,
    commands: commandList(ui),
    t: { commands: ui.commandsTitle, example: ui.noCodeText },
  });
}

/** `admin`: the viewer may send test mail, so each enabled connector gets Validate (the press is checked again). */
export async function connectorsCard(locale: Locale, deps: Pick<CommandDeps, 'ui' | 'renderCard' | 'exchange'>, admin = false): Promise<AdaptiveCard> {
  const ui = deps.ui[locale];
  const [connectors, domains] = await Promise.all([deps.exchange.listOutboundConnectors(), deps.exchange.listAcceptedDomains()]);
  return deps.renderCard('connectors', {
    connectors: connectors.map((c) => ({
      name: escapeMarkdown(c.name),
      state: c.enabled ? ui.enabled : ui.disabled,
      stateColor: c.enabled ? 'good' : 'attention',
      facts: [
        { title: ui.smartHosts, value: escapeMarkdown(c.smartHosts.join(', ') || '—') },
        { title: ui.tls, value: escapeMarkdown([c.tlsSettings ? describeValue(c.tlsSettings, ui) : ui.tlsNone, c.tlsDomain].filter(Boolean).join(' · ')) },
        { title: ui.recipientDomains, value: escapeMarkdown(c.recipientDomains.join(', ') || '—') },
      ],
      validate: admin && c.enabled ? { title: ui['validate.button'], connector: c.name } : null,
    })),
    domains: domains.map((d) => ({ name: escapeMarkdown(d.domainName), type: describeValue(d.domainType, ui) + (d.default ? ` (${ui.domainDefault})` : '') })),
    backendNote: deps.exchange.kind === 'simulated' ? escapeMarkdown(ui.backendSimulated) : '',
    t: pick(ui, ['connectorsTitle', 'connectorsEmpty', 'domainsTitle', 'domainsEmpty']),
  });
}

/** class.subject.detail as RFC 3463 defines them: class 2, 4 or 5; subject 0-7; detail 0-999. */
const CODE_ARG = /^(?:(\d{3})[ -])?([245]\.[0-7]\.\d{1,3})$/;
const SHAPED_LIKE_CODE = /^(?:\d{3}[ -])?(\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/** `explain <code>`: the code's card, as the chat command and the compose box's search answer it. */
export async function explain(args: string, locale: Locale, deps: CommandDeps): Promise<AdaptiveCard[]> {
  const m = CODE_ARG.exec(args.trim());
  if (!m) {
    // Shaped like a code but outside RFC 3463 (9.9.9, 4.8.1): say so, rather than the generic help.
    const shaped = SHAPED_LIKE_CODE.exec(args.trim());
    if (!shaped) return [helpCard(locale, deps, 'no-code')];
    const ui = deps.ui[locale];
    return [notice(deps, fill(ui.explainInvalidTitle, { code: shaped[1]! }), ui.explainInvalidText, 'warning')];
  }
  const explanation = explainCode(deps.knowledge, locale, m[2]!);
  const data = diagnosisCardData({
    error: { enhancedCode: m[2]!, replyCode: m[1], quotedCodes: [], format: 'plain', excerpt: '' },
    explanation,
    knowledge: deps.knowledge[locale],
    ui: deps.ui[locale],
    now: deps.now(),
    origin: 'explain',
  });
  return [deps.renderCard('diagnosis', data)];
}

/**
 * Runs a command for a user whose role allows it; anyone else gets a card saying who can, and the refusal
 * is audited.
 */
export async function runCommand(name: CommandName, args: string, locale: Locale, deps: CommandDeps, ctx: CommandContext): Promise<AdaptiveCard[]> {
  const command = commands[name];
  if (mayAct(deps.roles, ctx.actor, command.role)) return command.run(args, locale, deps, ctx);
  const ui = deps.ui[locale];
  await deps.audit.record({
    actor: ctx.actor,
    verb: name,
    result: 'refused',
    detail: `needs a ${command.role} (${command.role === 'admin' ? 'ADMIN_USERS' : 'READER_USERS'})`,
    conversationId: ctx.conversation.id,
  });
  const text = fill(command.role === 'admin' ? ui.adminRefusedText : ui.readerRefusedText, {
    name: ctx.actor.name || '?',
    command: name,
    id: ctx.actor.aadObjectId || '?',
  });
  return [notice(deps, command.role === 'admin' ? ui.refusedTitle : ui.readerRefusedTitle, text, 'attention')];
}
