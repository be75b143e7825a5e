import { isEmailAddress } from '../parse/email-address';
import { confirmValidateCardData, validationResultCardData } from '../render/validation-cards';
import { fill } from '../render/text';
import type { AcceptedDomain, OutboundConnector, ValidationResult } from './backends/exchange-backend';
import { ExchangeError } from './backends/exchange-backend';
import type { CmdletInput } from './backends/invoke-command-client';
import { powershellLine } from './change';
import { type ActionContext, type ActionDeps, type ActionResult, notice, refuseUnlessAllowed, str } from './action-support';

// Verify from Microsoft 365: Validate-OutboundConnector, which sends real test mail, so admins only, confirmed and audited.

const MAX_RECIPIENTS = 10;

/** The confirmation: which connector, its smart hosts, the recipients (prefilled), and that real mail goes out. */
export async function validateConnector(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const refused = await refuseUnlessAllowed(ctx, deps);
  if (refused) return refused;
  const ui = deps.ui[ctx.locale];
  const name = str(ctx.data.connector);
  const [connectors, domains] = await Promise.all([deps.exchange.listOutboundConnectors(), deps.exchange.listAcceptedDomains()]);
  const connector = connectors.find((c) => c.name === name);
  if (!connector) return notice(deps, ui.operationMissing, fill(ui['validate.noConnector'], { connector: name }), 'warning');
  const recipients = suggestedRecipient(connector);
  const card = confirmValidateCardData(
    connector,
    recipients,
    senderOf(domains, ui['validate.senderUnknown']),
    powershellLine(cmdlet(connector.name, recipients ? [recipients] : [])),
    ui,
  );
  return { card: deps.renderCard('validate-connector', card) };
}

/** Send test: checks the addresses, runs the cmdlet (or, in a dry run, shows the call), audits, shows each task. */
export async function confirmValidate(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const refused = await refuseUnlessAllowed(ctx, deps);
  if (refused) return refused;
  const ui = deps.ui[ctx.locale];
  const name = str(ctx.data.connector);
  const { recipients, bad } = recipientsOf(str(ctx.data.recipients, 2000));
  if (bad.length || !recipients.length)
    return notice(deps, ui['validate.title'], fill(ui['validate.badRecipients'], { bad: bad.join(', ') || '—' }), 'warning');
  const connector = (await deps.exchange.listOutboundConnectors()).find((c) => c.name === name);
  if (!connector) return notice(deps, ui.operationMissing, fill(ui['validate.noConnector'], { connector: name }), 'warning');
  const input = cmdlet(connector.name, recipients);
  const powershell = powershellLine(input);
  // It sends real mail: a double press, or Teams sending the invoke again, must not send it twice.
  const press = `${ctx.conversationId}|${ctx.card?.messageId ?? ''}|${connector.name}|${recipients.join(',')}`;
  if (!deps.dryRun && !(await deps.validationPresses.firstTime(press)))
    return notice(deps, ui['validate.title'], fill(ui['validate.alreadySent'], { connector: connector.name }), 'warning');
  const audit = (result: 'applied' | 'failed' | 'dry-run', detail: string) =>
    deps.audit.record({ actor: ctx.actor, verb: ctx.verb, powershell, result, detail, conversationId: ctx.conversationId });

  if (deps.dryRun) {
    const call = describe(deps, input);
    await audit('dry-run', call);
    return { card: deps.renderCard('validation-result', validationResultCardData(connector.name, undefined, ui, { call, powershell })) };
  }
  const work = (async (): Promise<ActionResult> => {
    try {
      const result = await deps.exchange.validateOutboundConnector(connector.name, recipients);
      await audit('applied', summary(connector.name, recipients, result));
      return { card: deps.renderCard('validation-result', validationResultCardData(connector.name, result, ui, { powershell })) };
    } catch (err) {
      const known = err instanceof ExchangeError;
      if (!known) deps.logger.error('validating a connector failed', { err: err as Error });
      const reason = known ? err.message : ui.errorTitle;
      await audit('failed', reason);
      return notice(deps, ui['validate.title'], fill(ui['validate.failedCall'], { reason }), 'attention');
    }
  })();
  // Slow like Fix now: answer within the deadline with a "working" card, and update the message when done.
  const done = await Promise.race([work, delay(deps.deadlineMs).then(() => undefined)]);
  if (done) return done;
  void work
    .then((result) => ('card' in result ? ctx.updateCardForAll(result.card) : undefined))
    .catch((err) => deps.logger.error('finishing a slow validation failed', { err: err as Error }));
  // The Send test button stays on the card, disabled, so it cannot be pressed again while the test runs.
  return notice(deps, ui['validate.title'], fill(ui['validate.working'], { connector: connector.name }), 'default', {
    title: ui['validate.send'],
    verb: 'confirmValidate',
  });
}

/** Cancel (and Back): nothing is sent; the connectors card comes back, so the press is no dead end. */
export async function cancelValidate(ctx: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  return { card: await deps.showConnectors(ctx.locale, ctx.actor) };
}

const cmdlet = (identity: string, recipients: string[]): CmdletInput => ({
  cmdletName: 'Validate-OutboundConnector',
  parameters: { Identity: identity, Recipients: recipients },
});

function describe(deps: ActionDeps, input: CmdletInput): string {
  if (!deps.exchange.describeCall) return `Simulated tenant: ${powershellLine(input)}`;
  const call = deps.exchange.describeCall(input.cmdletName, input.parameters);
  const headers = Object.entries(call.headers).map(([k, v]) => `${k}: ${v}`);
  return `${call.method} ${call.url}\n${headers.join('\n')}\n\n${call.body}`;
}

/** postmaster@ the connector's first recipient domain (RFC 5321 §4.5.1: every domain must accept it); a wildcard's parent. */
function suggestedRecipient(connector: OutboundConnector): string {
  const domain = connector.recipientDomains.map((d) => d.replace(/^\*\.?/, '')).find(Boolean);
  return domain ? `postmaster@${domain}` : '';
}

/** Its sender is fixed to O365ConnectorValidation@<tenant>.onmicrosoft.com (office-docs-powershell #9385). */
function senderOf(domains: AcceptedDomain[], unknown: string): string {
  const initial = domains.find((d) => /^[^.]+\.onmicrosoft\.com$/i.test(d.domainName));
  return initial ? `O365ConnectorValidation@${initial.domainName}` : unknown;
}

function recipientsOf(text: string): { recipients: string[]; bad: string[] } {
  const items = [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
  const bad = items.filter((a) => !isEmailAddress(a)).slice(0, 5);
  if (items.length > MAX_RECIPIENTS) bad.push(`(${items.length} > ${MAX_RECIPIENTS})`);
  return { recipients: items, bad };
}

function summary(connector: string, recipients: string[], result: ValidationResult): string {
  const failed = result.tasks.filter((t) => t.ok === false).map((t) => t.name);
  const outcome = failed.length
    ? `${failed.length} of ${result.tasks.length} tasks failed (${failed.join(', ').slice(0, 200)})`
    : `${result.tasks.length} tasks passed`;
  return `connector "${connector.slice(0, 120)}", test mail to ${recipients.join(', ')}: ${outcome}${result.unrecognised.length ? ', with output the bot did not recognise' : ''}`;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
