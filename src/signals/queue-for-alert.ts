/**
 * Which destination's queue a Microsoft 365 alert is about. Pure. Alert policy records name no
 * destination in a documented field, so the alert's own words are matched against the queue the message
 * trace shows: a connector's name, a recipient domain, an IP mail goes to, or the server of the error
 * the parser read in the alert. Without a match, the card still says how much mail is waiting overall.
 */
import type { IncomingAlert } from '../alerts/normalise-alert';
import type { ParsedError } from '../parse/types';
import type { QueueGroup, QueueReading } from './read-queue';

export function withQueue(alert: IncomingAlert, parsed: ParsedError | undefined, reading: QueueReading): IncomingAlert {
  if (!alert.microsoftAlert) return alert;
  const group = reading.groups.find((g) => mentions(alert.text, g) || sameServer(parsed, g));
  const pending = { messages: reading.messages, destinations: reading.groups.length, checkedAt: reading.checkedAt };
  // An alert that names no error takes its destination's last deferral reason, so its card can diagnose it.
  const reason = !parsed && group?.lastDeferral ? `\n${group.lastDeferral.text}` : '';
  return { ...alert, text: alert.text + reason, ...(group && { queue: group }), microsoftAlert: { ...alert.microsoftAlert, pending } };
}

function mentions(text: string, g: QueueGroup): boolean {
  const lower = text.toLowerCase();
  const words = [g.connector, ...g.domains, ...g.toIPs].filter((w): w is string => !!w && w.length > 2);
  return words.some((w) => containsWord(lower, w.toLowerCase()));
}

/** `word` in `text` not as part of a longer name (contoso.com is not in mycontoso.com or contoso.com.au). */
function containsWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) {
    const before = text[i - 1];
    const after = text[i + word.length];
    if (!isNameChar(before) && !(isNameChar(after) || (after === '.' && isNameChar(text[i + word.length + 1])))) return true;
  }
  return false;
}

function isNameChar(c: string | undefined): boolean {
  return !!c && /[a-z0-9_-]/.test(c);
}

function sameServer(parsed: ParsedError | undefined, g: QueueGroup): boolean {
  const seen = g.lastDeferral?.error;
  if (!parsed || !seen) return false;
  const server = parsed.server?.toLowerCase();
  return (!!server && server === seen.server?.toLowerCase()) || (!!parsed.ip && parsed.ip === seen.ip);
}
