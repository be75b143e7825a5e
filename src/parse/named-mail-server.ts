import { MAX_HOST_CHARS } from './limits';
import { ipToken } from './relay-context';

/**
 * A sender that names the server in a sentence before quoting its reply: Purelymail's NDR
 * "jane@contoso.com at remote mailserver mx.contoso.com. (203.0.113.9): MessagingException: 421 4.3.2 …",
 * a relay's log "Message rejected by mail server mx.contoso.com: …, server said: 421 …". The name must be
 * a host (it has a dot), optionally followed by its address in brackets, and end in `:` — so prose such as
 * "The mail server responded:" or "remote mail server after RCPT TO:" names nothing.
 */
const LEADS = ['mail server ', 'mailserver '];
const NAMED = /^([A-Za-z0-9][A-Za-z0-9.-]{0,253}[A-Za-z0-9])\.?[ \t]{0,3}(?:[([]([0-9A-Fa-f:.]{3,45})[)\]])?:/;

export function readNamedMailServer(w: string, lw: string): { host: string; ip?: string } | undefined {
  let at = -1;
  let lead = '';
  for (const candidate of LEADS) {
    const i = lw.lastIndexOf(candidate);
    if (i > at) {
      at = i;
      lead = candidate;
    }
  }
  if (at < 0) return undefined;
  const m = NAMED.exec(w.slice(at + lead.length, at + lead.length + MAX_HOST_CHARS + 50));
  if (!m?.[1].includes('.')) return undefined;
  const ip = m[2] ? ipToken(m[2]) : undefined;
  return ip ? { host: m[1], ip } : { host: m[1] };
}
