import fs from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerPaste } from '../../src/chat/answer-paste';
import { LOCALES, loadKnowledge } from '../../src/knowledge/load-knowledge';
import { parseErrors } from '../../src/parse/parse-errors';
import { compileCard, compileTemplate } from '../../src/render/compile-template';
import { CARD_NAMES, readTemplates, type AdaptiveCard, type CardName } from '../../src/render/render-card';
import { loadUiStrings } from '../../src/render/ui-strings';

/** What adaptivecards-templating itself makes of a template and data: the value, or the error it throws. */
function library(template: unknown, root: unknown): unknown {
  try {
    return { value: new ACData.Template(template).expand({ $root: root }) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
function compiled(template: unknown, root: unknown): unknown {
  try {
    return { value: compileTemplate(template)(root) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
/** The compiled JSON writer of a template, its bytes read back as text. */
function compileTemplateJson(template: unknown): (root: unknown) => string {
  const { bytes } = compileCard(template);
  return (root) => bytes(root).toString('utf8');
}
/** What the library's expansion of a template is as JSON. */
const libraryJson = (template: unknown, root: unknown) => JSON.stringify(new ACData.Template(template).expand({ $root: root }));
/** One compiled JSON writer per template, kept across calls: what it remembers from one call serves the next. */
const jsonWriters = new WeakMap<object, (root: unknown) => string>();
function compiledJson(template: unknown, root: unknown): unknown {
  let write = jsonWriters.get(template as object);
  if (!write) jsonWriters.set(template as object, (write = compileTemplateJson(template)));
  try {
    return { value: write(root) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
/** Both compiled forms agree with the library: the object itself, and the JSON text JSON.stringify makes of it. */
const agree = (template: unknown, root: unknown) => {
  const expected = library(template, root) as { value?: unknown; error?: string };
  expect(compiled(template, root)).toStrictEqual(expected);
  expect(compiledJson(template, root)).toStrictEqual('error' in expected ? expected : { value: JSON.stringify(expected.value) ?? 'null' });
};

const VALUES: unknown[] = ['', 'x', '${title}', 0, 1, -2.5, Number.NaN, true, false, null, undefined, [], [1, 'a'], [{ title: 't', value: 'v' }], {}, { title: 'nested' }];

describe('compiled templates expand exactly as adaptivecards-templating does', () => {
  const shapes: Record<string, unknown> = {
    'a whole-string binding': { a: '${x}' },
    'text around bindings': { a: 'p ${x} q ${y.z}' },
    'a binding in an array': { a: ['${x}', 'k'] },
    'a deep path': { a: '${x.title}' },
    'a $root path': { a: '${$root.x}' },
    '$when x != \'\'': { a: { $when: "${x != ''}", k: 1 } },
    '$when x != null': { a: { $when: '${x != null}', k: 1 } },
    '$when !x': { a: { $when: '${!x}', k: 1 } },
    '$when count(x) > 0': { a: { $when: '${count(x) > 0}', k: 1 } },
    '$when count(x) == 0': { a: { $when: '${count(x) == 0}', k: 1 } },
    '$when with another expression (library evaluation)': { a: { $when: "${x == 'x' || x == 1}", k: 1 } },
    'a function call (library evaluation)': { a: "${concat('[', string(x), ']')}" },
    '$when that is not an expression': { a: { $when: 'true', k: 1 }, b: { $when: '', k: 2 }, c: { $when: false, k: 3 } },
    '$data over an array, with $index, $data and $root': {
      body: [{ $data: '${x}', type: 'T', text: '${title}', i: '${$index}', d: '${$data.title}', r: '${$root.y}' }, 'after'],
    },
    '$data over an object': { a: { $data: '${x}', t: '${title}' } },
    '$data as a literal array': { a: [{ $data: [{ n: 1 }, { n: 2 }], v: '${n}', w: '${x}' }] },
    '$data in a property position repeats into an array': { a: { $data: '${x}', v: '${value}' } },
    '$data with $when per item': { a: [{ $data: '${x}', $when: "${title != ''}", v: '${title}' }] },
    '$data and $index are restored after a repeat': { a: [{ $data: '${x}', v: 1 }], i: '${$index}', t: '${title}', n: [{ $data: '${$root.y}', w: '${$index}' }], j: 'after ${$index}' },
    'nested $data scopes': { a: [{ $data: '${x}', b: [{ $data: '${$root.y}', c: '${title}', d: '${$index}' }] }] },
    'reserved keys are dropped': { $root: 1, $host: 2, $index: 3, $_acTemplateVersion: 4, a: 1, v: '${$_acTemplateVersion.major}' },
    'literals pass through': { n: 1, b: false, z: null, s: 'plain', arr: [1, [2, [3]], null] },
    'nested arrays, empty arrays, bindings inside them': { a: [[], ['${x}'], [['${y}', null]], '${x}'], b: [], c: [['${x}']] },
    'keys JavaScript orders first, and keys that need escaping': { b: '${x}', 2: 'two', 1: '${y}', 'q"\\\n': '${x}', é: 'é ${y}' },
    'a repeat with no items, one item and many, in arrays and under keys': { a: [{ $data: '${x}', v: '${title}' }], b: { $data: '${y}', w: 1 } },
    'fixed keys around bindings that may have no value (braces and commas)': { a: '${x}', k: 'lit', l: 2, b: '${y}', m: null, n: { o: [1, 'p'] }, c: '${x.title}' },
    'fixed keys first and last, a binding between': { k: 1, a: '${x}', z: [] },
    'fixed items around bindings in arrays': { a: ['${x}', 1, 2, '${y}', null, 3, { f: 1 }, [4, null], '${x}'], b: [null, [], '${y}'], c: [[null], ['${x}', 5]] },
    'nested repeats, remembered by what each item reads': { a: [{ $data: '${x}', t: '${title}', in: [{ $data: '${$root.y}', u: '${title}', w: '${z}' }] }] },
    'a repeat under a $when, in a remembered container': { c: { $when: '${count(x) > 0}', items: [{ $data: '${x}', $when: "${title != ''}", v: '${title}' }] } },
  };
  for (const [name, template] of Object.entries(shapes)) {
    it(name, () => {
      for (const x of VALUES) for (const y of [undefined, 'y', { z: 'zz' }, [{ title: 'a' }, { title: '' }]]) agree(template, { x, y });
      agree(template, {});
    });
  }

  it('refuses a template with a "__proto__" key (the library reads $when, $data and values through it as a prototype)', () => {
    for (const text of ['{"a":1,"__proto__":{"$when":"${false}"}}', '{"a":"${x}","__proto__":{"$data":"${list}"}}', '{"b":[{"__proto__":"${x}"}]}']) {
      const template = JSON.parse(text);
      expect(() => compileTemplate(template)).toThrow(/__proto__/);
      expect(() => compileTemplateJson(template)).toThrow(/__proto__/);
    }
    // In the data it is only a field name.
    agree({ a: '${x}', b: '${__proto__}' }, JSON.parse('{"x":"X","__proto__":"P"}'));
  });

  it('inherited names (toString, constructor) and non-plain objects go to the library', () => {
    const conditions = ["${constructor != null}", "${x.toString != ''}", '${!x.inherited}', '${x.valueOf != null}', '${!hasOwnProperty}'].map((c) => ({ a: { $when: c, k: 1 } }));
    for (const template of [{ a: '${toString}' }, { a: '${x.constructor}' }, { a: 'v ${x.length}' }, { a: { $when: "${x != ''}", k: 1 } }, ...conditions]) {
      for (const x of [new Date(0), Object.create({ inherited: 'i' }), 'abc', [1, 2], Object.create(null), {}, null]) agree(template, { x });
    }
  });

  it('field names that differ only in case, as the library reads them (ignoring case, first key first)', () => {
    const shapes = [{ a: '${title}' }, { a: 'x ${title}' }, { a: { $when: '${alert != null}', k: 1 } }, { a: { $when: '${!acked}', k: 1 } }, { a: { $when: "${title != ''}", k: 1 } }, { a: '${t.Label}' }];
    const data = [{ Title: 'A', title: 'B' }, { title: 'B', Title: 'A' }, { TITLE: 'only upper' }, { Alert: {} }, { Acked: true }, { ALERT: null }, { t: { label: 'l', LABEL: 'L' } }, { t: { label: 'l' } }];
    for (const template of shapes) for (const root of data) agree(template, root);
  });

  it('a literal $data holding "${…}" strings, which the library prepares as expressions', () => {
    // The output holds expression objects (parsed twice, so not the same instances): compare the JSON sent.
    for (const template of [{ a: [{ $data: [{ n: '${x}' }, { n: 'plain' }], v: '${n}', w: 'v=${n}' }] }, { a: { $data: { n: '${x}' }, v: '${n}' } }]) {
      expect(JSON.stringify(compiled(template, { x: 'X' }))).toBe(JSON.stringify(library(template, { x: 'X' })));
      expect(compileTemplateJson(template)({ x: 'X' })).toBe(JSON.stringify((library(template, { x: 'X' }) as { value: unknown }).value));
    }
  });

  it('writes JSON afresh when a value it read is an object that has changed since, and remembers only plain values', () => {
    // The repeat keeps the whole card from being remembered, so the part under `a` is looked up on its own.
    const write = compileTemplateJson({ a: { d: '${x}', e: '${t}' }, b: [{ $data: '${list}', f: '${v}' }] });
    const root = { x: { k: 1 }, t: 'same', list: [{ v: 1 }] };
    expect(write(root)).toBe('{"a":{"d":{"k":1},"e":"same"},"b":[{"f":1}]}');
    root.x.k = 2;
    expect(write(root)).toBe('{"a":{"d":{"k":2},"e":"same"},"b":[{"f":1}]}');
    for (let i = 0; i < 600; i++) {
      const data = { x: i % 5 ? `x${i % 7}` : { k: i }, t: `t${i % 3}`, list: [{ v: i }, { v: -i }] };
      expect(write(data)).toBe(libraryJson({ a: { d: '${x}', e: '${t}' }, b: [{ $data: '${list}', f: '${v}' }] }, data));
    }
  });

  it('writes a repeat afresh when its items change, in place or by number, and remembers it when they come back', () => {
    const template = { box: { $when: '${count(rows) > 0}', t: '${title}', facts: [{ $data: '${rows}', $when: "${v != ''}", k: '${k}', v: '${v}' }] } };
    const write = compileTemplateJson(template);
    const rows = [{ k: 'a', v: '1' }, { k: 'b', v: '2' }];
    const data = { title: 'T', rows };
    const same = () => expect(write(data)).toBe(libraryJson(template, data));
    same();
    same();
    rows[1].v = 'changed';
    same();
    rows[0].v = ''; // now dropped by the $when
    same();
    rows.push({ k: 'c', v: '3' });
    same();
    rows.length = 0;
    same();
    (rows as unknown[]).push({ k: { not: 'plain' }, v: 'x' }, { k: 'd', v: 'y' });
    same();
    // A $when on a field nothing else reads decides as much as the fields that are written.
    const shown = compileTemplateJson({ facts: [{ $data: '${rows}', $when: "${show != ''}", k: '${k}' }] });
    const shownRows = [{ k: 'a', show: 'y' }, { k: 'b', show: 'y' }];
    expect(shown({ rows: shownRows })).toBe('{"facts":[{"k":"a"},{"k":"b"}]}');
    shownRows[0].show = '';
    expect(shown({ rows: shownRows })).toBe('{"facts":[{"k":"b"}]}');
    // Alternating sets of rows: each comes back many times, so they are remembered and must still be right.
    const sets = [[{ k: 'a', v: '1' }], [{ k: 'a', v: '1' }, { k: 'b', v: '2' }], [{ k: 'a', v: '2' }], [{ k: 'a', v: '1' }, { k: 'b', v: '' }]];
    for (let i = 0; i < 1200; i++) {
      const d = { title: `T${i % 3}`, rows: sets[i % sets.length].map((r) => ({ ...r })) };
      expect(write(d)).toBe(libraryJson(template, d));
    }
    // Rows that never come back: past its bounds it stops remembering and stays exact.
    for (let i = 0; i < 800; i++) {
      const d = { title: 'T', rows: [{ k: `k${i}`, v: `v${i}` }, { k: 'x', v: i % 2 ? 'y' : '' }] };
      expect(write(d)).toBe(libraryJson(template, d));
    }
  });

  it('stays exact past its bounds: many distinct values, values that stop repeating, values it cannot remember', () => {
    const template = { a: { b: '${x}', c: '${y}', $when: "${z != ''}" }, d: { e: '${x}' }, r: [{ $data: '${l}', v: 1 }] };
    const write = compileTemplateJson(template);
    const inputs = [
      ...Array.from({ length: 1500 }, (_, i) => ({ x: `x${i}`, y: i % 2 === 0, z: 'z', l: [] })), // more than it keeps
      ...Array.from({ length: 600 }, (_, i) => ({ x: `u${i}`, y: i % 3 ? { o: i } : null, z: i % 4 ? 'z' : '', l: [1] })), // unrememberable second value
      ...Array.from({ length: 300 }, (_, i) => ({ x: 'same', y: 'same', z: i % 2 ? 'z' : '', l: [] })), // repeats after it gave up
    ];
    for (const data of inputs) expect(write(data)).toBe(libraryJson(template, data));
  });

  it('user text that looks like a binding stays text', () => {
    const card = compileTemplate({ a: '${x}', b: 'said: ${x}', c: [{ $data: '${rows}', d: '${v}' }] })({ x: "${$root.secret} ${concat('a','b')}", rows: [{ v: '${x}' }], secret: 's' });
    expect(card).toEqual({ a: "${$root.secret} ${concat('a','b')}", b: "said: ${$root.secret} ${concat('a','b')}", c: [{ d: '${x}' }] });
    const json = compileTemplateJson({ a: '${x}', b: 'said: ${x}', c: [{ $data: '${rows}', d: '${v}' }] })({ x: "${$root.secret} ${concat('a','b')}", rows: [{ v: '${x}' }], secret: 's' });
    expect(JSON.parse(json)).toEqual(card);
  });

  // Random data shaped by the names each card template binds: missing fields, nulls, wrong types, arrays
  // where objects are expected, strings holding "${…}", nested at random.
  const templates = readTemplates();
  for (const name of CARD_NAMES) {
    it(`${name}.json on random data`, () => {
      const template = templates.get(name);
      const bound = [...new Set([...JSON.stringify(template).matchAll(/\$\{([^}]*)\}/g)].flatMap((m) => m[1].match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []))];
      // Now and then the same name in another case: the library matches names ignoring case.
      const names = [...bound, ...bound.filter((_, i) => i % 4 === 0).map((n) => n.toUpperCase())];
      const leaf = fc.oneof(fc.string(), fc.constantFrom('', '${title}', 'a ${b}'), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
      const { tree } = fc.letrec((tie) => ({
        tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { maxLength: 3 }), tie('node')),
        node: fc.dictionary(fc.constantFrom(...names), tie('tree'), { maxKeys: names.length }),
      }));
      fc.assert(fc.property(fc.dictionary(fc.constantFrom(...names), tree, { maxKeys: names.length }), (root) => {
        agree(template, root);
      }), { numRuns: 100 });
    });
  }

  it('every paste fixture, in both locales, renders the same cards through either engine', () => {
    const knowledge = loadKnowledge();
    const ui = loadUiStrings();
    const now = () => new Date('2023-06-14T12:00:00Z');
    const dir = path.join(__dirname, '..', 'fixtures', 'pastes');
    let cards = 0;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.txt'))) {
      const errors = parseErrors(fs.readFileSync(path.join(dir, file), 'utf8'));
      for (const locale of LOCALES) {
        const viaLibrary = answerPaste(errors, locale, { knowledge, ui, now, renderCard: (n: CardName, d: object) => new ACData.Template(templates.get(n)).expand({ $root: d }) as AdaptiveCard });
        const viaCompiled = answerPaste(errors, locale, { knowledge, ui, now, renderCard: (n: CardName, d: object) => compileTemplate(templates.get(n))(d) as AdaptiveCard });
        expect(viaCompiled).toEqual(viaLibrary);
        const viaJson = answerPaste(errors, locale, { knowledge, ui, now, renderCard: (n: CardName, d: object) => compiledJson(templates.get(n), d) as { value: string } }).map((r) => r.value);
        expect(viaJson).toEqual(viaLibrary.map((card) => JSON.stringify(card)));
        cards += viaCompiled.length;
      }
    }
    expect(cards).toBeGreaterThan(60);
  });
});
