import { findCodes } from './code-tokens';
import { MAX_ADDRESS_LINE_CHARS } from './limits';

const MAX_DISPLAY_NAME_CHARS = 64;
/** `550 I cannot deliver mail for <jane@contoso.com>` is a reply, not a display name and an address. */
const REPLY_START = /^[ \t]{0,8}[245]\d\d(?:[ \t-]|$)/;

/**
 * A plain check (no backtracking-prone pattern) for `local@domain.tld`; anonymised `xxx@contoso.com` passes.
 * Written out over char codes because it runs for most lines and errors of a paste. The grammar:
 *   local  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/
 *   label  /^[A-Za-z0-9_](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, at least one before
 *   top    /^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])$/
 */
export function isEmailAddress(candidate: string): boolean {
  if (candidate.length < 5 || candidate.length > 254) return false;
  const at = candidate.indexOf('@');
  if (at <= 0 || at > 64 || at !== candidate.lastIndexOf('@')) return false;
  for (let i = 0; i < at; i++) if (!isLocalPartChar(candidate.charCodeAt(i))) return false;

  let labelStart = at + 1;
  let labels = 0;
  for (let i = labelStart; i <= candidate.length; i++) {
    if (i < candidate.length && candidate.charCodeAt(i) !== 46 /* . */) continue;
    const top = i === candidate.length;
    if (top ? labels === 0 || !isTopLabel(candidate, labelStart, i) : !isLabel(candidate, labelStart, i)) return false;
    labels++;
    labelStart = i + 1;
  }
  return true;
}

function isLabel(s: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 1 || length > 63) return false;
  const first = s.charCodeAt(start);
  if (!isAlphanumeric(first) && first !== 95 /* _ */) return false;
  return length === 1 || isLabelTail(s, start + 1, end);
}

function isTopLabel(s: string, start: number, end: number): boolean {
  const length = end - start;
  return length >= 2 && length <= 63 && isLetter(s.charCodeAt(start)) && isLabelTail(s, start + 1, end);
}

/** Letters, digits and hyphens, ending in a letter or digit. */
function isLabelTail(s: string, start: number, end: number): boolean {
  for (let i = start; i < end - 1; i++) {
    const c = s.charCodeAt(i);
    if (!isAlphanumeric(c) && c !== 45 /* - */) return false;
  }
  return isAlphanumeric(s.charCodeAt(end - 1));
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAlphanumeric(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57);
}

const LOCAL_PART_SYMBOLS = "!#$%&'*+/=?^_`{|}~.-";

function isLocalPartChar(c: number): boolean {
  return isAlphanumeric(c) || (c < 128 && LOCAL_PART_SYMBOLS.includes(String.fromCharCode(c)));
}

/**
 * The address when a whole line is just a recipient, as NDR bodies list it before the server's reply:
 * `user@contoso.com`, `<user@contoso.com>`, `User Name <user@contoso.com>`, `User Name (user@contoso.com)`,
 * and the bounce forms `<user@contoso.com>:` and `<user@contoso.com>: host`.
 */
export function readAddressLine(line: string): string | undefined {
  let trimmed = line.trim();
  // qmail and Postfix put `<user@contoso.com>:` before the reply, Postfix `<user@contoso.com>: host` when it wraps there.
  if (trimmed.startsWith('<')) {
    if (trimmed.endsWith('>:')) trimmed = trimmed.slice(0, -1);
    else if (trimmed.endsWith('>: host')) trimmed = trimmed.slice(0, -6);
  }
  if (trimmed.length > MAX_ADDRESS_LINE_CHARS) return undefined;
  if (isEmailAddress(trimmed)) return trimmed;
  const last = trimmed[trimmed.length - 1];
  if (last !== '>' && last !== ')') return undefined;
  const open = trimmed.lastIndexOf(last === '>' ? '<' : '(');
  // A display name is short and is not a sentence with a status code in it.
  const name = trimmed.slice(0, open);
  if (open < 0 || name.length > MAX_DISPLAY_NAME_CHARS || name.includes(':') || findCodes(name).length > 0 || REPLY_START.test(name)) return undefined;
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
