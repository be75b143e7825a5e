import type { Locale } from '../knowledge/load-knowledge';
import type { Logger } from '../log/logger';
import { explainCode } from '../knowledge/explain-code';
import type { KnowledgeBase } from '../knowledge/load-knowledge';
import { chooseConnectorCardData, confirmCardData, fixResultCardData, type FixOutcome } from '../render/fix-cards';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { escapeMarkdown, fill, formatUtc } from '../render/text';
import type { UiCatalog, UiStrings } from '../render/ui-strings';
import type { Actor } from './actor';
import { mayAct, type Roles } from './roles';
import type { AuditLog } from './audit-log';
import { ExchangeError, type ExchangeBackend } from './backends/exchange-backend';
import { inverseOf, type Change } from './change';
import { applySetting, describeChange, planChanges, powershellFor, readSetting, type PlanInput } from './kinds';
import { connectorsFor } from './kinds/connector-routing';
import type { CardRef, Operation, Operations } from './operations';
import type { AlertControls } from '../alerts/alert-controls';
import type { AlertGroup } from '../alerts/alert-group';
import { channelOf } from '../alerts/subscriptions';

export interface ActionContext {
  verb: string;
  data: Record<string, unknown>;
  actor: Actor;
  locale: Locale;
  conversationId: string;
  /** Replaces the card message for everyone in the conversation; works after the invoke was answered too. */
  updateCardForAll(card: AdaptiveCard): Promise<void>;
  /** Posts a live diagnostics card for host[:port] in this conversation (runs in the background). */
  startDiagnosis(target: string): void;
  /** The card message the press came from, when Teams says (kept on the operation, to settle it after a crash). */
  card?: CardRef;
  /** Schedules the re-check of an applied fix on this card; returns when it will run (ISO). */
  scheduleRecheck(operationId: string): Promise<string | undefined>;
}

export interface ActionDeps {
  exchange: ExchangeBackend;
  /** Which Fix now kinds the error's code offers. */
  knowledge: KnowledgeBase;
  operations: Operations;
  audit: AuditLog;
  /** Who may press what: every verb that changes something needs an admin. */
  roles: Roles;
  renderCard: RenderCard;
  ui: UiCatalog;
  /** Work still running after this answers with a "working" card and updates the message when done. */
  deadlineMs: number;
  logger: Logger;
  /** REMEDIATION_DRY_RUN: describe the call, make none. */
  dryRun: boolean;
  /** The exact call the backend would make for a change (method, URL, body), for dry runs and the audit. */
  describeCall(change: Change): string;
  cancelRecheck(operationId: string): Promise<void>;
  alertControls: AlertControls;
  renderAlert(group: AlertGroup): AdaptiveCard;
  /** Has the alert dispatcher bring every copy of the group's card up to date. */
  touchAlert(group: AlertGroup): Promise<void>;
}

/** What a handler hands back; toInvokeResponse() in teams/ turns it into the invoke envelope. */
export type ActionResult = { card: AdaptiveCard } | { message: string } | { error: { status: 400 | 500; code: string; message: string } };

export type ActionHandler = (ctx: ActionContext, deps: ActionDeps) => Promise<ActionResult>;

export type Verb = 'fixNow' | 'chooseConnector' | 'applyFix' | 'undoFix' | 'cancelFix' | 'runDiagnostics' | 'ackAlert' | 'muteAlert';

/** Every card verb the bot answers, in one table. An unknown verb gets unknownAction(). */
export const actions = {
  fixNow,
  chooseConnector,
  applyFix,
  undoFix,
  cancelFix,
  runDiagnostics,
  ackAlert,
  muteAlert,
} satisfies Record<Verb, ActionHandler>;

export function isVerb(verb: string): verb is Verb {
  return Object.hasOwn(actions, verb);
}

export async function runAction(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  if (!isVerb(ctx.verb)) return unknownAction(ctx, deps);
  return actions[ctx.verb](ctx, deps);
}

function unknownAction(ctx: ActionContext, deps: ActionDeps): ActionResult {
  const ui = deps.ui[ctx.locale];
  return notice(deps, ui.unknownActionTitle, fill(ui.unknownActionText, { verb: ctx.verb.slice(0, 60) || '?' }), 'attention');
}

