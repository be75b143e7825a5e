import type { Locale } from '../knowledge/load-knowledge';
import type { CertificateSightings } from './certificate-sightings';
import type { Logger } from '../log/logger';
import type { KnowledgeBase } from '../knowledge/load-knowledge';
import type { NoticeCardData } from '../render/card-data';
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
import { channelOf } from '../alerts/subscriptions';
import type { ParsedError } from '../parse/types';
import { errorFromData } from '../render/card-error';
import type { Audience, DiagnosisCardData } from '../render/diagnosis-card';

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
  /** Posts a new card in the conversation (a summary row's error card). */
  postCard(card: AdaptiveCard): Promise<void>;
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
  renderAlert(group: AlertGroup, banner?: DiagnosisCardData['banner']): Promise<AdaptiveCard>;
  /** An error's card as a paste would get it (the tenant read afresh), with an optional line on top. */
  showError(error: ParsedError, locale: Locale, banner?: DiagnosisCardData['banner'], audience?: Audience): Promise<AdaptiveCard>;
  /** Has the alert dispatcher bring every copy of the group's card up to date. */
  touchAlert(group: AlertGroup): Promise<void>;
  /** The `allowlist` card (the addresses Microsoft 365 sends from). */
  showAllowList(locale: Locale): Promise<AdaptiveCard>;
  /** Validate presses already acted on (a few minutes): the test mail goes out once per press. */
  validationPresses: { firstTime(key: string): Promise<boolean> };
  /** Certificates the bot's probes saw lately: the TLS-domain Fix now proposes only from these. */
  certificates: CertificateSightings;
  /** The `connectors` card as this user would get it (Validate for admins): where a validation's Cancel goes back to. */
  showConnectors(locale: Locale, actor: Actor): Promise<AdaptiveCard>;
}

/** What a handler hands back; toInvokeResponse() in teams/ turns it into the invoke envelope. */
export type ActionResult = { card: AdaptiveCard } | { message: string } | { error: { status: 400 | 500; code: string; message: string } };

export type ActionHandler = (ctx: ActionContext, deps: ActionDeps) => Promise<ActionResult>;

export function notice(
  deps: ActionDeps,
  title: string,
  text: string,
  color: 'default' | 'good' | 'attention' | 'warning' = 'default',
  pressed?: NoticeCardData['pressed'],
): ActionResult {
  return { card: deps.renderCard('notice', { title: escapeMarkdown(title), text: escapeMarkdown(text), color, ...(pressed && { pressed }) }) };
}

export const str = (v: unknown, max = 300) => (typeof v === 'string' ? v.slice(0, max) : '');

/** The error a Fix now press is about, from its data (bounded; the card data is not trusted). */
export function sourceOf(data: Record<string, unknown>): Operation['source'] {
  const port = Number(data.port);
  const source: Operation['source'] = {
    code: str(data.code, 20),
    server: str(data.server) || undefined,
    ip: str(data.ip, 100) || undefined,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
    recipient: str(data.recipient, 320) || undefined,
  };
  const error = errorFromData(data.error);
  if (error && error.enhancedCode === source.code) source.error = error;
  const groupKey = str(data.groupKey, 100);
  if (groupKey) source.groupKey = groupKey;
  return source;
}

/**
 * The card a Fix now press came from, as it is now, with a line on top: after Cancel, a refusal, or to go
 * back. An alert's card only in the conversation it belongs to. Undefined when there is nothing to show.
 */
export async function originalCard(
  source: Operation['source'],
  ctx: ActionContext,
  deps: ActionDeps,
  banner: NonNullable<DiagnosisCardData['banner']>,
): Promise<AdaptiveCard | undefined> {
  if (source.groupKey) {
    const group = await deps.alertControls.get(source.groupKey);
    if (group && group.conversationId === channelOf(ctx.conversationId)) return deps.renderAlert(group, banner);
    return undefined;
  }
  return source.error ? deps.showError(source.error, ctx.locale, banner) : undefined;
}

/**
 * Refuses, audits the refusal, and says why and who may; undefined when the actor may proceed. With `keep`,
 * the answer is the card pressed on, kept, with the refusal on it: a refused press is no dead end.
 */
export async function refuseUnlessAllowed(
  ctx: ActionContext,
  deps: ActionDeps,
  change?: Change,
  operationId?: string,
  /** The card the press came from, as it is now with the refusal (plain text) on it; undefined: a notice. */
  keep?: (refusal: string) => Promise<AdaptiveCard | undefined>,
): Promise<ActionResult | undefined> {
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
  const vars = { name: ctx.actor.name || '?', id: ctx.actor.aadObjectId || '?' };
  if (keep) {
    const names = await adminsSeen(deps);
    const card = await keep(fill(ui.refusedOnCard, { ...vars, who: names.length ? fill(ui.refusedWho, { names: names.join(', ') }) : '' }));
    if (card) return { card };
  }
  return notice(deps, ui.refusedTitle, fill(ui.refusedText, vars), 'attention');
}

/** Who has fixed things here lately (by name, from the audit): the people a refused user can turn to. */
async function adminsSeen(deps: ActionDeps): Promise<string[]> {
  const names = new Set<string>();
  for (const e of await deps.audit.recent(100)) {
    if ((e.result === 'applied' || e.result === 'undone') && e.actor.name && mayAct(deps.roles, e.actor, 'admin')) names.add(e.actor.name);
    if (names.size === 3) break;
  }
  return [...names];
}
