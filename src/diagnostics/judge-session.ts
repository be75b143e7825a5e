import { MAX_CAPABILITIES } from './limits';
import type { ReadResult } from './smtp-channel';
import type { SmtpReply } from './smtp-reply-reader';
import { clip } from './text';
import type { EopCode, StepResult } from './types';

/**
 * Pure verdicts on what the server said, per SMTP phase, mapped to the EOP code the same
 * behaviour causes. Wording of the codes: https://learn.microsoft.com/defender-office-365/connectors-mail-flow-intelligence
 * The mapping is ours (domain notes §4.4): a reply that refuses us → 4.4.317 "responded with an
 * immediate error or doesn't meet the connection requirements"; a connection that drops after the
 * greeting → 4.4.318 "closed abruptly"; nothing within our timer → 4.4.315 "timed out".
 */

/** Step 4: the 220 greeting (RFC 5321 §4.3.1: 220 ready, 554 no service; 421 is common too). */
export function judgeGreeting(read: ReadResult, timeoutMs: number, port: number): StepResult {
  if (read.kind === 'timeout') {
    // Port 465 speaks TLS first and waits for our ClientHello; EOP connectors use STARTTLS
    const hint = port === 465 ? ' (port 465 expects implicit TLS; Exchange Online delivers with STARTTLS, normally on 25)' : '';
    return fail('TIMEOUT', `connected but no greeting within ${timeoutMs} ms${hint}`, '4.4.315');
  }
  if (read.kind !== 'reply') return notAReply(read, 'before the greeting');
  const { reply } = read;
  if (reply.code === 220) {
    return isMaskedBanner(reply)
      ? {
          status: 'warn',
          outcome: 'FIREWALL_MASKED_BANNER',
          detail: clip(`${reply.raw} — a firewall's SMTP inspection (e.g. Cisco ASA/PIX) is rewriting the session`),
        }
      : { status: 'ok', outcome: 'OK', detail: clip(reply.raw) };
  }
  if (reply.code >= 400 && reply.code < 600) return fail(`BANNER_${reply.code}`, reply.raw, '4.4.317');
  return fail('BAD_GREETING', `not an SMTP greeting: ${reply.raw}`, '4.4.317');
}

/**
 * Cisco ASA ESMTP inspection (on by default, `mask-banner`) "changes the characters in the server
 * SMTP banner to asterisks except for the "2", "0", "0" characters" — Cisco ASA Series Firewall
 * CLI Configuration Guide, "SMTP and Extended SMTP Inspection".
 */
export function isMaskedBanner(reply: SmtpReply): boolean {
  const rest = reply.lines.join('').replace(/[\s20]/g, '');
  return rest.length >= 3 && /^\*+$/.test(rest);
}

/** Step 5: EHLO (RFC 5321 §4.1.1.1); the lines after the first are the extensions. */
export function judgeEhlo(read: ReadResult, timeoutMs: number): StepResult & { capabilities?: string[] } {
  if (read.kind === 'timeout') return fail('TIMEOUT', `no reply to EHLO within ${timeoutMs} ms`, '4.4.315');
  if (read.kind !== 'reply') return notAReply(read, 'after EHLO');
  const { reply } = read;
  if (reply.code === 250) {
    const capabilities = reply.lines
      .slice(1)
      .map((line) => clip(line.trim(), 100))
      .filter(Boolean)
      .slice(0, MAX_CAPABILITIES);
    return { status: 'ok', outcome: 'OK', detail: clip(capabilities.join(', ') || '(no extensions)'), capabilities };
  }
  if (reply.code === 0) return fail('PROTOCOL_ERROR', `not an SMTP reply: ${reply.raw}`, '4.4.317');
  return fail('EHLO_REJECTED', reply.raw, '4.4.317');
}

/**
 * Step 6, first half: was STARTTLS (RFC 3207) advertised? EOP connectors require TLS by default,
 * and "The connector is configured to require TLS, but the destination email server doesn't
 * support TLS" is listed under 4.4.317. The same ASA inspection that masks the banner removes the
 * STARTTLS indication by default (`no allow-tls`), and older PIX fixups rewrite it to XXXXXXXA.
 */
export function judgeStarttlsOffer(capabilities: string[], bannerMasked: boolean): StepResult | undefined {
  if (capabilities.some((c) => /^STARTTLS\b/i.test(c))) return undefined;
  const masked = capabilities.find((c) => /^X{4,}A?$/i.test(c));
  const why = masked
    ? `; "${masked}" in its place means a firewall's SMTP inspection is hiding it`
    : bannerMasked
      ? '; the firewall that masks the banner also strips STARTTLS unless it allows TLS'
      : '';
  return fail('STARTTLS_NOT_OFFERED', `EHLO did not advertise STARTTLS${why}. Extensions: ${capabilities.join(', ') || '(none)'}`, '4.4.317');
}

/** Step 6, second half: the reply to STARTTLS must be 220 (RFC 3207 §4). */
export function judgeStarttlsReply(read: ReadResult, timeoutMs: number): StepResult {
  if (read.kind === 'timeout') return fail('TIMEOUT', `no reply to STARTTLS within ${timeoutMs} ms`, '4.4.315');
  if (read.kind !== 'reply') return notAReply(read, 'after STARTTLS');
  const { reply } = read;
  if (reply.code === 220) return { status: 'ok', outcome: 'OK', detail: clip(reply.raw) };
  if (reply.code === 0) return fail('PROTOCOL_ERROR', `not an SMTP reply: ${reply.raw}`, '4.4.317');
  return fail('STARTTLS_REJECTED', reply.raw, '4.4.317');
}

/** Ends of a read other than a reply or our own timer. */
export function notAReply(read: Exclude<ReadResult, { kind: 'reply' } | { kind: 'timeout' }>, when: string): StepResult {
  switch (read.kind) {
    case 'aborted':
      return { status: 'fail', outcome: 'ABORTED', detail: 'the probe was cancelled' };
    case 'closed':
      return fail('CLOSED', `the server closed the connection ${when}`, '4.4.318');
    case 'error': {
      const failed = fail(read.code === 'ECONNRESET' ? 'RESET' : read.code === 'EPIPE' ? 'CLOSED' : 'SOCKET_ERROR', `${read.message} (${when})`, '4.4.318');
      return read.code ? { ...failed, errno: read.code } : failed;
    }
    case 'overflow':
      // [inferred] a peer that floods us is not speaking SMTP; EOP would give up on it as on any bad reply
      return fail(
        read.overflow,
        read.overflow === 'LINE_TOO_LONG'
          ? `the server sent a line longer than the SMTP limit without CRLF ${when}; stopped reading`
          : `the server sent more data than any SMTP dialogue needs ${when}; stopped reading`,
        '4.4.317',
      );
  }
}

function fail(outcome: string, detail: string, eopCode: EopCode): StepResult {
  return { status: 'fail', outcome, detail: clip(detail), eopCode };
}
