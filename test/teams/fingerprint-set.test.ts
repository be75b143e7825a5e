import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintSet, fingerprint } from '../../src/teams/fingerprint-set';

const GOLDEN = [6830952486403208, 7791842031326168, 4256296200852121, 5996659914291373, 6053435599073618];

describe('fingerprint', () => {
  it('is a whole number from 1 to 2^53 - 1', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const fp = fingerprint(s);
        expect(Number.isSafeInteger(fp) && fp >= 1).toBe(true);
      }),
    );
  });

  it('stays the same from version to version: the journal keeps fingerprints across restarts', () => {
    // Changing the function makes a restart forget the keys of the last minutes; these pin it.
    expect(['', 'a', 'a:c|1', '19:abc@thread.tacv2;messageid=1700000000000|1700000000001', 'sha256:AAAA'].map(fingerprint)).toEqual(GOLDEN);
  });

  it('tells apart ids that differ in one character, in length, or in order', () => {
    const seen = new Map<number, string>();
    const add = (s: string) => {
      const fp = fingerprint(s);
      expect(seen.get(fp) ?? s).toBe(s);
      seen.set(fp, s);
    };
    // 200,000 Teams-like keys: one conversation, activity ids counting up, as the bot sees them.
    for (let i = 0; i < 200_000; i++) add(`19:meeting_abc@thread.v2|f:${(1_700_000_000_000 + i).toString()}`);
    for (const s of ['', 'a', 'b', 'ab', 'ba', 'a\u0000', '\u0000a', 'x'.repeat(1000), `${'x'.repeat(999)}y`]) add(s);
    expect(seen.size).toBe(200_009);
  });
});

describe('FingerprintSet', () => {
  it('holds what was added, and only that, through growing and clearing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 3000 }), (values) => {
        const set = new FingerprintSet(4);
        const reference = new Set<number>();
        for (const v of values) {
          expect(set.add(v)).toBe(!reference.has(v));
          reference.add(v);
        }
        expect(set.size).toBe(reference.size);
        for (let v = 1; v <= 5000; v += 7) expect(set.has(v)).toBe(reference.has(v));
        set.clear();
        expect(set.size).toBe(0);
        expect(values.some((v) => set.has(v))).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('gives back the memory it grew into when cleared', () => {
    const set = new FingerprintSet(8);
    for (let v = 1; v <= 10_000; v++) set.add(v);
    const grown = (set as unknown as { slots: Float64Array }).slots.length;
    set.clear();
    const after = (set as unknown as { slots: Float64Array }).slots.length;
    expect(grown).toBeGreaterThanOrEqual(20_000);
    expect(after).toBe(16);
    expect(set.add(5)).toBe(true);
  });

  it('keeps fingerprints as large as 2^53 - 1 apart from their neighbours', () => {
    const set = new FingerprintSet();
    const big = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1, 2 ** 32, 2 ** 32 + 1, 1];
    for (const v of big) expect(set.add(v)).toBe(true);
    for (const v of big) expect(set.has(v)).toBe(true);
    expect(set.has(2 ** 32 + 2)).toBe(false);
  });
});
