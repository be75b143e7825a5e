import { lookupAddresses } from './resolve-host';
import type { Resolver, StepResult } from './types';

/** The default DNS_CHECK_NAME: Microsoft's own mail domain, which exists as long as Microsoft 365 does. */
export const DEFAULT_DNS_CHECK_NAME = 'outlook.com';

/**
 * Outcomes that may be the bot's resolver failing rather than the target's DNS: "no such name" from a
 * resolver that answers nothing, SERVFAIL, no answer, refused. Answers that prove the resolver works
 * (no address, null MX, a bad MX name) are not here.
 */
const MAYBE_OUR_RESOLVER = new Set(['NXDOMAIN', 'SERVFAIL', 'DNS_TIMEOUT', 'DNS_REFUSED', 'NO_DNS_SERVER', 'DNS_ERROR']);

/**
 * When the target did not resolve, asks the same resolver for a name that must exist. If that fails
 * too, the failure says nothing about the target, and predicting 4.4.312 would send the admin to fix
 * DNS records that may be fine: the result names the bot's DNS instead, without an EOP code.
 */
export async function blameOwnDns(
  failed: StepResult,
  host: string,
  checkName: string,
  resolver: Resolver,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<StepResult | undefined> {
  if (!MAYBE_OUR_RESOLVER.has(failed.outcome)) return undefined;
  const control = await lookupAddresses(checkName, resolver, timeoutMs, signal);
  if (control.addresses.length) return undefined;
  const why = control.failed?.detail ?? `${checkName}: no address`;
  return {
    status: 'fail',
    outcome: 'BOT_DNS_BROKEN',
    detail: `${failed.detail}; the control name ${checkName} did not resolve either (${why}), so the bot's own DNS is not answering`,
    ...(failed.errno ? { errno: failed.errno } : {}),
    peer: host,
  };
}
