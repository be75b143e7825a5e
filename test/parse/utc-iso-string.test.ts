import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utcIsoString } from '../../src/parse/utc-iso-string';

describe('utcIsoString', () => {
  it('writes the same text as Date#toISOString across the years a paste can name, leap days and offsets included', () => {
    const minMs = Date.parse('-000001-12-20T00:00:00.000Z');
    const maxMs = Date.parse('+010000-01-10T00:00:00.000Z');
    fc.assert(
      fc.property(fc.integer({ min: minMs, max: maxMs }), (ms) => {
        expect(utcIsoString(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('handles the edges of days, months and years', () => {
    const samples = [
      '1970-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '2000-02-29T12:00:00.000Z',
      '2100-03-01T00:00:00.000Z',
      '1600-02-29T23:59:59.001Z',
      '0000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ];
    for (const iso of samples) expect(utcIsoString(Date.parse(iso))).toBe(iso);
    expect(utcIsoString(Date.parse('+010000-01-01T00:00:00.000Z'))).toBe('+010000-01-01T00:00:00.000Z');
    expect(utcIsoString(Date.parse('-000001-12-31T00:00:00.000Z'))).toBe('-000001-12-31T00:00:00.000Z');
  });
});
