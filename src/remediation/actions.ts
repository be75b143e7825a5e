import { explainCode } from '../knowledge/explain-code';
import { chooseConnectorCardData, confirmCardData } from '../render/fix-cards';
import { errorFromData } from '../render/card-error';
import { escapeMarkdown, fill } from '../render/text';
import { fixesFor } from './route-of';
import { mayAct } from './roles';
import type { Change } from './change';
import { planChanges } from './kinds';
import type { Operation } from './operations';
import type { AlertGroup } from '../alerts/alert-group';
import { channelOf } from '../alerts/subscriptions';
import {
  type ActionContext,
  type ActionDeps,
  type ActionHandler,
  type ActionResult,
  notice,
  originalCard,
  refuseUnlessAllowed,
  sourceOf,
  str,
} from './action-support';
import { refuseFromElsewhere, transitionAndRun } from './run-fix';
import { cancelValidate, confirmValidate, validateConnector } from './validate-connector';

export type { ActionContext, ActionDeps, ActionHandler, ActionResult } from './action-support';

export type Verb =
  | 'fixNow'
  | 'chooseConnector'
  | 'applyFix'
  | 'undoFix'
  | 'cancelFix'
  | 'runDiagnostics'
  | 'openError'
  | 'refreshCard'
  | 'ackAlert'
  | 'muteAlert'
  | 'unmuteAlert'
  | 'validateConnector'
  | 'confirmValidate'
  | 'cancelValidate'
  | 'showAllowList';

