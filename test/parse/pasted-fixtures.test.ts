import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/parse/normalize-text';
import { parseErrors } from '../../src/parse/parse-errors';
import type { ParsedError } from '../../src/parse/types';

/**
 * One scenario per file in test/fixtures/pastes: `<scenario>.txt` is the paste, `<scenario>.expected.json`
 * lists the errors it must yield, in order, each as a subset of fields (plus `absent`: fields that
 * must not be set), and `source`: the public page the sample's shape comes from.
 */
interface ExpectedError extends Partial<ParsedError> {
  absent?: (keyof ParsedError)[];
}
interface Expectation {
  source: string;
  notes?: string;
  normalizeFirst?: boolean;
  errors: ExpectedError[];
}

const dir = join(__dirname, '../fixtures/pastes');
const scenarios = readdirSync(dir)
  .filter((name) => name.endsWith('.txt'))
  .map((name) => name.slice(0, -'.txt'.length))
  .sort();

function load(scenario: string): { text: string; expected: Expectation } {
  const raw = readFileSync(join(dir, `${scenario}.txt`), 'utf8');
  const expected = JSON.parse(readFileSync(join(dir, `${scenario}.expected.json`), 'utf8')) as Expectation;
  return { text: expected.normalizeFirst ? normalizeText(raw) : raw, expected };
}

describe('pasted delivery errors (fixtures)', () => {
  it('has at least 20 scenarios, each with an expectation that cites a public source', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    for (const scenario of scenarios) {
      const { expected } = load(scenario);
      expect(expected.source, scenario).toMatch(/^https:\/\/\S+$/);
    }
  });

  it.each(scenarios)('%s: yields exactly the expected errors', (scenario) => {
    const { text, expected } = load(scenario);
    const errors = parseErrors(text);

    expect(errors.map((e) => e.enhancedCode)).toEqual(expected.errors.map((e) => e.enhancedCode));
    expected.errors.forEach(({ absent = [], ...fields }, i) => {
      expect(errors[i], `${scenario} error #${i}`).toMatchObject(fields);
      for (const field of absent) expect(errors[i][field], `${scenario} error #${i} ${field}`).toBeUndefined();
    });
    for (const error of errors) {
      expect(error.excerpt.length).toBeGreaterThan(0);
      expect(error.excerpt.length).toBeLessThanOrEqual(500);
      // An inferred code (a bare reply) is not text of the paste; its reply code is, or, where the sender could not
      // reach the server and no reply exists (Gmail's `[(0) mx.contoso.com. [ip]:465: socket error]`), the server it
      // names, or, for .NET's words without a code (`Transaction failed. The server response was: …`), the server's text.
      expect(error.excerpt).toContain(error.enhancedCodeInferred ? (error.replyCode ?? error.server ?? error.ip ?? error.remoteReply) : error.enhancedCode);
    }
  });
});