function notice(deps: ActionDeps, title: string, text: string, color: 'default' | 'good' | 'attention' | 'warning' = 'default'): ActionResult {
  return { card: deps.renderCard('notice', { title: escapeMarkdown(title), text: escapeMarkdown(text), color }) };
}

const str = (v: unknown, max = 300) => (typeof v === 'string' ? v.slice(0, max) : '');

function sourceOf(data: Record<string, unknown>): Operation['source'] {
  const port = Number(data.port);
  return {
    code: str(data.code, 20),
    server: str(data.server) || undefined,
    ip: str(data.ip, 100) || undefined,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
  };
}

/** Refuses, audits the refusal, and says why; undefined when the actor may proceed. */
async function refuseUnlessAllowed(ctx: ActionContext, deps: ActionDeps, change?: Change, operationId?: string): Promise<ActionResult | undefined> {
  if (mayAct(deps.roles, ctx.actor, 'admin')) return undefined;
  const ui = deps.ui[ctx.locale];
  await deps.audit.record({
    actor: ctx.actor,
    verb: ctx.verb,
    change,
    result: 'refused',
    detail: 'not an admin (ADMIN_USERS)',
    operationId,
    conversationId: ctx.conversationId,
  });
  deps.logger.warn('remediation refused', { verb: ctx.verb, user: ctx.actor.aadObjectId });
  return notice(deps, ui.refusedTitle, fill(ui.refusedText, { name: ctx.actor.name || '?', id: ctx.actor.aadObjectId || '?' }), 'attention');
}

/** Acknowledge: shown on the card for everyone, and audited. */
async function ackAlert(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  return changeAlert(ctx, deps, (key) => deps.alertControls.acknowledge(key, ctx.actor), 'acknowledged');
}

/** Mute for 1 or 24 hours: new occurrences are counted but the card is not updated until the mute ends. */
async function muteAlert(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const hours = Number(ctx.data.hours) === 24 ? 24 : 1;
  return changeAlert(ctx, deps, (key) => deps.alertControls.mute(key, ctx.actor, hours), `muted for ${hours} h`);
}

async function changeAlert(
  ctx: ActionContext,
  deps: ActionDeps,
  change: (key: string) => Promise<AlertGroup | undefined>,
  what: string,
): Promise<ActionResult> {
  const refused = await refuseUnlessAllowed(ctx, deps);
  if (refused) return refused;
  const ui = deps.ui[ctx.locale];
  const key = str(ctx.data.groupKey, 100);
  // Only from the conversation the alert card is in: a group key is guessable, a press elsewhere is not this card's.
  const existing = await deps.alertControls.get(key);
  if (!existing || existing.conversationId !== channelOf(ctx.conversationId)) return notice(deps, ui.alertGone, '', 'warning');
  const group = await change(key);
  if (!group) return notice(deps, ui.alertGone, '', 'warning');
  await deps.audit.record({
    actor: ctx.actor,
    verb: ctx.verb,
    result: 'applied',
    detail: `alert "${group.title.slice(0, 120)}" ${what}`,
    conversationId: ctx.conversationId,
  });
  const card = deps.renderAlert(group);
  await deps.touchAlert(group);
  return { card };
}

/** Read-only, so open to everyone; the probe itself is rate-limited per user. */
async function runDiagnostics(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const host = str(ctx.data.host, 260);
  const port = Number(ctx.data.port) || 25;
  const ui = deps.ui[ctx.locale];
  if (!host) return notice(deps, ui.diagNoTarget, ui.diagUsage, 'warning');
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  ctx.startDiagnosis(target);
  return { message: fill(ui.diagStarted, { target }) };
}

/** The Fix now kinds the error's code offers, per the knowledge file (none for a code without Fix now). */
function kindsFor(source: Operation['source'], ctx: ActionContext, deps: ActionDeps) {
  return explainCode(deps.knowledge, ctx.locale, source.code).remediations;
}

