/**
 * Measures the paste parser on a folder of samples laid out as test/fixtures/pastes is
 * (`<scenario>.txt` + `<scenario>.expected.json`), and prints the figures issue 17 asks for:
 *
 * - codes found: of the enhanced codes the expectations list (not the inferred `X.0.0` of a bare
 *   reply), how many the parser reports as an error's code; and how many the card shows at all, as an
 *   error's code or among the codes inside its reply (`quotedCodes`, the "Codes inside the reply" fact:
 *   `451 4.4.0 … responded with "421 4.4.1 …"` is one failure whose cause is 4.4.1);
 * - destination stated: of the samples whose expectations name a destination server, in how many the
 *   parser sets `server` to it for every error that names one (the card shows `server` as a fact,
 *   render/diagnosis-card.ts `fact.server`), or `serverPlaceholder` where the paste has only a
 *   placeholder (the card states it as one), or `ip` where the paste names the destination by its address;
 * - look-alikes: codes the parser reports as failures that the expectations do not list (a version, a
 *   date, an IP fragment read as a code), and the expectations' `lookalikes` strings reported at all; a
 *   success it reports as delivered (`250 2.1.5`, outcome 'delivered') is not a failure and not counted;
 * - exact: samples whose failures (deliveries left out) have exactly the expected codes, in order.
 *
 * Usage: npm run measure:pastes [-- folder] [--verbose]   (default folder: test/fixtures/pastes)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { normalizeText } from '../src/parse/normalize-text';
import { parseErrors } from '../src/parse/parse-errors';

interface Expected {
  enhancedCode: string;
  enhancedCodeInferred?: boolean;
  server?: string;
  serverPlaceholder?: string;
  ip?: string;
  outcome?: 'delivered';
}
interface Expectation {
  normalizeFirst?: boolean;
  errors: Expected[];
  lookalikes?: string[];
}

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const dir = resolve(args.find((a) => !a.startsWith('--')) ?? join(__dirname, '../test/fixtures/pastes'));
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.slice(0, -'.expected.json'.length))
  .sort();

let codesExpected = 0;
let codesFound = 0;
let codesShown = 0;
let withServer = 0;
let serverStated = 0;
let withoutServer = 0;
const wrongServers: string[] = [];
let exact = 0;
const lookalikes: string[] = [];
const misses: string[] = [];

for (const name of scenarios) {
  const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Expectation;
  const raw = readFileSync(join(dir, `${name}.txt`), 'utf8');
  const parsed = parseErrors(expected.normalizeFirst ? normalizeText(raw) : raw);
  const failures = parsed.filter((e) => e.outcome !== 'delivered');
  const parsedCodes = failures.map((e) => e.enhancedCode);
  const shownCodes = new Set(parsed.flatMap((e) => [e.enhancedCode, ...e.quotedCodes]));

  const expectedFailures = expected.errors.filter((e) => e.outcome !== 'delivered');
  const wanted = [...new Set(expectedFailures.filter((e) => !e.enhancedCodeInferred).map((e) => e.enhancedCode))];
  const found = wanted.filter((c) => parsedCodes.includes(c));
  codesExpected += wanted.length;
  codesFound += found.length;
  codesShown += wanted.filter((c) => shownCodes.has(c)).length;
  if (found.length < wanted.length)
    misses.push(`${name}: code ${wanted.filter((c) => !found.includes(c)).join(', ')} not found (got ${parsedCodes.join(', ') || 'none'})`);

  const servers = expected.errors.filter((e) => destinationOf(e));
  if (servers.length) {
    withServer++;
    const stated = servers.every((e) =>
      parsed.some(
        (p) => p.enhancedCode === e.enhancedCode && [p.server ?? p.serverPlaceholder, p.ip].some((v) => v && sameDestination(v, destinationOf(e) ?? '')),
      ),
    );
    if (stated) serverStated++;
    else
      misses.push(
        `${name}: server ${servers.map((e) => `${e.enhancedCode}@${destinationOf(e)}`).join(', ')} not stated (got ${parsed.map((p) => `${p.enhancedCode}@${p.server ?? p.serverPlaceholder ?? '-'}`).join(', ')})`,
      );
  }

  // A destination on the card of a paste that names none is a fact labelled untruthfully.
  if (!servers.length) {
    withoutServer++;
    const stated = parsed.filter((p) => p.outcome !== 'delivered' && (p.server || p.ip)).map((p) => `${p.enhancedCode}@${p.server ?? p.ip}`);
    if (stated.length) wrongServers.push(`${name}: names no destination, card states ${stated.join(', ')}`);
  }

  const listed = new Set(expected.errors.map((e) => e.enhancedCode));
  for (const code of parsedCodes) if (!listed.has(code)) lookalikes.push(`${name}: ${code} reported, not expected`);
  // A success shown as delivered (`250 2.0.0 Ok: queued`) is a real code shown for what it is, not a look-alike.
  for (const code of parsed.filter((e) => e.outcome !== 'delivered').map((e) => e.enhancedCode))
    if (expected.lookalikes?.includes(code)) lookalikes.push(`${name}: look-alike ${code} reported as a code`);
  if (parsedCodes.join(' ') === expectedFailures.map((e) => e.enhancedCode).join(' ')) exact++;
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
console.log(`samples: ${scenarios.length} in ${dir}`);
console.log(
  `enhanced codes found: ${codesFound}/${codesExpected} (${pct(codesFound, codesExpected)}) as an error's code; on the card at all: ${codesShown}/${codesExpected} (${pct(codesShown, codesExpected)})`,
);
console.log(`destination stated: ${serverStated}/${withServer} samples that name one (${pct(serverStated, withServer)})`);
console.log(`destination stated where the paste names none: ${wrongServers.length}/${withoutServer} samples`);
console.log(`codes not expected (look-alikes or extra errors): ${lookalikes.length}`);
console.log(`exact code lists: ${exact}/${scenarios.length} (${pct(exact, scenarios.length)})`);
if (verbose) for (const line of [...misses, ...wrongServers, ...lookalikes]) console.log(`  ${line}`);

/** What a sample names as the destination: a host, a placeholder as written, or an address. */
function destinationOf(e: { server?: string; serverPlaceholder?: string; ip?: string }): string | undefined {
  return e.server ?? e.serverPlaceholder ?? e.ip;
}

/** The card states a placeholder without its brackets and an address without its port; a host's trailing dot is not part of it. */
function sameDestination(stated: string, expected: string): boolean {
  const bare = (v: string) =>
    v
      .trim()
      .toLowerCase()
      .replace(/^[<{[(*]+|[>}\])*]+$/g, '')
      .replace(/\.$/, '')
      .replace(/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/, '$1');
  return bare(stated) === bare(expected);
}
