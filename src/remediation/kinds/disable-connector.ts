import { fill } from '../../render/text';
import { connectorsFor } from './connector-routing';
import type { RemediationKind } from './remediation-kind';

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * 4.4.316, the article's first fix: disable the outbound connector that delivers to the on-premises
 * server, so Microsoft 365 stops queueing mail for it (Set-OutboundConnector -Enabled $false).
 */
export const disableConnector: RemediationKind<'connector-enabled'> = {
  plan: (input) => connectorsFor(input).map((c) => ({ kind: 'connector-enabled', target: c.name, from: true, to: false })),
  read: async (exchange, target) => (await exchange.listOutboundConnectors()).find((c) => sameName(c.name, target))?.enabled,
  apply: async (exchange, change) => (await exchange.setOutboundConnectorEnabled(change.target, change.to)).enabled,
  cmdlet: (change) => ({ cmdletName: 'Set-OutboundConnector', parameters: { Identity: change.target, Enabled: change.to } }),
  describe: (change, ui) => fill(ui[change.to ? 'change.connector-enabled.true' : 'change.connector-enabled.false'], { target: change.target }),
  button: (change, ui) => ui[change.to ? 'button.connector-enabled.true' : 'button.connector-enabled.false'],
  done: (change, ui) => fill(ui[change.to ? 'done.connector-enabled.true' : 'done.connector-enabled.false'], { target: change.target }),
  undone: (change, ui) => fill(ui[change.to ? 'undone.connector-enabled.true' : 'undone.connector-enabled.false'], { target: change.target }),
  why: (ui) => ui['change.connectorWhy'],
  offer: (ui) => ui['offer.connector-enabled'],
};
