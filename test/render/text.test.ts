import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../src/render/text';

/** The rule escapeMarkdown implements, applied to every input without shortcuts: the oracle. */
function escapeEverything(text: string): string {
  return text
    .replace(/[\\`*_[\]<>~]/g, (c) => `\\${c}`)
    .replace(/^([ \t]{0,16})([-+#]|\d{1,9}[.)])(?=\s|$)/gm, (_m, space: string, marker: string) => `${space}${marker.replace(/[-+#.)]/, (c) => `\\${c}`)}`);
}

describe('escapeMarkdown', () => {
  it('escapes what opens emphasis, code, links and tags, and list or heading markers at a line start', () => {
    expect(escapeMarkdown('**boom** [x](https://e.example) <b> `c` ~s~ a_b \\')).toBe(
      '\\*\\*boom\\*\\* \\[x\\](https://e.example) \\<b\\> \\`c\\` \\~s\\~ a\\_b \\\\',
    );
    expect(escapeMarkdown('- item\n  2. second\n# head\n10) x')).toBe('\\- item\n  2\\. second\n\\# head\n10\\) x');
  });

  it('keeps host names, addresses and codes as they are', () => {
    for (const plain of ['mx-1.contoso.com', '203.0.113.5', '25', '450', '4.4.316', '10061 (WSAECONNREFUSED): Connection actively refused.']) {
      expect(escapeMarkdown(plain)).toBe(plain);
    }
  });

  it('agrees with the rule on any text, special characters and line starts included', () => {
    const alphabet = fc.constantFrom('a', '1', '9', '.', ')', '-', '+', '#', ' ', '\t', '\n', '\r', '*', '_', '[', ']', '<', '>', '~', '`', '\\', 'я');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join('')),
        (text) => {
          expect(escapeMarkdown(text)).toBe(escapeEverything(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
