import { MAX_HOST_CHARS } from './limits';

/**
 * Outlook's send error (0x800CCC78, 0x800CCC79, …) quotes the outgoing server's reply after naming it:
 * "… Account: 'Work', Server: 'smtp.contoso.com', Protocol: SMTP, Server Response: '553 … (#5.7.1)', Port: 25,
 * Secure (SSL): No, Server Error: 553, Error Number: 0x800CCC79". The reply is that server's own, and the
 * server is the one named in `Server: '…'` (some copies write `Servers:`) earlier in the same sentence.
 * Reads the look-back window only.
 */
const RESPONSE_LEAD = /server response:[ \t]{0,2}['"\u2018\u201c]$/;
const SERVER_FIELDS = ["server: '", 'server: "', "servers: '", 'servers: "', 'server: \u2018', 'server: \u201c'];

export function readOutlookSendError(w: string, lw: string): { host?: string } | undefined {
  if (!RESPONSE_LEAD.test(lw.slice(-24))) return undefined;
  const host = readServerField(w, lw, lw.lastIndexOf('server response:'));
  return host ? { host } : {};
}

/**
 * Outlook wraps its sentence when it is copied from the dialog: `Account: 'x', Server: 'smtp.contoso.com', Protocol: SMTP,`
 * on one line and `Server Response: '550 …'` on the next. A line naming the account's server is kept for the reply below it.
 */
export function readOutlookServerLine(line: string, lower: string): string | undefined {
  if (!lower.includes('account:') && !lower.includes('protocol:')) return undefined;
  return readServerField(line, lower, lower.includes('server response:') ? lower.lastIndexOf('server response:') : lower.length);
}

/** The value of the last `Server: '…'` field before `before`, when it is a host name. */
function readServerField(w: string, lw: string, before: number): string | undefined {
  let at = -1;
  let lead = '';
  for (const field of SERVER_FIELDS) {
    const i = lw.lastIndexOf(field, before - 1);
    if (i > at) {
      at = i;
      lead = field;
    }
  }
  if (at < 0) return undefined;
  const valueStart = at + lead.length;
  const close = w.slice(valueStart, valueStart + MAX_HOST_CHARS + 2).search(/['"\u2019\u201d]/);
  const host = close > 0 ? w.slice(valueStart, valueStart + close).trim() : '';
  return host.includes('.') && !/\s/.test(host) ? host : undefined;
}
