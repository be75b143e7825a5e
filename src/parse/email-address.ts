import { findCodes } from './code-tokens';
import { MAX_ADDRESS_LINE_CHARS } from './limits';

const MAX_DISPLAY_NAME_CHARS = 64;

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LABEL = /^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])$/;

/** A plain check (no backtracking-prone pattern) for `local@domain.tld`; anonymised `xxx@contoso.com` passes. */
export function isEmailAddress(candidate: string): boolean {
  if (candidate.length < 5 || candidate.length > 254) return false;
  const at = candidate.indexOf('@');
  if (at <= 0 || at !== candidate.lastIndexOf('@')) return false;
  if (!LOCAL_PART.test(candidate.slice(0, at))) return false;
  const labels = candidate.slice(at + 1).split('.');
  if (labels.length < 2) return false;
  const top = labels[labels.length - 1];
  return TOP_LABEL.test(top) && labels.slice(0, -1).every((label) => LABEL.test(label));
}

/**
 * The address when a whole line is just a recipient, as NDR bodies list it before the server's reply:
 * `user@contoso.com`, `<user@contoso.com>`, `User Name <user@contoso.com>`, `User Name (user@contoso.com)`.
 */
export function readAddressLine(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed.length > MAX_ADDRESS_LINE_CHARS) return undefined;
  if (isEmailAddress(trimmed)) return trimmed;
  const last = trimmed[trimmed.length - 1];
  if (last !== '>' && last !== ')') return undefined;
  const open = trimmed.lastIndexOf(last === '>' ? '<' : '(');
  // A display name is short and is not a sentence with a status code in it.
  const name = trimmed.slice(0, open);
  if (open < 0 || name.length > MAX_DISPLAY_NAME_CHARS || name.includes(':') || findCodes(name).length > 0) return undefined;
  const inner = trimmed.slice(open + 1, -1).trim();
  return isEmailAddress(inner) ? inner : undefined;
}

/** The last `<user@domain>` in a short piece of text (looks at the last three `<` only, so it stays bounded). */
export function findBracketedAddress(text: string): string | undefined {
  let end = text.length;
  for (let tries = 0; tries < 3; tries++) {
    const open = text.lastIndexOf('<', end - 1);
    if (open < 0) return undefined;
    const close = text.indexOf('>', open);
    if (close > open && close - open <= MAX_ADDRESS_LINE_CHARS) {
      const inner = text.slice(open + 1, close).trim();
      if (isEmailAddress(inner)) return inner;
    }
    end = open;
  }
  return undefined;
}
