import { Resolver as DnsResolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { normalizeHost } from './parse-target';
import { settleWithin } from './settle-within';
import { clip, describeError, errorCode } from './text';
import type { MxRecord, Resolver, StepResult } from './types';

/** Addresses kept from one answer; a smart host has a handful. */
const MAX_ADDRESSES = 16;

export interface Resolution {
  result: StepResult;
  addresses: string[];
  /** The MX exchange actually probed when the typed name had no A/AAAA record (a bare mail domain). */
  mxHost?: string;
}

/**
 * node:dns/promises Resolver, which asks DNS servers directly (dns.lookup would consult the OS and
 * /etc/hosts, which is not what EOP sees). Node dns docs: `timeout` is per query try.
 */
export function createDefaultResolver(timeoutMs: number): Resolver & { cancel(): void } {
  return new DnsResolver({ timeout: Math.max(250, Math.floor(timeoutMs / 2)), tries: 2 });
}

/**
 * Step 1: A and AAAA of the smart host, or its lowest-priority MX when the name has neither
 * (someone typed the mail domain). Every failure here is what EOP reports as 4.4.312
 * "DNS query failed" (connectors-mail-flow-intelligence). Each round of queries has its own
 * timer, so the MX path can take up to twice `timeoutMs`.
 */
export async function resolveHost(host: string, resolver: Resolver, timeoutMs: number, signal?: AbortSignal): Promise<Resolution> {
  const direct = await lookupAddresses(host, resolver, timeoutMs, signal);
  if (direct.failed) return { result: direct.failed, addresses: [] };
  if (direct.addresses.length) return { result: ok(`${host} → ${direct.addresses.join(', ')}`), addresses: direct.addresses };

  const mx = await settleWithin(timeoutMs, signal, (settle: (v: { records?: MxRecord[]; err?: unknown }) => void) => {
    resolver.resolveMx(host).then(
      (records) => settle({ records }),
      (err: unknown) => settle({ err }),
    );
  });
  if (mx === 'timeout' || mx === 'aborted') return { result: interrupted(mx, `MX of ${host}`, timeoutMs), addresses: [] };
  if (mx.err && errorCode(mx.err) !== 'ENODATA') return { result: dnsFailure(mx.err, `MX of ${host}`, host), addresses: [] };
  const best = [...(mx.records ?? [])].sort((a, b) => a.priority - b.priority)[0];
  if (!best) return { result: fail('NO_ADDRESS', `${host} has no A, AAAA or MX record`), addresses: [] };
  // RFC 7505: a single MX of "." means the domain accepts no mail at all
  if (best.exchange === '' || best.exchange === '.')
    return { result: fail('NULL_MX', `${host} publishes a null MX (RFC 7505): it accepts no mail`), addresses: [] };
  const exchange = normalizeHost(best.exchange);
  if (!exchange) return { result: fail('BAD_MX', clip(`${host} has MX "${best.exchange}", which is not a valid host name`)), addresses: [] };

  const viaMx = `${host} has no A/AAAA record; probing its MX ${exchange} (priority ${best.priority})`;
  const target = await lookupAddresses(exchange, resolver, timeoutMs, signal);
  if (target.failed) return { result: { ...target.failed, detail: clip(`${viaMx}: ${target.failed.detail}`) }, addresses: [] };
  if (!target.addresses.length) return { result: fail('NO_ADDRESS', `${viaMx}, which has no A or AAAA record`), addresses: [] };
  return { result: ok(`${viaMx} → ${target.addresses.join(', ')}`), addresses: target.addresses, mxHost: exchange };
}

type Settled = { ok: true; value: string[] } | { ok: false; err: unknown };

export async function lookupAddresses(
  name: string,
  resolver: Resolver,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ addresses: string[]; failed?: StepResult }> {
  const both = await settleWithin(timeoutMs, signal, (settle: (v: { v4: Settled; v6: Settled }) => void) => {
    const attempt = (query: Promise<string[]>): Promise<Settled> =>
      query.then(
        (value) => ({ ok: true, value }),
        (err: unknown) => ({ ok: false, err }),
      );
    void Promise.all([attempt(resolver.resolve4(name)), attempt(resolver.resolve6(name))]).then(([v4, v6]) => settle({ v4, v6 }));
  });
  if (both === 'timeout' || both === 'aborted') return { addresses: [], failed: interrupted(both, name, timeoutMs) };

  const addresses = [...answer(both.v4), ...answer(both.v6)].slice(0, MAX_ADDRESSES);
  if (addresses.length) return { addresses };
  const errors = [both.v4, both.v6].flatMap((s) => (s.ok || errorCode(s.err) === 'ENODATA' ? [] : [s.err]));
  // NXDOMAIN for either query means the name does not exist at all
  const nx = errors.find((err) => errorCode(err) === 'ENOTFOUND');
  const worst = nx ?? errors[0];
  return worst ? { addresses: [], failed: dnsFailure(worst, name, name) } : { addresses: [] };
}

const answer = (s: Settled): string[] => (s.ok && Array.isArray(s.value) ? s.value.filter((a) => typeof a === 'string' && isIP(a) !== 0) : []);

/**
 * Node dns error codes (dns.md "Error codes"). A dead DNS server gives ECONNREFUSED with
 * syscall query* — the same code as a refused TCP port, told apart here by the phase.
 */
const DNS_OUTCOMES: Record<string, string> = {
  ENOTFOUND: 'NXDOMAIN',
  ESERVFAIL: 'SERVFAIL',
  ETIMEOUT: 'DNS_TIMEOUT',
  EREFUSED: 'DNS_REFUSED',
  ECONNREFUSED: 'NO_DNS_SERVER',
  ENODATA: 'NO_ADDRESS',
};

function dnsFailure(err: unknown, what: string, name: string): StepResult {
  const code = errorCode(err) ?? '';
  const failed = fail(DNS_OUTCOMES[code] ?? 'DNS_ERROR', `${what}: ${describeError(err)}`);
  return { ...failed, peer: name, ...(code ? { errno: code } : {}) };
}

function interrupted(how: 'timeout' | 'aborted', what: string, timeoutMs: number): StepResult {
  return how === 'aborted'
    ? { status: 'fail', outcome: 'ABORTED', detail: 'the probe was cancelled' }
    : fail('DNS_TIMEOUT', `no DNS answer for ${what} within ${timeoutMs} ms`);
}

const ok = (detail: string): StepResult => ({ status: 'ok', outcome: 'OK', detail: clip(detail) });
const fail = (outcome: string, detail: string): StepResult => ({ status: 'fail', outcome, detail: clip(detail), eopCode: '4.4.312' });
