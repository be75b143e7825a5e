import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preparePaste } from '../../src/parse/prepare-paste';

const fixturesDir = path.join(__dirname, '..', 'fixtures', 'pastes');
const fixtures = fs
  .readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => fs.readFileSync(path.join(fixturesDir, f), 'utf8'));

function newlinePositions(text: string): number[] {
  const ends: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) ends.push(i);
  return [...ends, text.length];
}

describe('preparePaste', () => {
  it('unfolds DSN and Postfix continuation lines and strips quote markers', () => {
    expect(preparePaste('Diagnostic-Code: smtp;550 5.4.316 Message expired,\n connection refused\nRemote-MTA: dns;x').text).toBe(
      'Diagnostic-Code: smtp;550 5.4.316 Message expired, connection refused\nRemote-MTA: dns;x',
    );
    expect(preparePaste('> > 550 5.1.1 not found\r\n>\u00a0ok').text).toBe('550 5.1.1 not found\nok');
  });

  it('returns where every line of the prepared text ends', () => {
    const piece = fc.constantFrom(
      '\n',
      '\r\n',
      '\r',
      '> ',
      '>> ',
      '   ',
      '\t',
      'Status: 5.4.316',
      'Diagnostic-Code: smtp;550',
      '<a@b.com>: host x said: 550',
      'text',
      '\u00a0',
    );
    const generated = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(generated, fc.constantFrom(...fixtures)), (input) => {
        const { text, lineEnds } = preparePaste(input);
        expect(lineEnds).toEqual(newlinePositions(text));
      }),
      { numRuns: 2000 },
    );
  });
});
