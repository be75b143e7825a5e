import { settleWithin } from './settle-within';
import { clip, describeError, errorCode } from './text';
import type { Resolver, StepResult } from './types';

/** PTR names kept; an address normally has one. */
const MAX_PTR_NAMES = 5;

/**
 * The reverse DNS (PTR) name of the address the TCP step connected to or tried (RFC 1035 §3.5). A fact
 * for the admin, never a reason EOP queues mail to a smart host: a missing or failed PTR is a warning
 * at most and carries no EOP code.
 */
export async function lookupPtr(
  address: string,
  resolver: Resolver,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ result: StepResult; names: string[] }> {
  const answer = await settleWithin(timeoutMs, signal, (settle: (v: { names?: string[]; err?: unknown }) => void) => {
    resolver.reverse(address).then(
      (names) => settle({ names }),
      (err: unknown) => settle({ err }),
    );
  });
  if (answer === 'aborted') return { result: { status: 'fail', outcome: 'ABORTED', detail: 'the probe was cancelled' }, names: [] };
  if (answer === 'timeout')
    return { result: { status: 'warn', outcome: 'PTR_TIMEOUT', detail: `no PTR answer for ${address} within ${timeoutMs} ms` }, names: [] };
  const names = (Array.isArray(answer.names) ? answer.names : []).filter((n) => typeof n === 'string' && n).slice(0, MAX_PTR_NAMES);
  if (names.length) return { result: { status: 'ok', outcome: 'OK', detail: clip(`${address} → ${names.join(', ')}`) }, names };
  const code = errorCode(answer.err);
  if (!answer.err || code === 'ENOTFOUND' || code === 'ENODATA') {
    return { result: { status: 'warn', outcome: 'NO_PTR', detail: `${address} has no PTR record` }, names: [] };
  }
  return {
    result: {
      status: 'warn',
      outcome: 'PTR_FAILED',
      detail: clip(`PTR of ${address}: ${describeError(answer.err)}`),
      ...(code ? { errno: code } : {}),
    },
    names: [],
  };
}