async function fixNow(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const refused = await refuseUnlessAllowed(ctx, deps);
  if (refused) return refused;
  const ui = deps.ui[ctx.locale];
  const source = sourceOf(ctx.data);
  const kinds = kindsFor(source, ctx, deps);
  const [connectors, domains] = await Promise.all([deps.exchange.listOutboundConnectors(), deps.exchange.listAcceptedDomains()]);
  const input: PlanInput = { destination: { ...source, recipient: str(ctx.data.recipient) }, connectors, domains };
  // Disabling a connector needs to know which one: with no smart host matching the destination, ask.
  const enabled = connectors.filter((c) => c.enabled).map((c) => c.name);
  if (kinds.includes('connector-enabled') && !connectorsFor(input).length && enabled.length) {
    return { card: deps.renderCard('choose-connector', chooseConnectorCardData(enabled, source, ui)) };
  }
  const changes = planChanges(kinds, input);
  if (!changes.length) return notice(deps, ui.noFixTitle, ui.noFixText, 'warning');
  return confirm(changes, source, ctx, deps);
}

async function chooseConnector(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const refused = await refuseUnlessAllowed(ctx, deps);
  if (refused) return refused;
  const ui = deps.ui[ctx.locale];
  const source = sourceOf(ctx.data);
  const name = str(ctx.data.connector);
  const [connectors, domains] = await Promise.all([deps.exchange.listOutboundConnectors(), deps.exchange.listAcceptedDomains()]);
  const chosenConnector = connectors.find((c) => c.name === name && c.enabled);
  if (!chosenConnector) {
    return {
      card: deps.renderCard(
        'choose-connector',
        chooseConnectorCardData(
          connectors.filter((c) => c.enabled).map((c) => c.name),
          source,
          ui,
        ),
      ),
    };
  }
  const changes = planChanges(kindsFor(source, ctx, deps), { destination: {}, connectors, domains, chosenConnector });
  if (!changes.length) return notice(deps, ui.noFixTitle, ui.noFixText, 'warning');
  return confirm(changes, source, ctx, deps);
}

async function confirm(changes: Change[], source: Operation['source'], ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const ops = await Promise.all(changes.map((c) => deps.operations.propose(c, source, ctx.actor, ctx.conversationId)));
  return { card: deps.renderCard('confirm-fix', confirmCardData(ops, deps.ui[ctx.locale])) };
}

async function applyFix(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  return transitionAndRun(ctx, deps, 'apply');
}

async function undoFix(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  return transitionAndRun(ctx, deps, 'undo');
}

async function cancelFix(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const refused = await refuseUnlessAllowed(ctx, deps);
  if (refused) return refused;
  const ids = Array.isArray(ctx.data.operationIds) ? ctx.data.operationIds.filter((x): x is string => typeof x === 'string').slice(0, 20) : [];
  for (const id of ids) {
    const op = await deps.operations.get(id);
    if (!op || (await refuseFromElsewhere(op, ctx, deps))) continue;
    await deps.operations.transition(id, ['proposed'], 'cancelled');
  }
  const ui = deps.ui[ctx.locale];
  return notice(deps, ui.cancelled, '');
}

/**
 * An operation is pressed only on the card it was proposed on: an id copied into another conversation (by
 * a crafted invoke) is refused and audited.
 */
async function refuseFromElsewhere(op: Operation, ctx: ActionContext, deps: ActionDeps): Promise<ActionResult | undefined> {
  if (op.conversationId === undefined || op.conversationId === ctx.conversationId) return undefined;
  const ui = deps.ui[ctx.locale];
  await deps.audit.record({
    actor: ctx.actor,
    verb: ctx.verb,
    change: op.change,
    result: 'refused',
    detail: 'pressed in another conversation than the one the change was proposed in',
    operationId: op.id,
    conversationId: ctx.conversationId,
  });
  deps.logger.warn('operation pressed from another conversation', { verb: ctx.verb, operationId: op.id, user: ctx.actor.aadObjectId });
  return notice(deps, ui.elsewhereTitle, ui.elsewhereText, 'attention');
}

/**
 * Apply and Undo share one shape: claim the operation with a compare-and-swap (so a double press or a
 * Teams retry runs the change once), do the work against Exchange, record the result and the audit,
 * and answer within the deadline, finishing in the background when Exchange is slow.
 */
