import { isEmailAddress } from './email-address';
import { MAX_HOST_CHARS } from './limits';

/**
 * Lines without a status code that third-party bounces print around the remote reply
 * (ndr-catalog §3.4). Each helper reads one short, lower-cased window of one line.
 */

/**
 * qmail-remote names the server it talked to by IP only, on the lines around "Remote host said:"
 * (qmail-remote.c; https://cr.yp.to/qmail.html): "203.0.113.77 does not like recipient.",
 * "203.0.113.77 failed after I sent the message.", "Connected to 203.0.113.77 but sender was
 * rejected.", and "Giving up on 203.0.113.77." after the reply.
 */
const QMAIL_IP_LEADS = ['connected to ', 'giving up on '];
const QMAIL_IP_TAILS = [' does not like recipient', ' does not like sender', ' failed after i sent the message', ' failed on data command'];

export function readQmailIp(line: string, lower: string): string | undefined {
  for (const lead of QMAIL_IP_LEADS) {
    if (lower.startsWith(lead)) return ipToken(line.slice(lead.length).trimStart().split(/[\s,]/, 1)[0]);
  }
  for (const tail of QMAIL_IP_TAILS) {
    const at = lower.indexOf(tail);
    // netqmail prints `From: <…> RCPT: <…> 203.0.113.77 failed after I sent the message.` on one line.
    if (at > 0)
      return ipToken(
        line
          .slice(Math.max(0, at - 46), at)
          .trim()
          .split(/\s/)
          .pop() ?? '',
      );
  }
  return undefined;
}

/** An IPv4/IPv6 address as posted (also anonymised `###.###.###.###`), without a trailing full stop. */
export function ipToken(value: string): string | undefined {
  const v = value.endsWith('.') ? value.slice(0, -1) : value;
  if (v.length < 3 || v.length > 45 || !/^[0-9A-Fa-fx#*.:]+$/.test(v)) return undefined;
  return v.includes('.') || v.includes(':') ? v : undefined;
}

/**
 * The recipient a bounce names in a sentence: Mimecast "Your message couldn't be delivered to
 * jane@contoso.com", Gmail "Your message wasn't delivered to jane@contoso.com because …" and
 * "There was a problem delivering your message to jane@contoso.com.", dma "There was an error delivering
 * your mail to <jane@contoso.com>.".
 */
const DELIVERED_TO = ['delivered to ', 'delivering your message to ', 'delivering your mail to '];

export function readDeliveredTo(line: string, lower: string): string | undefined {
  for (const phrase of DELIVERED_TO) {
    const at = lower.indexOf(phrase);
    if (at < 0) continue;
    let candidate = line
      .slice(at + phrase.length)
      .trimStart()
      .split(/[\s,;]/, 1)[0];
    if (candidate.startsWith('<')) candidate = candidate.slice(1, candidate.indexOf('>') > 0 ? candidate.indexOf('>') : undefined);
    while (candidate.endsWith('.') || candidate.endsWith(':')) candidate = candidate.slice(0, -1);
    if (isEmailAddress(candidate)) return candidate;
  }
  return undefined;
}

/**
 * DragonFly's dma: "mx.contoso.com [203.0.113.9] did not like our final DATA:" and the reply on the
 * next line (dma net.c, https://github.com/corecode/dma); pastes often join the two lines.
 */
export const DID_NOT_LIKE = ' did not like our ';
const HOSTNAME = /^[A-Za-z0-9*#_-][A-Za-z0-9.*#_-]{0,254}$/;

/** The `host [ip]`, `host` or `ip` that ends just before `end` (a bounded look-back), and where it starts (-1: none). */
export function hostBefore(text: string, end: number): { host?: string; ip?: string; start: number } {
  const offset = Math.max(0, end - MAX_HOST_CHARS - 110);
  let before = text.slice(offset, end).trimEnd();
  const found: { host?: string; ip?: string; start: number } = { start: -1 };
  if (before.endsWith(']')) {
    const open = before.lastIndexOf('[');
    if (open < 0) return found;
    const ip = before.slice(open + 1, -1).trim();
    if (ip && !/\s/.test(ip)) found.ip = ip;
    found.start = offset + open;
    before = before.slice(0, open).trimEnd();
  }
  const space = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\t'));
  const host = before.slice(space + 1);
  if (!host || !HOSTNAME.test(host) || !host.includes('.')) return found;
  if (found.ip === undefined && /^[0-9.]+$/.test(host)) found.ip = host;
  else found.host = host;
  found.start = offset + space + 1;
  return found;
}

/**
 * sendmail's `... while talking to mx.contoso.com.:` (or `[203.0.113.9]:` for an address): the host after the phrase
 * (at `at`, its start), without the trailing `.:`, the brackets, or the zero-width spaces a web archive put in.
 */
export function hostTalkedTo(text: string, at: number): string | undefined {
  const host = text
    .slice(at + 17, at + 17 + 260)
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .trim()
    .split(/\s/, 1)[0]
    .replace(/[.:]+$/, '')
    .replace(/^\[([^[\]]{1,45})\]$/, '$1');
  return host || undefined;
}
