import { isRegexSpace } from './char-classes';

/**
 * The `[Key=value]` fields or `{Key=value}` groups of one error, kept as ranges of the paste. Most
 * are never read, so no key is lower-cased into a new string and no value is cut out until asked.
 * Keys compare without case and spaces (`Last attempted server name` = `lastattemptedservername`);
 * they are ASCII letters, digits and spaces (see matchFieldKey, matchGroupKey), for which setting
 * bit 0x20 is exactly lower-casing. The first occurrence of a key wins.
 */
export interface KeyedValueLookup {
  readonly size: number;
  /** The value of a key given in lower case without spaces. */
  get(key: string): string | undefined;
}

export const NO_VALUES: KeyedValueLookup = { size: 0, get: () => undefined };

export class KeyedValues implements KeyedValueLookup {
  /** keyStart, keyEnd, valueStart, valueEnd for each key. */
  private readonly bounds: number[] = [];

  constructor(private readonly text: string) {}

  get size(): number {
    return this.bounds.length / 4;
  }

  /** Adds the value unless the key is already there. */
  add(keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    for (let k = 0; k < this.bounds.length; k += 4) {
      if (this.sameKey(this.bounds[k], this.bounds[k + 1], keyStart, keyEnd)) return;
    }
    this.bounds.push(keyStart, keyEnd, valueStart, valueEnd);
  }

  get(key: string): string | undefined {
    for (let k = 0; k < this.bounds.length; k += 4) {
      if (this.keyEquals(this.bounds[k], this.bounds[k + 1], key)) return this.text.slice(this.bounds[k + 2], this.bounds[k + 3]);
    }
    return undefined;
  }

  private keyEquals(start: number, end: number, key: string): boolean {
    let i = start;
    for (let k = 0; k < key.length; k++, i++) {
      i = this.skipSpaces(i, end);
      if (i >= end || (this.text.charCodeAt(i) | 0x20) !== key.charCodeAt(k)) return false;
    }
    return this.skipSpaces(i, end) === end;
  }

  private sameKey(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
    let a = this.skipSpaces(aStart, aEnd);
    let b = this.skipSpaces(bStart, bEnd);
    while (a < aEnd && b < bEnd) {
      if ((this.text.charCodeAt(a) | 0x20) !== (this.text.charCodeAt(b) | 0x20)) return false;
      a = this.skipSpaces(a + 1, aEnd);
      b = this.skipSpaces(b + 1, bEnd);
    }
    return a === aEnd && b === bEnd;
  }

  private skipSpaces(i: number, end: number): number {
    while (i < end && this.text.charCodeAt(i) === 32) i++;
    return i;
  }
}

export interface KeyMatch {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
}

/**
 * `[Key=` at `at`, as the sticky /\[\s{0,2}([A-Za-z][A-Za-z0-9]{0,40})\s{0,2}=/y reads it. Spaces, key
 * characters and `=` are disjoint, so one forward walk gives the regex's answer without its match array.
 */
export function matchFieldKey(text: string, at: number): KeyMatch | undefined {
  if (text.charCodeAt(at) !== 91 /* [ */) return undefined;
  let i = at + 1;
  while (i < at + 3 && isRegexSpace(text.charCodeAt(i))) i++;
  if (!isAsciiLetter(text.charCodeAt(i))) return undefined;
  const keyStart = i++;
  while (i <= keyStart + 40 && isAsciiLetterOrDigit(text.charCodeAt(i))) i++;
  const keyEnd = i;
  while (i < keyEnd + 2 && isRegexSpace(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 61 /* = */ ? { keyStart, keyEnd, valueStart: i + 1 } : undefined;
}

/** `{Key Name=` at `at`, as /\{\s{0,3}([A-Za-z][A-Za-z ]{0,40})=/y reads it. */
export function matchGroupKey(text: string, at: number): KeyMatch | undefined {
  if (text.charCodeAt(at) !== 123 /* { */) return undefined;
  let i = at + 1;
  while (i < at + 4 && isRegexSpace(text.charCodeAt(i))) i++;
  if (!isAsciiLetter(text.charCodeAt(i))) return undefined;
  const keyStart = i++;
  while (i <= keyStart + 40 && (isAsciiLetter(text.charCodeAt(i)) || text.charCodeAt(i) === 32)) i++;
  return text.charCodeAt(i) === 61 /* = */ ? { keyStart, keyEnd: i, valueStart: i + 1 } : undefined;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAsciiLetterOrDigit(c: number): boolean {
  return isAsciiLetter(c) || (c >= 48 && c <= 57);
}
