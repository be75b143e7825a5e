import type { Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { settleWithin } from './settle-within';
import { describeError, errorCode } from './text';
import type { EopCode, StepResult } from './types';

/**
 * Step 7: the TLS handshake on the socket that just got `220` to STARTTLS (RFC 3207).
 * rejectUnauthorized:false so a bad certificate is still read and reported by step 8. The chain is
 * checked against Node's default store, plus `trustedCa` when given (Node tls docs: `ca` replaces
 * the defaults, hence rootCertificates alongside it). SNI only for names ("must be a host name,
 * and not an IP").
 * Node's default minimum, TLS 1.2, is also what Exchange Online requires.
 */
export async function startTls(
  socket: Socket,
  serverName: string,
  trustedCa: string[],
  timeoutMs: number,
  track: (socket: Socket) => Socket,
  signal?: AbortSignal,
): Promise<{ result: StepResult; tlsSocket?: TLSSocket }> {
  let tlsSocket: TLSSocket;
  try {
    tlsSocket = tlsConnect({
      socket,
      ...(isIP(serverName) ? {} : { servername: serverName }),
      rejectUnauthorized: false,
      ...(trustedCa.length ? { ca: [...rootCertificates, ...trustedCa] } : {}),
    });
  } catch (err) {
    // bad trustedCa PEM: the bot's configuration, not the server's fault, so no EOP code
    return { result: { status: 'fail', outcome: 'TLS_SETUP_FAILED', detail: describeError(err) } };
  }
  track(tlsSocket);
  const outcome = await settleWithin(timeoutMs, signal, (settle: (v: { err?: unknown; closed?: boolean }) => void) => {
    tlsSocket.once('secureConnect', () => settle({}));
    tlsSocket.once('error', (err) => settle({ err }));
    tlsSocket.once('close', () => settle({ closed: true }));
  });
  if (outcome === 'aborted') return { result: { status: 'fail', outcome: 'ABORTED', detail: 'the probe was cancelled' } };
  if (outcome === 'timeout') return { result: fail('TIMEOUT', `TLS handshake not finished within ${timeoutMs} ms`, '4.4.315') };
  if (outcome.closed) return { result: fail('CLOSED', 'the server closed the connection during the TLS handshake', '4.4.318') };
  if (outcome.err) {
    const code = errorCode(outcome.err);
    const error = code ? { errno: code } : {};
    if (code === 'ECONNRESET') return { result: { ...fail('RESET', describeError(outcome.err), '4.4.318'), ...error } };
    if (code === 'EPIPE') return { result: { ...fail('CLOSED', describeError(outcome.err), '4.4.318'), ...error } };
    // EPROTO / ERR_SSL_*: no common protocol version or cipher, or garbage instead of TLS
    return { result: { ...fail('HANDSHAKE_FAILED', describeError(outcome.err), '4.4.317'), ...error } };
  }
  const cipher = tlsSocket.getCipher();
  return {
    result: { status: 'ok', outcome: 'OK', detail: `${tlsSocket.getProtocol() ?? 'TLS'}, ${cipher?.standardName ?? cipher?.name ?? 'unknown cipher'}` },
    tlsSocket,
  };
}

const fail = (outcome: string, detail: string, eopCode: EopCode): StepResult => ({ status: 'fail', outcome, detail, eopCode });