async function transitionAndRun(ctx: ActionContext, deps: ActionDeps, mode: 'apply' | 'undo'): Promise<ActionResult> {
  const ui = deps.ui[ctx.locale];
  const id = str(ctx.data.operationId, 100);
  const existing = id ? await deps.operations.get(id) : undefined;
  if (!existing) return notice(deps, ui.operationMissing, '', 'warning');
  const refused = (await refuseUnlessAllowed(ctx, deps, existing.change, id)) ?? (await refuseFromElsewhere(existing, ctx, deps));
  if (refused) return refused;

  const from: Operation['status'][] = mode === 'apply' ? ['proposed', 'failed'] : ['applied'];
  // Who pressed, and on which card, is kept with the claim: settling after a crash credits and updates them.
  const claim: Partial<Operation> = mode === 'apply' ? { appliedBy: ctx.actor } : { undoneBy: ctx.actor };
  const claimed = await deps.operations.transition(id, from, mode === 'apply' ? 'applying' : 'undoing', ctx.card ? { ...claim, card: ctx.card } : claim);
  if (!claimed.won) return currentStateCard(claimed.op ?? existing, deps, ui);

  const work = (mode === 'apply' ? performApply : performUndo)(claimed.op!, ctx, deps);
  const outcome = await Promise.race([work, delay(deps.deadlineMs).then(() => undefined)]);
  if (outcome) {
    const card = resultCard(outcome.op, outcome.outcome, deps, ui, outcome.reason, outcome);
    // A dry run is shown to the presser only; a real change replaces the card for everyone.
    if (outcome.outcome !== 'dry-run') await updateForAll(ctx, deps, card);
    return { card };
  }
  void work
    .then(async (done) => updateForAll(ctx, deps, resultCard(done.op, done.outcome, deps, ui, done.reason, done)))
    .catch((err) => deps.logger.error('finishing a slow fix failed', { operationId: id, err: err as Error }));
  return { card: resultCard(claimed.op!, 'working', deps, ui) };
}

interface Done {
  op: Operation;
  outcome: FixOutcome;
  reason?: string;
  call?: string;
  note?: string;
}

async function performApply(op: Operation, ctx: ActionContext, deps: ActionDeps): Promise<Done> {
  const now = new Date().toISOString();
  try {
    const before = await readSetting(deps.exchange, op.change);
    if (before === undefined) throw new ExchangeError('not_found', `"${op.change.target}" was not found in the tenant.`);
    if (before === op.change.to) {
      const { op: done } = await deps.operations.transition(op.id, ['applying'], 'unchanged', { before, after: before, appliedBy: ctx.actor, appliedAt: now });
      await deps.audit.record({
        actor: ctx.actor,
        verb: ctx.verb,
        change: op.change,
        result: 'unchanged',
        before,
        after: before,
        operationId: op.id,
        conversationId: ctx.conversationId,
      });
      return { op: done ?? op, outcome: 'unchanged' };
    }
    if (deps.dryRun) {
      const call = deps.describeCall(op.change);
      const { op: back } = await deps.operations.transition(op.id, ['applying'], 'proposed');
      await deps.audit.record({
        actor: ctx.actor,
        verb: ctx.verb,
        change: op.change,
        powershell: powershellFor(op.change),
        result: 'dry-run',
        before,
        detail: call,
        operationId: op.id,
        conversationId: ctx.conversationId,
      });
      return { op: back ?? op, outcome: 'dry-run', call };
    }
    // Before anything is sent: the value to undo to, and an audit entry, so that a crash between Exchange's
    // answer and the record below still leaves both (settle-interrupted.ts finishes the operation at start-up).
    await deps.operations.transition(op.id, ['applying'], 'applying', { before, appliedBy: ctx.actor });
    await deps.audit.record({
      actor: ctx.actor,
      verb: ctx.verb,
      change: op.change,
      powershell: powershellFor(op.change),
      result: 'applying',
      before,
      operationId: op.id,
      conversationId: ctx.conversationId,
    });
    const after = await applySetting(deps.exchange, op.change);
    const { op: done } = await deps.operations.transition(op.id, ['applying'], 'applied', { before, after, appliedBy: ctx.actor, appliedAt: now });
    await deps.audit.record({
      actor: ctx.actor,
      verb: ctx.verb,
      change: op.change,
      powershell: powershellFor(op.change),
      result: 'applied',
      before,
      after,
      operationId: op.id,
      conversationId: ctx.conversationId,
    });
    deps.logger.info('remediation applied', { operationId: op.id, change: describeChange(op.change, deps.ui.en), user: ctx.actor.aadObjectId });
    const recheckAt = await ctx.scheduleRecheck(op.id).catch((err) => {
      deps.logger.warn('could not schedule the re-check', { err: err as Error });
      return undefined;
    });
    const ui = deps.ui[ctx.locale];
    const notes = [after !== op.change.to ? ui.resultNotVisible : '', recheckAt ? fill(ui.recheckScheduled, { time: formatUtc(recheckAt) }) : ''];
    return { op: done ?? op, outcome: 'applied', note: notes.filter(Boolean).join(' ') };
  } catch (err) {
    return failed(op, ctx, deps, err, 'applying');
  }
}

