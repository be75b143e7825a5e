import type { ConversationReference } from 'botbuilder';
import type { Logger } from '../log/logger';
import { pickLocale } from '../knowledge/load-knowledge';
import { fixResultCardData } from '../render/fix-cards';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import type { UiCatalog, UiStrings } from '../render/ui-strings';
import type { Actor } from './actor';
import type { AuditLog, AuditResult } from './audit-log';
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

/** What a half-way operation becomes, from what Exchange shows now. */
interface Settlement {
  to: Operation['status'];
  card: 'applied' | 'failed' | 'undone';
  patch: Partial<Operation>;
  audit: { verb: 'applyFix' | 'undoFix'; result: AuditResult; detail: string; before?: unknown; after?: unknown };
  /** Shown on the card: why, in the user's language. */
  reason: string;
}

function settlementOf(op: Operation, current: unknown, actor: Actor, at: string, ui: UiStrings): Settlement {
  if (op.status === 'applying') {
    if (current === op.change.to && op.before !== undefined) {
      return {
        to: 'applied',
        card: 'applied',
        patch: { after: current, appliedBy: actor, appliedAt: at },
        audit: { verb: 'applyFix', result: 'applied', detail: 'applied, confirmed after a restart', before: op.before, after: current },
        reason: ui.settledAfterRestart,
      };
    }
    return {
      to: 'failed',
      card: 'failed',
      patch: { error: ui.notMadeAfterRestart },
      audit: { verb: 'applyFix', result: 'failed', detail: 'not made: the bot restarted before Exchange confirmed it' },
      reason: ui.notMadeAfterRestart,
    };
  }
  if (current === op.before) {
    return {
      to: 'undone',
      card: 'undone',
      patch: { undoneBy: op.undoneBy ?? actor, undoneAt: at },
      audit: { verb: 'undoFix', result: 'undone', detail: 'undone, confirmed after a restart', before: op.after, after: current },
      reason: ui.settledAfterRestart,
    };
  }
  return {
    to: 'applied',
    card: 'applied',
    patch: {},
    audit: { verb: 'undoFix', result: 'failed', detail: 'undo not made: the bot restarted before Exchange confirmed it; the change stays applied' },
    reason: ui.undoNotMadeAfterRestart,
  };
}

async function settle(op: Operation, deps: SettleDeps): Promise<boolean> {
  const current = await readSetting(deps.exchange, op.change);
  const ui = deps.ui[pickLocale(op.card?.locale)];
  const actor = (op.status === 'undoing' ? op.undoneBy : op.appliedBy) ?? op.appliedBy ?? op.proposedBy;
  const settlement = settlementOf(op, current, actor, deps.clock().toISOString(), ui);
  const { won, op: done } = await deps.operations.transition(op.id, [op.status], settlement.to, settlement.patch, EXACT);
  if (won) await deps.audit.record({ actor, change: op.change, operationId: op.id, conversationId: op.conversationId, ...settlement.audit });
  if (!won || !done) return false; // another instance settled it first
  const { card: outcome, reason } = settlement;
  deps.logger.info('settled a change interrupted by a restart', { operationId: op.id, outcome });
  if (op.card) {
    // A failure's reason is the headline; otherwise it is the note under the result.
    const card = deps.renderCard(
      'fix-result',
      fixResultCardData(done, outcome, ui, outcome === 'failed' ? reason : '', { note: outcome === 'failed' ? '' : reason }),
    );
    await deps
      .update(op.card.reference, op.card.messageId, card)
      .catch((err) => deps.logger.warn('could not update the card of a settled change', { operationId: op.id, err: err as Error }));
  }
  return true;
}
