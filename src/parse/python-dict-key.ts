import { isEmailAddress } from './email-address';
import { MAX_ADDRESS_LINE_CHARS } from './limits';

const KEY_QUOTES = `'"\u2018\u2019`;

/** The address quoted as a dict key just before `(`: `{'jane@contoso.com': (` (read backwards, a bounded look-back). */
export function pythonDictKey(w: string, open: number): string | undefined {
  const head = w.slice(Math.max(0, open - MAX_ADDRESS_LINE_CHARS - 4), open).trimEnd();
  if (!head.endsWith(':')) return undefined;
  const key = head.slice(0, -1);
  if (!KEY_QUOTES.includes(key.charAt(key.length - 1))) return undefined;
  let from = -1;
  for (const quote of KEY_QUOTES) from = Math.max(from, key.lastIndexOf(quote, key.length - 2));
  const candidate = key.slice(from + 1, -1);
  return from >= 0 && isEmailAddress(candidate) ? candidate : undefined;
}
