import { connect, isIP, type Socket } from 'node:net';
import { settleWithin } from './settle-within';
import { describeError, errorCode } from './text';
import type { EopCode, StepResult } from './types';

/**
 * Step 3. Connects to an address, never a name: the address policy already judged exactly these
 * addresses, and a second lookup could answer differently (DNS rebinding).
 * Node net docs: a socket 'timeout' does not close anything, so our own timer decides "timed out"
 * (the kernel's ETIMEDOUT only comes after its SYN retries, minutes later).
 */
export async function connectTcp(
  address: string,
  port: number,
  timeoutMs: number,
  track: (socket: Socket) => Socket,
  signal?: AbortSignal,
): Promise<{ result: StepResult; socket?: Socket }> {
  const socket = track(connect({ host: address, port, family: isIP(address), noDelay: true }));
  const outcome = await settleWithin(timeoutMs, signal, (settle: (v: { err?: unknown }) => void) => {
    socket.once('connect', () => settle({}));
    socket.once('error', (err) => settle({ err }));
  });
  const where = `${address.includes(':') ? `[${address}]` : address}:${port}`;
  if (outcome === 'aborted') return { result: { status: 'fail', outcome: 'ABORTED', detail: 'the probe was cancelled' } };
  if (outcome === 'timeout') {
    socket.destroy();
    return { result: fail('TIMEOUT', `no answer from ${where} within ${timeoutMs} ms (packets dropped: host down, wrong IP, or a firewall)`, '4.4.315') };
  }
  if (outcome.err) {
    const code = errorCode(outcome.err);
    return { result: { ...classifyConnectError(outcome.err), ...(code ? { errno: code } : {}) } };
  }
  return { result: { status: 'ok', outcome: 'OK', detail: `connected to ${where}` }, socket };
}

/** Node errors.md: ECONNREFUSED "target machine actively refused it" = EOP 4.4.316 (Winsock 10061). */
function classifyConnectError(err: unknown): StepResult {
  const detail = describeError(err);
  switch (errorCode(err)) {
    case 'ECONNREFUSED':
      return fail('REFUSED', `${detail} (nothing listens, or a firewall rejects the connection)`, '4.4.316');
    case 'ETIMEDOUT':
      return fail('TIMEOUT', detail, '4.4.315');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return fail('UNREACHABLE', detail, '4.4.315');
    case 'ECONNRESET':
      return fail('RESET', detail, '4.4.316');
    default:
      return fail('CONNECT_FAILED', detail, '4.4.315');
  }
}

const fail = (outcome: string, detail: string, eopCode: EopCode): StepResult => ({ status: 'fail', outcome, detail, eopCode });
