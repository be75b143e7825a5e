import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEmailAddress } from '../../src/parse/email-address';

/** The grammar isEmailAddress implements, as the regular expressions it was first written with. */
function referenceIsEmailAddress(candidate: string): boolean {
  if (candidate.length < 5 || candidate.length > 254) return false;
  const at = candidate.indexOf('@');
  if (at <= 0 || at !== candidate.lastIndexOf('@')) return false;
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/.test(candidate.slice(0, at))) return false;
  const labels = candidate.slice(at + 1).split('.');
  if (labels.length < 2) return false;
  const top = labels[labels.length - 1];
  return (
    /^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])$/.test(top) &&
    labels.slice(0, -1).every((label) => /^[A-Za-z0-9_](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label))
  );
}

describe('isEmailAddress', () => {
  it('accepts real and anonymised addresses and rejects near misses', () => {
    for (const ok of ['user@contoso.com', 'xxx@contoso.com', 'a.b+c@mail.contoso.co.uk', 'x@_dmarc.contoso.com', "o'neil@contoso.com"])
      expect(isEmailAddress(ok)).toBe(true);
    for (const bad of [
      'user@contoso',
      '@contoso.com',
      'user@@contoso.com',
      'user@contoso.c',
      'user@-contoso.com',
      'user@contoso-.com',
      'user@contoso..com',
      'us er@contoso.com',
      'user@contoso.com.',
      'user@contoso.1com',
    ]) {
      expect(isEmailAddress(bad)).toBe(false);
    }
  });

  it('agrees with the grammar on generated candidates', () => {
    const chars = fc.constantFrom(..."aZ09_-.@+'#~ ü".split(''), 'K');
    const piece = fc.array(chars, { maxLength: 70 }).map((a) => a.join(''));
    const candidate = fc.oneof(
      piece,
      fc.tuple(piece, piece, fc.array(piece, { maxLength: 4 })).map(([local, domain, more]) => `${local}@${[domain, ...more].join('.')}`),
      fc.emailAddress(),
    );
    fc.assert(
      fc.property(candidate, (c) => {
        expect(isEmailAddress(c)).toBe(referenceIsEmailAddress(c));
      }),
      { numRuns: 20_000 },
    );
  });
});