async function performUndo(op: Operation, ctx: ActionContext, deps: ActionDeps): Promise<Done> {
  const now = new Date().toISOString();
  const restore = inverseOf(op.change, op.before as Change['to']);
  try {
    const after = await applySetting(deps.exchange, restore);
    const { op: done } = await deps.operations.transition(op.id, ['undoing'], 'undone', { undoneBy: ctx.actor, undoneAt: now });
    await deps.cancelRecheck(op.id);
    await deps.audit.record({
      actor: ctx.actor,
      verb: ctx.verb,
      change: restore,
      powershell: powershellFor(restore),
      result: 'undone',
      before: op.after,
      after,
      operationId: op.id,
      conversationId: ctx.conversationId,
    });
    return { op: done ?? op, outcome: 'undone' };
  } catch (err) {
    return failed(op, ctx, deps, err, 'undoing');
  }
}

async function failed(op: Operation, ctx: ActionContext, deps: ActionDeps, err: unknown, from: 'applying' | 'undoing'): Promise<Done> {
  const known = err instanceof ExchangeError;
  const reason = known ? err.message : deps.ui[ctx.locale].errorTitle;
  if (!known) deps.logger.error('remediation failed', { operationId: op.id, err: err as Error });
  // A failed undo leaves the change applied; a failed apply may be tried again.
  const { op: now } = await deps.operations.transition(op.id, [from], from === 'applying' ? 'failed' : 'applied', { error: reason });
  await deps.audit.record({
    actor: ctx.actor,
    verb: ctx.verb,
    change: op.change,
    result: 'failed',
    detail: reason,
    operationId: op.id,
    conversationId: ctx.conversationId,
  });
  return { op: now ?? op, outcome: 'failed', reason };
}

function currentStateCard(op: Operation, deps: ActionDeps, ui: UiStrings): ActionResult {
  switch (op.status) {
    case 'applied':
      return { card: resultCard(op, 'applied', deps, ui) };
    case 'undone':
      return { card: resultCard(op, 'undone', deps, ui) };
    case 'unchanged':
      return { card: resultCard(op, 'unchanged', deps, ui) };
    case 'applying':
    case 'undoing':
      return { card: resultCard(op, 'working', deps, ui) };
    case 'cancelled':
      return notice(deps, ui.cancelled, '');
    case 'failed':
      return { card: resultCard(op, 'failed', deps, ui, op.error) };
    default:
      return notice(deps, ui.operationMissing, '', 'warning');
  }
}

function resultCard(
  op: Operation,
  outcome: FixOutcome,
  deps: ActionDeps,
  ui: UiStrings,
  reason = '',
  extra: { call?: string; note?: string } = {},
): AdaptiveCard {
  return deps.renderCard('fix-result', fixResultCardData(op, outcome, ui, reason, extra));
}

async function updateForAll(ctx: ActionContext, deps: ActionDeps, card: AdaptiveCard): Promise<void> {
  try {
    await ctx.updateCardForAll(card);
  } catch (err) {
    deps.logger.warn('could not update the card for everyone', { err: err as Error });
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