/** Every card verb the bot answers, in one table. An unknown verb gets unknownAction(). */
export const actions = {
  fixNow,
  chooseConnector,
  applyFix,
  undoFix,
  cancelFix,
  runDiagnostics,
  openError,
  refreshCard,
  ackAlert,
  muteAlert,
  unmuteAlert,
  validateConnector,
  confirmValidate,
  cancelValidate,
  showAllowList,
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

/** Acknowledge: shown on the card for everyone, and audited. */
async function ackAlert(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  return changeAlert(ctx, deps, (key) => deps.alertControls.acknowledge(key, ctx.actor), 'acknowledged');
}

/** Mute for 1 or 24 hours: new occurrences are counted but the card is not updated until the mute ends. */
async function muteAlert(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const hours = Number(ctx.data.hours) === 24 ? 24 : 1;
  return changeAlert(ctx, deps, (key) => deps.alertControls.mute(key, ctx.actor, hours), `muted for ${hours} h`);
}

/** Lift a mute before it ends: the card catches up with what was counted meanwhile, and updates again. */
async function unmuteAlert(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  return changeAlert(ctx, deps, (key) => deps.alertControls.unmute(key), 'unmuted');
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
  const card = await deps.renderAlert(group);
  await deps.touchAlert(group);
  return { card };
}

/**
 * Read-only, so open to everyone; the probe itself is rate-limited per user. Data `{ host, port, ip }`: `ip`
 * is the address the paste named (LastAttemptedIP), probed after the name when it differs (the diagnose
 * input `<host>:<port> <ip>`); the parser there refuses anything that is not an IP.
 */
async function runDiagnostics(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const ip = str(ctx.data.ip, 60).trim();
  const host = str(ctx.data.host, 260).trim() || ip;
  const port = Number(ctx.data.port) || 25;
  const ui = deps.ui[ctx.locale];
  if (!host) return notice(deps, ui.diagNoTarget, ui.diagUsage, 'warning');
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const alsoIp = ip && ip.toLowerCase() !== host.toLowerCase() ? ip : '';
  ctx.startDiagnosis(alsoIp ? `${target} ${alsoIp}` : target);
  return { message: alsoIp ? fill(ui.diagStartedBoth, { target, ip: alsoIp }) : fill(ui.diagStarted, { target }) };
}

/** The Fix now kinds the error's code offers, per the knowledge file (none for a code without Fix now). */
function kindsFor(source: Operation['source'], ctx: ActionContext, deps: ActionDeps) {
  return explainCode(deps.knowledge, ctx.locale, source.code).remediations;
}

/**
 * Fix now: reads the tenant afresh and proposes what Microsoft's steps change for this destination, only
 * where a connector of the tenant routes there or the recipient's domain is Internal Relay. Anyone else's
 * press keeps the card it was on, with who may fix it.
 */
async function fixNow(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const source = sourceOf(ctx.data);
  const refused = await refuseUnlessAllowed(ctx, deps, undefined, undefined, (text) =>
    originalCard(source, ctx, deps, { text: escapeMarkdown(text), style: 'attention' }),
  );
  if (refused) return refused;
  const ui = deps.ui[ctx.locale];
  const [connectors, domains] = await Promise.all([deps.exchange.listOutboundConnectors(), deps.exchange.listAcceptedDomains()]);
  const kinds = kindsFor(source, ctx, deps);
  // The card's data is not trusted: a TLS domain comes only from a certificate the bot itself saw on that host.
  const certificate = kinds.includes('connector-tls-domain') && source.server ? await deps.certificates.recent(source.server) : undefined;
  const changes = fixesFor(
    kinds,
    { server: source.server, ip: source.ip, recipient: source.recipient, port: source.port },
    { connectors, domains },
    certificate,
  );
  if (!changes.length) {
    const card = await originalCard(source, ctx, deps, { text: escapeMarkdown(ui.noFixText), style: 'warning' });
    return card ? { card } : notice(deps, ui.noFixTitle, ui.noFixText, 'warning');
  }
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

/** Cancel: nothing changes, and the card pressed on comes back with its buttons. */
async function cancelFix(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const refused = await refuseUnlessAllowed(ctx, deps);
  if (refused) return refused;
  const ids = Array.isArray(ctx.data.operationIds) ? ctx.data.operationIds.filter((x): x is string => typeof x === 'string').slice(0, 20) : [];
  let source: Operation['source'] | undefined;
  for (const id of ids) {
    const op = await deps.operations.get(id);
    if (!op || (await refuseFromElsewhere(op, ctx, deps))) continue;
    const { won } = await deps.operations.transition(id, ['proposed'], 'cancelled');
    if (won) source ??= op.source;
  }
  const ui = deps.ui[ctx.locale];
  const card = source && (await originalCard(source, ctx, deps, { text: escapeMarkdown(ui.cancelled), style: 'good' }));
  return card ? { card } : notice(deps, ui.cancelled, '');
}

/** The 4.4.316 and 4.4.315 cards' "Addresses to allow": the allow list, posted below; the card stays as it is. */
async function showAllowList(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  await ctx.postCard(await deps.showAllowList(ctx.locale));
  return { message: deps.ui[ctx.locale]['allowlist.posted'] };
}

/** A summary row: that error's card, posted below the summary, which stays as it is. */
async function openError(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const ui = deps.ui[ctx.locale];
  const error = errorFromData(ctx.data.error);
  if (!error) return notice(deps, ui.unknownActionTitle, fill(ui.unknownActionText, { verb: ctx.verb }), 'warning');
  await ctx.postCard(await deps.showError(error, ctx.locale));
  return { message: fill(ui.openedBelow, { code: error.enhancedCode }) };
}

/**
 * Teams asks again for a card in a shared chat (its `refresh`, for the admins' userIds, or a user's
 * "Refresh card"): each user gets the copy their role allows, Fix now for admins only.
 */
async function refreshCard(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const ui = deps.ui[ctx.locale];
  const error = errorFromData(ctx.data.error);
  if (!error) return notice(deps, ui.unknownActionTitle, fill(ui.unknownActionText, { verb: ctx.verb }), 'warning');
  const admins = Array.isArray(ctx.data.admins) ? ctx.data.admins.filter((id): id is string => typeof id === 'string' && id.length <= 200).slice(0, 60) : [];
  const viewer = mayAct(deps.roles, ctx.actor, 'admin') ? 'admin' : 'everyone';
  return { card: await deps.showError(error, ctx.locale, null, { admins, viewer }) };
}
