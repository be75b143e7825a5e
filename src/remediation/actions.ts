import { explainCode } from '../knowledge/explain-code';
import { chooseConnectorCardData, confirmCardData } from '../render/fix-cards';
import { fill } from '../render/text';
import type { Change } from './change';
import { planChanges, type PlanInput } from './kinds';
import { connectorsFor } from './kinds/connector-routing';
import type { Operation } from './operations';
import type { AlertGroup } from '../alerts/alert-group';
import { channelOf } from '../alerts/subscriptions';
import { type ActionContext, type ActionDeps, type ActionHandler, type ActionResult, notice, refuseUnlessAllowed, sourceOf, str } from './action-support';
import { refuseFromElsewhere, transitionAndRun } from './run-fix';

export type { ActionContext, ActionDeps, ActionHandler, ActionResult } from './action-support';

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
