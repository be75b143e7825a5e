import type { Locale } from '../knowledge/load-knowledge';
import type { Logger } from '../log/logger';
import type { KnowledgeBase } from '../knowledge/load-knowledge';
import type { AdaptiveCard, RenderCard } from '../render/render-card';
import { escapeMarkdown, fill } from '../render/text';
import type { UiCatalog } from '../render/ui-strings';
import type { Actor } from './actor';
import { mayAct, type Roles } from './roles';
import type { AuditLog } from './audit-log';
import type { ExchangeBackend } from './backends/exchange-backend';
import type { Change } from './change';
import type { CardRef, Operation, Operations } from './operations';
import type { AlertControls } from '../alerts/alert-controls';
import type { AlertGroup } from '../alerts/alert-group';

/** What every card action handler shares: its context, its dependencies, its result, and how it refuses. */

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

export function notice(deps: ActionDeps, title: string, text: string, color: 'default' | 'good' | 'attention' | 'warning' = 'default'): ActionResult {
  return { card: deps.renderCard('notice', { title: escapeMarkdown(title), text: escapeMarkdown(text), color }) };
}

export const str = (v: unknown, max = 300) => (typeof v === 'string' ? v.slice(0, max) : '');

/** The error a Fix now press is about, from its data (bounded; the card data is not trusted). */
export function sourceOf(data: Record<string, unknown>): Operation['source'] {
  const port = Number(data.port);
  return {
    code: str(data.code, 20),
    server: str(data.server) || undefined,
    ip: str(data.ip, 100) || undefined,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
  };
}

/** Refuses, audits the refusal, and says why; undefined when the actor may proceed. */
export async function refuseUnlessAllowed(ctx: ActionContext, deps: ActionDeps, change?: Change, operationId?: string): Promise<ActionResult | undefined> {
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
