/**
 * HTML character references as Teams sends them in message text: the named ones it uses plus
 * decimal and hex numeric references. Unknown names and invalid code points stay as written,
 * so a literal "&foo;" in a paste survives.
 */
const NAMED = new Map<string, string>(
  Object.entries({
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: '\u00a0',
    lsquo: '\u2018',
    rsquo: '\u2019',
    ldquo: '\u201c',
    rdquo: '\u201d',
    ndash: '\u2013',
    mdash: '\u2014',
    hellip: '\u2026',
    zwj: '',
    zwnj: '',
  }),
);

/** Bounded: at most 10 characters after `&`, so a run of `&` costs constant work each. */
const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]{2,8}));/y;

/** The decoded text and the length of the reference at `at`, or undefined when `&` starts none. */
export function decodeHtmlEntityAt(text: string, at: number): { value: string; length: number } | undefined {
  REFERENCE.lastIndex = at;
  const m = REFERENCE.exec(text);
  if (!m) return undefined;
  if (m[3] !== undefined) {
    const named = NAMED.get(m[3].toLowerCase());
    return named === undefined ? undefined : { value: named, length: m[0].length };
  }
  const codePoint = m[1] !== undefined ? Number(m[1]) : parseInt(m[2], 16);
  if (codePoint <= 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return undefined;
  return { value: String.fromCodePoint(codePoint), length: m[0].length };
}
