import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDsnFieldName } from '../../src/parse/dsn-block';
import { matchFieldName } from '../../src/parse/field-name';

/** What matchFieldName is written out from. */
function reference(text: string, start: number, maxNameTail: number, maxGap: number): { nameStart: number; nameEnd: number; end: number } | undefined {
  const pattern = new RegExp(`([ \\t]{0,8})([A-Za-z][A-Za-z0-9-]{0,${maxNameTail}})[ \\t]{0,${maxGap}}:`, 'y');
  pattern.lastIndex = start;
  const m = pattern.exec(text);
  if (!m) return undefined;
  const nameStart = start + m[1].length;
  return { nameStart, nameEnd: nameStart + m[2].length, end: pattern.lastIndex };
}

describe('matchFieldName', () => {
  it('reads DSN field names with the blanks pastes add, and nothing else', () => {
    expect(readDsnFieldName('Diagnostic-Code: smtp;550 5.1.1', 0)).toEqual({ name: 'diagnostic-code', valueStart: 16 });
    expect(readDsnFieldName('x\n  STATUS : 5.4.316', 2)).toEqual({ name: 'status', valueStart: 12 });
    expect(readDsnFieldName('         Status: 5.4.316', 0)).toBeUndefined();
    expect(readDsnFieldName('Status    : 5.4.316', 0)).toBeUndefined();
    expect(readDsnFieldName('Subject: 5.4.316', 0)).toBeUndefined();
    expect(readDsnFieldName('Statuses: 5.4.316', 0)).toBeUndefined();
    expect(readDsnFieldName('4.4.316: x', 0)).toBeUndefined();
  });

  it('agrees with the pattern on generated lines, for DSN fields and for Format-List names', () => {
    const chars = fc.constantFrom(' ', '\t', ':', 'a', 'Z', '0', '-', '.', '\n', 'é');
    const line = fc.array(chars, { maxLength: 80 }).map((a) => a.join(''));
    const longName = fc.tuple(fc.integer({ min: 35, max: 65 }), fc.integer({ min: 0, max: 45 })).map(([n, gap]) => `${'a'.repeat(n)}${' '.repeat(gap)}:`);
    fc.assert(
      fc.property(fc.oneof(line, longName), fc.nat(5), fc.constantFrom([40, 3], [60, 40]), (text, at, [maxNameTail, maxGap]) => {
        const start = Math.min(at, text.length);
        expect(matchFieldName(text, start, maxNameTail, maxGap)).toEqual(reference(text, start, maxNameTail, maxGap));
      }),
      { numRuns: 20_000 },
    );
  });
});
