import type { AcceptedDomainType } from './backends/exchange-backend';
import type { CmdletInput } from './backends/invoke-command-client';

/** The settings the bot can change, by kind, and the type of value each holds. */
export interface ChangeValues {
  /** Set-OutboundConnector -Enabled */
  'connector-enabled': boolean;
  /** Set-AcceptedDomain -DomainType */
  'accepted-domain-type': AcceptedDomainType;
  /** Set-OutboundConnector -TlsDomain (null: none) */
  'connector-tls-domain': string | null;
}

export type ChangeKind = keyof ChangeValues;

/** One setting of one object (a connector, a domain), with the value it changes from and to. */
export interface ChangeOf<K extends ChangeKind> {
  kind: K;
  target: string;
  from: ChangeValues[K];
  to: ChangeValues[K];
}

export type Change = { [K in ChangeKind]: ChangeOf<K> }[ChangeKind];

/** The change that puts things back: from what it was changed to, to `to` (by default what it was). */
export function inverseOf<C extends Change>(change: C, to: C['to'] = change.from): C {
  return { ...change, from: change.to, to };
}

/** PowerShell single-quoted string: the only special character is ' (doubled). */
const psQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A cmdlet call as the line an admin would type in Exchange Online PowerShell. */
export function powershellLine(input: CmdletInput): string {
  const parameters = Object.entries(input.parameters).map(([name, value]) => {
    if (typeof value === 'boolean') return `-${name} $${value}`;
    if (value === null) return `-${name} $null`;
    // A multi-valued parameter (Recipients) is PowerShell's comma-separated array.
    if (Array.isArray(value)) return `-${name} ${value.map((v) => psQuote(String(v))).join(',')}`;
    // Enumerations (DomainType) read as the bare word; names and identities are quoted.
    if (typeof value === 'string' && name !== 'Identity' && /^[A-Za-z]+$/.test(value)) return `-${name} ${value}`;
    return `-${name} ${psQuote(String(value))}`;
  });
  return [input.cmdletName, ...parameters].join(' ');
}
