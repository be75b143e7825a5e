import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRegexSpace } from '../../src/parse/char-classes';
import { KeyedValues, matchFieldKey, matchGroupKey } from '../../src/parse/keyed-values';

/** The patterns the key readers are written out from. */
function byPattern(pattern: RegExp, text: string, at: number): { keyStart: number; keyEnd: number; valueStart: number } | undefined {
  pattern.lastIndex = at;
  const m = pattern.exec(text);
  if (!m) return undefined;
  // The key follows the opening bracket and blanks, so its first occurrence in the match is the key.
  const keyStart = at + m[0].indexOf(m[1]);
  return { keyStart, keyEnd: keyStart + m[1].length, valueStart: pattern.lastIndex };
}
const FIELD_START = /\[\s{0,2}([A-Za-z][A-Za-z0-9]{0,40})\s{0,2}=/y;
const GROUP_START = /\{\s{0,3}([A-Za-z][A-Za-z ]{0,40})=/y;

describe('keyed values', () => {
  it('tests whitespace exactly as \\s does', () => {
    for (let c = 0; c <= 0xffff; c++) expect(isRegexSpace(c)).toBe(/\s/.test(String.fromCharCode(c)));
  });

  it('reads [Key= and {Key Name= as the patterns do', () => {
    const chars = fc.constantFrom('[', '{', ' ', '\t', '\n', '\u00a0', '=', 'a', 'Z', '0', '-', ':', ']', '}');
    const text = fc.oneof(
      fc.array(chars, { maxLength: 50 }).map((a) => a.join('')),
      fc
        .tuple(fc.constantFrom('[', '{', '[ ', '{   '), fc.integer({ min: 35, max: 45 }), fc.constantFrom('=', ' =', '  =', 'x'))
        .map(([open, n, end]) => `${open}${'Ab'.repeat(n).slice(0, n)}${end}`),
    );
    fc.assert(
      fc.property(text, fc.nat(4), (t, at) => {
        expect(matchFieldKey(t, at)).toEqual(byPattern(FIELD_START, t, at));
        expect(matchGroupKey(t, at)).toEqual(byPattern(GROUP_START, t, at));
      }),
      { numRuns: 20_000 },
    );
  });

  it('finds values by key without case or spaces, the first occurrence winning', () => {
    const text = '{Last attempted server name=a}{LASTATTEMPTEDSERVERNAME=b}{IP=c}{I P=d}';
    const groups = new KeyedValues(text);
    for (const m of text.matchAll(/\{([^=]+)=([^}]*)\}/g)) {
      const keyStart = m.index + 1;
      groups.add(keyStart, keyStart + m[1].length, keyStart + m[1].length + 1, keyStart + m[1].length + 1 + m[2].length);
    }
    expect(groups.size).toBe(2);
    expect(groups.get('lastattemptedservername')).toBe('a');
    expect(groups.get('ip')).toBe('c');
    expect(groups.get('i')).toBeUndefined();
    expect(groups.get('ipx')).toBeUndefined();
  });
});
