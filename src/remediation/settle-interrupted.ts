import type { ConversationReference } from 'botbuilder';
import type { Logger } from '../log/logger';
import { pickLocale } from '../knowledge/load-knowledge';
import { fixResultCardData } from '../render/fix-cards';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import type { UiCatalog } from '../render/ui-strings';
import type { AuditLog } from './audit-log';
import type { ExchangeBackend } from './backends/exchange-backend';
import { readSetting } from './kinds';
import type { Operation, Operations } from './operations';

export interface SettleDeps {
  operations: Operations;
  exchange: ExchangeBackend;
  audit: AuditLog;
  renderCard: RenderCard;
  ui: UiCatalog;
  update(reference: Partial<ConversationReference>, messageId: string, card: AdaptiveCard): Promise<void>;
  logger: Logger;
  clock: () => Date;
  /**
   * Only operations caught half-way for longer than this are settled: 0 when no other instance can be
   * working on one (SQLite), the longest an apply can take when instances share the store.
   */
  olderThanMs: number;
}

/**
 * At start-up: every operation a crash left applying or undoing is finished from what Exchange shows now.
 * An apply whose value is there is applied (audited "confirmed after a restart", Undo to the recorded
 * before); otherwise it failed, with Try again. An undo whose old value is back is undone; otherwise the
 * change stays applied. Each card is updated, so none stays at "Working on it…". Returns how many were settled.
 */
const EXACT = { exact: true };

export async function settleInterrupted(deps: SettleDeps): Promise<number> {
  let settled = 0;
  for (const op of await deps.operations.unsettled()) {
    if (op.since && deps.clock().getTime() - Date.parse(op.since) < deps.olderThanMs) continue;
    try {
      if (await settle(op, deps)) settled++;
    } catch (err) {
      deps.logger.warn('could not settle an interrupted change; it stays as it was', { operationId: op.id, err: err as Error });
    }
  }
  return settled;
}

async function settle(op: Operation, deps: SettleDeps): Promise<boolean> {
  const current = await readSetting(deps.exchange, op.change);
  const locale = pickLocale(op.card?.locale);
  const ui = deps.ui[locale];
  const actor = (op.status === 'undoing' ? op.undoneBy : op.appliedBy) ?? op.appliedBy ?? op.proposedBy;
  const at = deps.clock().toISOString();
  let outcome: 'applied' | 'failed' | 'undone';
  let won = false;
  let done: Operation | undefined;
  let reason = '';
  if (op.status === 'applying') {
    if (current === op.change.to && op.before !== undefined) {
      ({ won, op: done } = await deps.operations.transition(op.id, ['applying'], 'applied', { after: current, appliedBy: actor, appliedAt: at }, EXACT));
      outcome = 'applied';
      if (won)
        await deps.audit.record({
          actor,
          verb: 'applyFix',
          change: op.change,
          result: 'applied',
          before: op.before,
          after: current,
          detail: 'applied, confirmed after a restart',
          operationId: op.id,
          conversationId: op.conversationId,
        });
    } else {
      reason = ui.notMadeAfterRestart;
      ({ won, op: done } = await deps.operations.transition(op.id, ['applying'], 'failed', { error: reason }, EXACT));
      outcome = 'failed';
      if (won)
        await deps.audit.record({
          actor,
          verb: 'applyFix',
          change: op.change,
          result: 'failed',
          detail: 'not made: the bot restarted before Exchange confirmed it',
          operationId: op.id,
          conversationId: op.conversationId,
        });
    }
  } else {
    if (current === op.before) {
      ({ won, op: done } = await deps.operations.transition(op.id, ['undoing'], 'undone', { undoneBy: op.undoneBy ?? actor, undoneAt: at }, EXACT));
      outcome = 'undone';
      if (won)
        await deps.audit.record({
          actor,
          verb: 'undoFix',
          change: op.change,
          result: 'undone',
          before: op.after,
          after: current,
          detail: 'undone, confirmed after a restart',
          operationId: op.id,
          conversationId: op.conversationId,
        });
    } else {
      ({ won, op: done } = await deps.operations.transition(op.id, ['undoing'], 'applied', {}, EXACT));
      outcome = 'applied';
      reason = ui.undoNotMadeAfterRestart;
      if (won)
        await deps.audit.record({
          actor: op.undoneBy ?? actor,
          verb: 'undoFix',
          change: op.change,
          result: 'failed',
          detail: 'undo not made: the bot restarted before Exchange confirmed it; the change stays applied',
          operationId: op.id,
          conversationId: op.conversationId,
        });
    }
  }
  if (!won || !done) return false; // another instance settled it first
  deps.logger.info('settled a change interrupted by a restart', { operationId: op.id, outcome });
  if (op.card) {
    const note = outcome === 'failed' ? '' : reason || ui.settledAfterRestart;
    const card = deps.renderCard('fix-result', fixResultCardData(done, outcome, ui, outcome === 'failed' ? reason : '', { note }));
    await deps
      .update(op.card.reference, op.card.messageId, card)
      .catch((err) => deps.logger.warn('could not update the card of a settled change', { operationId: op.id, err: err as Error }));
  }
  return true;
}
