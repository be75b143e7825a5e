import { fixResultCardData, type FixOutcome } from '../render/fix-cards';
import type { AdaptiveCard } from '../render/render-card';
import { fill, formatUtc } from '../render/text';
import type { UiStrings } from '../render/ui-strings';
import { ExchangeError } from './backends/exchange-backend';
import { inverseOf, type Change } from './change';
import { applySetting, describeChange, powershellFor, readSetting } from './kinds';
import type { Operation } from './operations';
import { type ActionContext, type ActionDeps, type ActionResult, notice, refuseUnlessAllowed, str } from './action-support';

// Confirm and Undo: claim the operation, change Exchange, record the outcome, answer within the deadline.

/**
 * An operation is pressed only on the card it was proposed on: an id copied into another conversation (by
 * a crafted invoke) is refused and audited.
 */
export async function refuseFromElsewhere(op: Operation, ctx: ActionContext, deps: ActionDeps): Promise<ActionResult | undefined> {
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

/** The operations a press names: `operationIds` ("Do both", an Undo of both) or one `operationId`. */
export function operationIdsOf(data: Record<string, unknown>): string[] {
  const many = Array.isArray(data.operationIds) ? data.operationIds.filter((x): x is string => typeof x === 'string' && x.length <= 100) : [];
  const one = str(data.operationId, 100);
  return [...new Set(many.length ? many.slice(0, 5) : one ? [one] : [])];
}

/**
 * Apply and Undo share one shape: claim each operation with a compare-and-swap (so a double press or a
 * Teams retry runs a change once), do the work against Exchange, record the result and the audit, and
 * answer within the deadline, finishing in the background when Exchange is slow. A press naming several
 * operations ("Do both") runs them in the order given and stops at the first failure.
 */
export async function transitionAndRun(ctx: ActionContext, deps: ActionDeps, mode: 'apply' | 'undo'): Promise<ActionResult> {
  const ui = deps.ui[ctx.locale];
  const ids = operationIdsOf(ctx.data);
  const ops: Operation[] = [];
  for (const id of ids) {
    const op = await deps.operations.get(id);
    if (op) ops.push(op);
  }
  if (!ops.length || ops.length !== ids.length) return notice(deps, ui.operationMissing, '', 'warning');
  for (const op of ops) {
    // A refused Undo (on a result card everyone sees) keeps that card, with the refusal on it.
    const keep = async (refusal: string) => {
      const current = currentStateCard(op, deps, ui, refusal);
      return 'card' in current && op.status !== 'proposed' ? current.card : undefined;
    };
    const refused = (await refuseUnlessAllowed(ctx, deps, op.change, op.id, keep)) ?? (await refuseFromElsewhere(op, ctx, deps));
    if (refused) return refused;
  }

  const from: Operation['status'][] = mode === 'apply' ? ['proposed', 'failed'] : ['applied'];
  // Who pressed, and on which card, is kept with the claim: settling after a crash credits and updates them.
  const claim: Partial<Operation> = mode === 'apply' ? { appliedBy: ctx.actor } : { undoneBy: ctx.actor };
  const claimOne = (id: string) =>
    deps.operations.transition(id, from, mode === 'apply' ? 'applying' : 'undoing', ctx.card ? { ...claim, card: ctx.card } : claim);
  const first = await claimOne(ops[0]!.id);
  if (!first.won) return currentStateCard(first.op ?? ops[0]!, deps, ui);

  const perform = mode === 'apply' ? performApply : performUndo;
  const work = (async () => {
    const done: Done[] = [await perform(first.op!, ctx, deps)];
    for (const op of ops.slice(1)) {
      if (done.at(-1)!.outcome === 'failed' || done.at(-1)!.outcome === 'dry-run') break;
      const claimed = await claimOne(op.id);
      if (!claimed.won) break; // pressed elsewhere meanwhile: that press reports it
      done.push(await perform(claimed.op!, ctx, deps));
    }
    return done;
  })();
  const outcome = await Promise.race([work, delay(deps.deadlineMs).then(() => undefined)]);
  if (outcome) {
    const card = resultOfPress(outcome, deps, ui, mode);
    // A dry run is shown to the presser only; a real change replaces the card for everyone.
    if (outcome.at(-1)!.outcome !== 'dry-run') await updateForAll(ctx, deps, card);
    return { card };
  }
  void work
    .then(async (done) => updateForAll(ctx, deps, resultOfPress(done, deps, ui, mode)))
    .catch((err) => deps.logger.error('finishing a slow fix failed', { operationIds: ids, err: err as Error }));
  return { card: resultCard(first.op!, 'working', deps, ui, '', mode === 'apply' && ops.length > 1 ? { pressed: ui.confirmBoth } : {}) };
}

/** One card for a press: the last change as the result, the ones before it above, Undo for all applied. */
function resultOfPress(done: Done[], deps: ActionDeps, ui: UiStrings, mode: 'apply' | 'undo'): AdaptiveCard {
  const last = done.at(-1)!;
  const earlier = done.slice(0, -1).map((d) => ({
    headline: fixResultCardData(d.op, d.outcome, ui, d.reason).headline,
    powershell: powershellFor(mode === 'undo' ? inverseOf(d.op.change) : d.op.change),
  }));
  const undoIds = done
    .filter((d) => d.outcome === 'applied')
    .map((d) => d.op.id)
    .reverse();
  return resultCard(last.op, last.outcome, deps, ui, last.reason, { ...last, earlier, undoIds });
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

/** The card an operation shows now; `note` (plain text) is added to a result card, e.g. why a press was refused. */
export function currentStateCard(op: Operation, deps: ActionDeps, ui: UiStrings, note?: string): ActionResult {
  const extra = note ? { note } : {};
  switch (op.status) {
    case 'applied':
      return { card: resultCard(op, 'applied', deps, ui, '', extra) };
    case 'undone':
      return { card: resultCard(op, 'undone', deps, ui, '', extra) };
    case 'unchanged':
      return { card: resultCard(op, 'unchanged', deps, ui, '', extra) };
    case 'applying':
    case 'undoing':
      return { card: resultCard(op, 'working', deps, ui, '', extra) };
    case 'cancelled':
      return notice(deps, ui.cancelled, '');
    case 'failed':
      return { card: resultCard(op, 'failed', deps, ui, op.error, extra) };
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
  extra: { call?: string; note?: string; earlier?: { headline: string; powershell: string }[]; undoIds?: string[]; pressed?: string } = {},
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
