/**
 * npm run bench:parse — parser throughput against the floor of one indexOf scan of the same text,
 * and how time grows from 1x to 10x input (linear means about 10x). Figures, not pass/fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
// The compiled build, as `npm start` runs it (tsx's module wrappers would add ~30% to every cross-module call).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { normalizeText } = require('../dist/parse/normalize-text') as typeof import('../src/parse/normalize-text');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseErrors } = require('../dist/parse/parse-errors') as typeof import('../src/parse/parse-errors');

const MB = 1024 * 1024;
const fixturesDir = path.join(__dirname, '..', 'test', 'fixtures', 'pastes');
const samples = fs
  .readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.txt') && !f.startsWith('evil'))
  .map((f) => fs.readFileSync(path.join(fixturesDir, f), 'utf8'));
const chatter = 'Hi all, mail to the on-prem server has been queueing since this morning, trace below. Thanks!\n';

function mixed(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = i % 3 === 0 ? chatter : samples[i % samples.length] + '\n';
    parts.push(s);
    size += s.length;
  }
  return parts.join('').slice(0, bytes);
}

const repeat = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
const adversarial: Record<string, (bytes: number) => string> = {
  'runs of "4."': (b) => repeat('4.', b),
  'open brackets': (b) => repeat('[', b),
  'LED= without end': (b) => repeat('{LED=450 4.4.316 [Message=', b),
  'digits and dots': (b) => repeat('4.4.316.1.2.3.', b),
  'half-open fields': (b) => repeat("returned '450 4.4.316 [LastAttemptedServerName=", b),
  'one long line of codes': (b) => repeat('450 4.4.316 Connection refused ', b),
};

function best(fn: () => unknown, runs = 5): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

function measure(name: string, text: string) {
  const floor = best(() => text.indexOf('\u0001never-present'));
  const parse = best(() => parseErrors(normalizeText(text)), 3);
  return { name, mb: text.length / MB, parseMs: parse, mbPerS: text.length / MB / (parse / 1000), vsIndexOf: parse / floor };
}

const rows = [measure('mixed paste', mixed(5 * MB)), ...Object.entries(adversarial).map(([n, make]) => measure(n, make(5 * MB)))];
console.log('\nParser throughput (normalizeText + parseErrors, min of 3 runs; floor = one indexOf scan)\n');
console.log('input                      size MB   time ms   MB/s    x indexOf');
for (const r of rows) {
  console.log(
    `${r.name.padEnd(26)} ${r.mb.toFixed(1).padStart(6)} ${r.parseMs.toFixed(1).padStart(9)} ${r.mbPerS.toFixed(1).padStart(7)} ${r.vsIndexOf.toFixed(0).padStart(10)}`,
  );
}

console.log('\nLinearity: time for 10x input / time for 1x input (linear = 10)\n');
const inputs: Record<string, (bytes: number) => string> = { 'mixed paste': mixed, ...adversarial };
let worst = 0;
for (const [name, make] of Object.entries(inputs)) {
  const small = make(0.5 * MB);
  const large = make(5 * MB);
  const ratio = best(() => parseErrors(normalizeText(large)), 3) / best(() => parseErrors(normalizeText(small)), 5);
  worst = Math.max(worst, ratio);
  console.log(`${name.padEnd(26)} ${ratio.toFixed(2).padStart(6)}`);
}
console.log(`\nworst 10x/1x ratio: ${worst.toFixed(2)} (aim ≤ 11); mixed throughput: ${rows[0].mbPerS.toFixed(1)} MB/s (aim ≥ 50)\n`);
