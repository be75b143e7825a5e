import { startsWithIgnoreCase } from './char-classes';
import type { CodeToken, CodeTokenCursor } from './code-tokens';
import { findDestination } from './find-destination';
import { MAX_LOOKBACK_CHARS } from './limits';

/**
 * The `dsn=X.Y.Z` field of a Postfix or sendmail log line (postconf(5) "delivery status"; sendmail's
 * `dsn=` in its syslog entries). Both write the status before the words that say where the mail went:
 * `dsn=4.4.1, status=deferred (connect to mx.contoso.com[203.0.113.9]:25: Connection timed out)`,
 * `dsn=5.0.0, status=bounced (host mx.contoso.com[203.0.113.9] said: 550-Requested action …)`.
 */
export function isLogDsn(text: string, token: CodeToken): boolean {
  return startsWithIgnoreCase(text, token.codeStart - 4, 'dsn=');
}

/**
 * Where a log line's `dsn=` failure went, read after the code: up to the next code on the line (its
 * own error reads from there) and at most MAX_LOOKBACK_CHARS, so no text is read twice by this.
 */
export function destinationAfterDsn(
  text: string,
  cursor: CodeTokenCursor,
  token: CodeToken,
  to: number,
): { server?: string; ip?: string; port?: number } | undefined {
  const limit = Math.min(to, token.end + MAX_LOOKBACK_CHARS);
  const next = cursor.next(token.end, limit);
  return findDestination(text.slice(token.end, next ? next.start : limit));
}

const SAID_REPLY = /(?: said:| refused to talk to me:) ([245]\d\d)[ -]/;

/** `dsn=4.0.0, status=deferred (host X[ip] said: 421 Try again later …)`, `… refused to talk to me: 554-…`: the reply code of a reply with no status code of its own. */
export function replyAfterDsn(text: string, cursor: CodeTokenCursor, token: CodeToken, to: number): string | undefined {
  const limit = Math.min(to, token.end + MAX_LOOKBACK_CHARS);
  if (cursor.next(token.end, limit)) return undefined;
  return SAID_REPLY.exec(text.slice(token.end, limit))?.[1];
}

/**
 * sendmail logs a delivery as `dsn=2.0.0, stat=Sent (…)`: no reply code before the 2.x.x, but the
 * outcome is written next to it (sendmail's `stat=` field), so it is a delivery, not a bare success code.
 */
export function isLoggedSent(text: string, token: CodeToken): boolean {
  if (!isLogDsn(text, token)) return false;
  let i = token.end;
  if (text.charCodeAt(i) === 44 /* , */) i++;
  while (i < token.end + 3 && text.charCodeAt(i) === 32) i++;
  return startsWithIgnoreCase(text, i, 'stat=sent');
}
