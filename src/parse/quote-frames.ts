import { isQuoteChar, isWordChar } from './char-classes';

/** The quotes a frame opens a reply with, and the characters that close each; Outlook and forums turn ' into ‘ ’. */
export const QUOTE_CLOSERS: Record<string, string> = {
  "'": "'\u2019",
  '\u2018': "\u2019'",
  '\u2019': "\u2019'",
  '"': '"\u201d',
  '\u201c': '\u201d"',
  '`': "`'",
};

/**
 * A reply the user put in quotes (`got "550 5.1.10 …" twice`) ends at the closing quote. Only the
 * last quote that opens (after a space, bracket, colon or the line start) is considered.
 */
export function openQuoteCloser(w: string): string | undefined {
  for (let i = w.length - 1; i >= 0; i--) {
    const closers = isQuoteChar(w.charCodeAt(i)) ? QUOTE_CLOSERS[w[i]] : undefined;
    if (!closers) continue;
    const before = i === 0 ? ' ' : w[i - 1];
    if (!/[\s([{:=]/.test(before)) continue;
    return hasCloseQuote(w, i + 1, closers) ? undefined : closers;
  }
  return undefined;
}

/** Is the frame's quote already closed before the code? Apostrophes inside words ("can't") do not count. */
export function hasCloseQuote(w: string, from: number, closers: string): boolean {
  for (let i = from; i < w.length; i++) {
    if (isQuoteChar(w.charCodeAt(i)) && closers.includes(w[i]) && !isWordChar(w.charCodeAt(i + 1))) return true;
  }
  return false;
}
