import { MAX_HOST_CHARS } from './limits';
import { ipToken } from './relay-context';

/**
 * The server a sender's log names just before the reply it quotes:
 * - Postfix with `-v` logs the session, `postfix/smtp[699]: < smtp.contoso.com[203.0.113.9]:587: 530 5.7.57 …`;
 * - Stalwart, `(host 'mx.contoso.com' rejected command 'RCPT TO:<jane@contoso.com>' with code 550 (5.1.1) '…'`;
 * - Alibaba's and Tencent's bounces, `the mta server of contoso.com -- mx3.contoso.com(203.0.113.9) reply:550 …`.
 * `w` is the look-back window that ends at the reply code; only its tail is read.
 */
const POSTFIX_VERBOSE_REPLY = /(?:^|\s)<[ \t]([A-Za-z0-9][A-Za-z0-9.-]{0,253})\[([^\]\s]{0,45})\](?::\d{1,5})?:$/;
const NAME_ADDRESS_REPLY =
  /(?:^|[\s-])([A-Za-z0-9][A-Za-z0-9.-]{0,253}\.[A-Za-z]{2,63})[ \t]?[([]([0-9A-Fa-f:.]{3,45})[)\]][ \t]{0,2}(?:reply|replied|responded):$/i;
const STALWART_REJECTED = /host '([A-Za-z0-9][A-Za-z0-9.-]{0,253})' rejected command '[^']{0,300}' with code$/i;

export function readLoggedReplyHost(w: string): { host: string; ip?: string; start: number } | undefined {
  const tail = w.slice(Math.max(0, w.length - MAX_HOST_CHARS - 400)).trimEnd();
  const offset = w.length - w.trimEnd().length;
  const m = POSTFIX_VERBOSE_REPLY.exec(tail) ?? STALWART_REJECTED.exec(tail) ?? NAME_ADDRESS_REPLY.exec(tail);
  if (!m) return undefined;
  const ip = m[2] ? ipToken(m[2]) : undefined;
  return { host: m[1], ...(ip ? { ip } : {}), start: w.length - offset - m[0].length };
}
