/** Character tests shared by the scanners; plain code-unit comparisons, no regex in the hot loops. */

export function isWordChar(c: number): boolean {
  if (Number.isNaN(c)) return false;
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  return c > 127 && /[\p{L}\p{N}]/u.test(String.fromCharCode(c));
}

/**
 * ' " ` and the curly quotes (U+2018-U+201D): every character that opens or closes a quoted reply
 * (QUOTE_CLOSERS in read-error-prefix.ts). A cheap first test in loops that look for a closing quote.
 */
export function isQuoteChar(c: number): boolean {
  return c === 39 || c === 34 || c === 96 || (c >= 0x2018 && c <= 0x201d);
}

/** Is the character at `i` an ASCII digit (false past the text's end)? */
export function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** `chars.includes(text[i])` on a char code, without the one-character string. */
export function isOneOf(c: number, chars: string): boolean {
  for (let k = 0; k < chars.length; k++) if (chars.charCodeAt(k) === c) return true;
  return false;
}

/** Letters, digits, `-` and `.`: what a DNS name is made of. */
export function isHostChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46;
}

/**
 * `text.slice(at, at + needle.length).toLowerCase() === needle` for a lower-case ASCII needle,
 * without the two strings. Only ASCII letters (and the Kelvin sign, which lower-cases to `k`)
 * fold to ASCII letters.
 */
export function startsWithIgnoreCase(text: string, at: number, needle: string): boolean {
  if (at < 0 || at + needle.length > text.length) return false;
  for (let k = 0; k < needle.length; k++) {
    const c = text.charCodeAt(at + k);
    const n = needle.charCodeAt(k);
    if (c === n) continue;
    if (n >= 97 && n <= 122 && (c === n - 32 || (n === 107 && c === 0x212a))) continue;
    return false;
  }
  return true;
}

/**
 * Does one character occur in [from, to)? Asked line by line, front to back; the last indexOf
 * result is kept until the lines pass it, so the text is searched once in total.
 */
export class CharCursor {
  private searchedFrom = -1;
  private foundAt = -1;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  occursIn(from: number, to: number): boolean {
    if (this.searchedFrom < 0 || from < this.searchedFrom || (this.foundAt >= 0 && this.foundAt < from)) {
      this.foundAt = this.text.indexOf(this.char, from);
      this.searchedFrom = from;
    }
    return this.foundAt >= 0 && this.foundAt < to;
  }
}

/** What `\s` matches in a JavaScript regular expression (ECMA-262 WhiteSpace and LineTerminator). */
export function isRegexSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Where [first, end) ends once the blanks and tabs at its end are left off. */
export function endWithoutBlanks(text: string, first: number, end: number): number {
  let i = end;
  while (i > first && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
  return i;
}
