import type { AcceptedDomainType, ExchangeBackend } from './backends/exchange-backend';

/** One setting the bot can change, with the value it changes from and to. */
export type Change =
  | { kind: 'connector-enabled'; target: string; from: boolean; to: boolean }
  | { kind: 'accepted-domain-type'; target: string; from: AcceptedDomainType; to: AcceptedDomainType };

/** PowerShell single-quoted string: the only special character is ' (doubled). */
const psQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The Exchange Online PowerShell line that makes the same change (shown on the confirmation card). */
export function powershellFor(change: Change): string {
  switch (change.kind) {
    case 'connector-enabled':
      return `Set-OutboundConnector -Identity ${psQuote(change.target)} -Enabled $${change.to}`;
    case 'accepted-domain-type':
      return `Set-AcceptedDomain -Identity ${psQuote(change.target)} -DomainType ${change.to}`;
  }
}

/** The change that puts things back as they were. */
export function inverseOf(change: Change): Change {
  return { ...change, from: change.to, to: change.from } as Change;
}

/** Reads the setting as it is now, so that the audit records before and after and Undo restores exactly it. */
export async function readCurrent(exchange: ExchangeBackend, change: Change): Promise<boolean | AcceptedDomainType | undefined> {
  if (change.kind === 'connector-enabled') {
    const c = (await exchange.listOutboundConnectors()).find((x) => x.name.toLowerCase() === change.target.toLowerCase());
    return c?.enabled;
  }
  const d = (await exchange.listAcceptedDomains()).find((x) => x.domainName.toLowerCase() === change.target.toLowerCase());
  return d?.domainType;
}

export async function applyChange(exchange: ExchangeBackend, change: Change): Promise<boolean | AcceptedDomainType> {
  if (change.kind === 'connector-enabled') return (await exchange.setOutboundConnectorEnabled(change.target, change.to)).enabled;
  return (await exchange.setAcceptedDomainType(change.target, change.to)).domainType;
}
