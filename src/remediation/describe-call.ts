import type { ExchangeBackend } from './backends/exchange-backend';
import type { Change } from './change';
import { cmdletFor, powershellFor } from './kinds';

/**
 * What Fix now would call, exactly, for a dry run and the audit: the InvokeCommand request when the backend
 * makes one (Exchange Online, without token or secret), else the PowerShell line of the change.
 */
export function describeCall(exchange: ExchangeBackend, change: Change): string {
  if (!exchange.describeCall) return `Simulated tenant: ${powershellFor(change)}`;
  const input = cmdletFor(change);
  const call = exchange.describeCall(input.cmdletName, input.parameters);
  return `${call.method} ${call.url}\n${Object.entries(call.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n\n${call.body}`;
}
