import * as ACData from 'adaptivecards-templating';

/**
 * Adaptive Card templates compiled once into plain functions, with the output of adaptivecards-templating's
 * Template.expand, at a fraction of its cost per card (bench: 95 µs → a few µs for the diagnosis card):
 * compileTemplate returns the card object, compileTemplateJson writes its JSON text directly.
 *
 * The library parses the template (Template.parseInterpolatedString, the Adaptive Expressions grammar)
 * and stays the evaluator of record: this file only walks the parsed tree the way Template.internalExpand
 * does ($data repeats and rebinds, $when drops, reserved keys are removed, nested arrays are flattened)
 * and evaluates the handful of expression shapes the cards use — a property path, text around property
 * paths, `x != ''`, `x != null`, `!x`, `count(x) > 0`, `count(x) == 0` — directly, and only when the data
 * has the plain type that makes the answer certain. Every other expression, and every other type of value
 * (undefined, null, numbers in a comparison, …), is handed to the library's own evaluation, so a missing
 * field still reads "${field}" and an error still throws exactly as it would have.
 * test/render/compile-template.test.ts holds the two side by side on every card and on random data.
 */

/** The parsed expression tree of adaptive-expressions, as far as this file reads it. */
interface Expression {
  type: string;
  children: Expression[];
  value?: unknown;
}
interface Scope {
  $root: unknown;
  $data: unknown;
  $index: unknown;
  $host: unknown;
  $_acTemplateVersion: unknown;
  /** Per expansion: each data object's field names, lower-cased (null when two differ only in case). */
  keys: Map<object, string[] | null>;
  /** The object `keys` was last asked about, and its answer. */
  lastObject: object | undefined;
  lastKeys: string[] | null;
}
type Compiled = (scope: Scope) => unknown;
type Evaluate = (expression: Expression, scope: Scope, allowSubstitutions: boolean) => { value: unknown; error?: unknown };

const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);
/** Signals "not certain here": the caller evaluates through the library instead. */
const UNKNOWN = Symbol('unknown');
/** A condition's operand that is null, or a field missing from a plain object: the library reads both as null. */
const NULLISH = Symbol('nullish');

const libraryEvaluate = resolveLibraryEvaluate();
/** As the library prepares a template value: strings holding "${" become expressions, also inside literals. */
const prepare = resolveLibraryPrepare();
const TEMPLATE_VERSION = (new ACData.Template({ v: '${$_acTemplateVersion}' }).expand({ $root: {} }) as { v: unknown }).v;

/** Compiles a template once; the result expands it for `$root` data, as `new Template(t).expand({ $root })`. */
export function compileTemplate(template: unknown): (root: unknown) => unknown {
  const { value } = compileNode(template);
  return (root) => value(rootScope(root));
}

/**
 * Compiles a template once into a function that writes the card straight to JSON text: exactly
 * JSON.stringify of what compileTemplate (and so the library) returns. Parts of the card that read only
 * plain values (a string, a finite number, a boolean: headings, knowledge texts, links) are written once per
 * combination of values and then copied; the rest is built and serialised by JSON.stringify, and only the
 * levels that hold both are joined here. For the answer to a paste this is less than half the work of
 * building the card and serialising it whole (bench/http.bench.ts).
 */
export function compileTemplateJson(template: unknown): (root: unknown) => string {
  return compileCard(template).json;
}

/** Both forms from one compilation (parsing the template's expressions is most of the cost of compiling). */
export function compileCard(template: unknown): { object: (root: unknown) => unknown; json: (root: unknown) => string } {
  const { value, json } = compileNode(template);
  return { object: (root) => value(rootScope(root)), json: (root) => textOf(json(rootScope(root))) ?? 'null' };
}

/** A fresh scope for one expansion; $data starts as $root, as the library's evaluation context reads it. */
function rootScope(root: unknown): Scope {
  return { $root: root, $data: root, $index: undefined, $host: undefined, $_acTemplateVersion: TEMPLATE_VERSION, keys: new Map(), lastObject: undefined, lastKeys: null };
}

/**
 * A compiled template node, in both forms, and what it reads:
 * - value: what Template.internalExpand returns for it;
 * - json: the same as a JSON fragment (see Fragment);
 * - reads: what alone decides the result (property paths, and the outcome of each $when), or null when
 *   that is not known (an expression the library evaluates, $data, $index, …);
 * - joins: whether `json` joins fragments of parts below it (false: it serialises `value` whole).
 */
interface Part {
  value: Compiled;
  json: (scope: Scope) => Fragment;
  reads: Key[] | null;
  joins: boolean;
}

/** One thing a part's result depends on: a property path's value, or a condition's outcome. */
interface Key {
  id: string;
  get: (scope: Scope) => unknown;
}

function pathKey(path: string[]): Key {
  return { id: `p:${path.join('\u0000')}`, get: (scope) => resolve(path, scope) };
}

let conditions = 0;

/**
 * A node's result as JSON: undefined for no value (a key is left out, an array item reads null, as
 * JSON.stringify writes them); null for a dropped object (skipped in an array, null as a key's value); a
 * string for the JSON text of one value; an array of strings for several values that an enclosing array
 * splices in (repeats and nested arrays, as the library splices them) and a key holds as an array.
 */
type Fragment = string | string[] | null | undefined;

function compileNode(node: unknown): Part {
  if (typeof node === 'string') {
    const parsed = ACData.Template.parseInterpolatedString(node) as unknown;
    if (typeof parsed === 'string') {
      const json = JSON.stringify(parsed);
      return { value: () => parsed, json: () => json, reads: [], joins: false };
    }
    const { value, reads } = compileValue(parsed as Expression);
    return { value, json: (scope) => fragmentOf(value(scope)), reads, joins: false };
  }
  if (Array.isArray(node)) return compileArray(node.map(compileNode));
  if (typeof node === 'object' && node !== null) return compileObject(node as Record<string, unknown>);
  const literal = fragmentOf(node);
  return { value: () => node, json: () => literal, reads: [], joins: false };
}

/** Items that expand to null are dropped; items that expand to arrays are spliced in (Template.internalExpand). */
function compileArray(items: Part[]): Part {
  const value: Compiled = (scope) => {
    const out: unknown[] = [];
    for (const item of items) {
      const v = item.value(scope);
      if (v === null) continue;
      if (Array.isArray(v)) for (const x of v) out.push(x);
      else out.push(v);
    }
    return out;
  };
  const reads = readsOfAll(items);
  if (!joinsBelow(items)) return { value, json: (scope) => fragmentOf(value(scope)), reads, joins: false };
  const json = (scope: Scope): Fragment => {
    const out: string[] = [];
    for (const item of items) {
      const f = item.json(scope);
      if (f === null) continue;
      if (f === undefined) out.push('null');
      else if (typeof f === 'string') out.push(f);
      else for (const x of f) out.push(x);
    }
    return out;
  };
  return { value, json, reads, joins: true };
}

function compileObject(node: Record<string, unknown>): Part {
  const keys = Object.keys(node).filter((k) => !RESERVED.has(k));
  const parts = keys.map((k) => compileNode(node[k]));
  const values = parts.map((p) => p.value);
  const dataSource = node.$data === undefined ? undefined : prepare(node.$data);
  const whenSource = node.$when === undefined ? undefined : prepare(node.$when);
  const when = isExpression(whenSource) ? compileCondition(whenSource) : undefined;
  // A $when that is not an expression drops the object when truthy (the library warns and treats it as false).
  const dropAlways = !isExpression(whenSource) && Boolean(whenSource);
  const data = isExpression(dataSource) ? compileValue(dataSource).value : () => dataSource;

  const build = (scope: Scope) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = values[i](scope);
      if (value !== undefined) out[keys[i]] = value;
    }
    return out;
  };

  if (dataSource !== undefined) {
    const value: Compiled = (scope) => {
      const saved$data = scope.$data;
      const saved$index = scope.$index;
      const bound = data(scope);
      const contexts = Array.isArray(bound) ? bound : [bound];
      const results: unknown[] = [];
      for (let i = 0; i < contexts.length; i++) {
        if (Array.isArray(bound)) scope.$index = i;
        if (contexts[i] !== undefined) scope.$data = contexts[i];
        if (dropAlways || (when && !when.test(scope))) continue;
        results.push(build(scope));
      }
      scope.$data = saved$data;
      scope.$index = saved$index;
      return results.length === 0 ? null : results.length === 1 ? results[0] : results;
    };
    // A repeat rebinds $data: its result is built and serialised whole.
    return { value, json: (scope) => fragmentOf(value(scope)), reads: null, joins: false };
  }

  // Most objects bind neither: one result, in the same scope, with nothing to save and restore.
  const value: Compiled = dropAlways ? () => null : when ? (scope) => (when.test(scope) ? build(scope) : null) : build;
  const reads = readsOfAll(when ? [...parts, { reads: when.key && [when.key] }] : parts);
  const names = keys.map((k) => `${JSON.stringify(k)}:`);
  const joined = (scope: Scope): string => {
    let text = '{';
    for (let i = 0; i < parts.length; i++) {
      const item = textOf(parts[i].json(scope));
      if (item === undefined) continue;
      text += text.length === 1 ? names[i] + item : `,${names[i]}${item}`;
    }
    return `${text}}`;
  };
  const fresh = !joinsBelow(parts)
    ? (scope: Scope) => fragmentOf(value(scope))
    : dropAlways ? () => null : when ? (scope: Scope) => (when.test(scope) ? joined(scope) : null) : joined;
  if (reads) return { value, json: remembered(fresh, reads), reads, joins: true };
  return { value, json: fresh, reads, joins: joinsBelow(parts) };
}

/** True when some part below remembers its JSON, so joining fragments beats serialising the whole. */
function joinsBelow(parts: Part[]): boolean {
  return parts.some((p) => p.joins);
}

function readsOfAll(parts: { reads: Key[] | null }[]): Key[] | null {
  const all: Key[] = [];
  for (const part of parts) {
    if (!part.reads) return null;
    for (const key of part.reads) if (!all.some((k) => k.id === key.id)) all.push(key);
  }
  return all;
}

/** Paths the compiled walk itself reads (from $data, or from $root), which a remembered part can key on. */
function readable(path: string[]): boolean {
  return !path[0].startsWith('$') || path[0] === '$root' || path[0] === '$data';
}

const ALWAYS = Symbol('always');
/** After this many lookups, a part that found its values remembered less than half the time stops trying. */
const TRIAL_LOOKUPS = 256;
/** Remembered results per part before it starts again with none (values from pastes must not pile up). */
const MAX_REMEMBERED = 512;

/**
 * The JSON `fresh` writes, remembered per combination of what `reads` gives while those are plain strings,
 * finite numbers or booleans: then the result depends on nothing else (the fast paths read only those
 * fields, the library reads the same ones, and a $when only keeps or drops). Otherwise it is written afresh.
 */
function remembered(fresh: (scope: Scope) => Fragment, reads: Key[]): (scope: Scope) => Fragment {
  let memory = new Map<unknown, unknown>();
  let size = 0;
  let lookups = 0;
  let found = 0;
  const lookup = (level: Map<unknown, unknown>, key: unknown, scope: Scope): Fragment => {
    lookups++;
    const known = level.get(key) as Fragment;
    if (known !== undefined) {
      found++;
      return known;
    }
    const f = fresh(scope);
    if (++size > MAX_REMEMBERED) {
      memory = new Map();
      size = 0;
    } else if (f !== undefined) {
      level.set(key, f);
    }
    return f;
  };
  const values: unknown[] = new Array(reads.length);
  let stopped = false;
  return (scope) => {
    if (stopped) return fresh(scope);
    if (lookups >= TRIAL_LOOKUPS && found * 2 < lookups) {
      // Values rarely repeat here: stop remembering, and let go of what was kept.
      stopped = true;
      memory = new Map();
      return fresh(scope);
    }
    // Every value first: only a combination that can be remembered makes a path through the maps.
    for (let i = 0; i < reads.length; i++) {
      const v = reads[i].get(scope);
      if (typeof v !== 'string' && typeof v !== 'boolean' && (typeof v !== 'number' || Object.is(v, -0))) {
        lookups++; // a value that cannot be remembered counts as not found
        return fresh(scope);
      }
      values[i] = v;
    }
    if (reads.length === 0) return lookup(memory, ALWAYS, scope); // reads nothing: one result
    let level = memory;
    for (let i = 0; i < reads.length - 1; i++) {
      let next = level.get(values[i]) as Map<unknown, unknown> | undefined;
      if (!next) {
        level.set(values[i], (next = new Map()));
        size++; // a map on the way counts towards the bound like a result
      }
      level = next;
    }
    return lookup(level, values[reads.length - 1], scope);
  };
}

/** A fragment as the JSON text of one value; undefined when there is none. */
function textOf(f: Fragment): string | undefined {
  if (f === undefined || typeof f === 'string') return f;
  if (f === null) return 'null';
  // Concatenated rather than joined: the pieces are linked, not copied, until the whole card is sent.
  let text = '[';
  for (let i = 0; i < f.length; i++) text += i === 0 ? f[i] : `,${f[i]}`;
  return `${text}]`;
}

/** A value as a fragment: null stays null (dropped from arrays), arrays stay items (spliced or written whole). */
function fragmentOf(value: unknown): Fragment {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) {
    const items: string[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) items[i] = JSON.stringify(value[i]) ?? 'null';
    return items;
  }
  return JSON.stringify(value);
}

/** A bound value: "${path}", or text around expressions. Missing fields and errors go to the library. */
function compileValue(expression: Expression): { value: Compiled; reads: Key[] | null } {
  const general: Compiled = (scope) => {
    const result = libraryEvaluate(expression, scope, true);
    if (result.error) throw new Error(String(result.error));
    return result.value;
  };
  const path = pathOf(expression);
  if (path) {
    const value: Compiled = (scope) => {
      const v = resolve(path, scope);
      return v === UNKNOWN ? general(scope) : v;
    };
    return { value, reads: readable(path) ? [pathKey(path)] : null };
  }
  if (expression.type === 'concat') {
    const parts = expression.children.map((child): string | string[] | undefined =>
      isConstant(child) ? String(child.value) : pathOf(child));
    if (parts.every((p) => p !== undefined)) {
      const paths = parts.filter((p): p is string[] => Array.isArray(p));
      const value: Compiled = (scope) => {
        let text = '';
        for (const part of parts as (string | string[])[]) {
          if (typeof part === 'string') {
            text += part;
            continue;
          }
          const value = resolve(part, scope);
          if (typeof value === 'string') text += value;
          else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') text += String(value);
          else return general(scope);
        }
        return text;
      };
      return { value, reads: paths.every(readable) ? paths.map(pathKey) : null };
    }
  }
  return { value: general, reads: null };
}

/** A $when: true keeps the object. Anything but a boolean true drops it, as in the library. */
function compileCondition(expression: Expression): { test: (scope: Scope) => boolean; key: Key | null } {
  const general = (scope: Scope) => {
    const result = libraryEvaluate(expression, scope, false);
    return !result.error && result.value === true;
  };
  const fast = fastCondition(expression);
  const test = !fast
    ? general
    : (scope: Scope) => {
        const answer = fast(scope);
        return answer === UNKNOWN ? general(scope) : answer;
      };
  // What a $when decides is only whether its object is kept: a remembered part keys on the outcome. Only
  // the shapes answered here, which read one field and nothing else (no clock, no random), can be keys.
  return { test, key: fast ? { id: `c:${++conditions}`, get: test } : null };
}

/** The condition shapes the cards use, answered only for the types whose answer is certain. */
function fastCondition(expression: Expression): ((scope: Scope) => boolean | typeof UNKNOWN) | undefined {
  const [left, right] = expression.children;
  if (expression.type === '!' && expression.children.length === 1) {
    const path = pathOf(left);
    if (!path) return undefined;
    return (scope) => {
      const v = resolveOperand(path, scope);
      return typeof v === 'boolean' ? !v : v === NULLISH ? true : UNKNOWN;
    };
  }
  if (expression.type === '!=' && expression.children.length === 2 && isConstant(right)) {
    const path = pathOf(left);
    if (!path) return undefined;
    if (right.value === '') {
      return (scope) => {
        const v = resolveOperand(path, scope);
        return typeof v === 'string' ? v !== '' : v === NULLISH ? true : UNKNOWN;
      };
    }
    if (right.value === null) {
      return (scope) => {
        const v = resolveOperand(path, scope);
        return typeof v === 'string' || isPlainObject(v) ? true : v === NULLISH ? false : UNKNOWN;
      };
    }
    return undefined;
  }
  if ((expression.type === '>' || expression.type === '==') && isConstant(right) && right.value === 0 && left.type === 'count' && left.children.length === 1) {
    const path = pathOf(left.children[0]);
    if (!path) return undefined;
    const greater = expression.type === '>';
    return (scope) => {
      const v = resolve(path, scope);
      return Array.isArray(v) ? (greater ? v.length > 0 : v.length === 0) : UNKNOWN;
    };
  }
  return undefined;
}

/** `a.b.c` as ['a', 'b', 'c'] when the expression is a plain property path; undefined otherwise. */
function pathOf(expression: Expression | undefined): string[] | undefined {
  const names: string[] = [];
  let e = expression;
  while (e) {
    if (e.type !== 'Accessor' || !isConstant(e.children[0]) || typeof e.children[0].value !== 'string') return undefined;
    names.unshift(e.children[0].value);
    if (e.children.length === 1) break;
    if (e.children.length !== 2) return undefined;
    e = e.children[1];
  }
  return names.length ? names : undefined;
}

/** As resolve(), and NULLISH when the last field is null or missing from a plain object. */
function resolveOperand(path: string[], scope: Scope): unknown {
  return walk(path, scope, true);
}

/**
 * The value at `path` when it is a plain JSON value (string, finite number, boolean, array, plain object)
 * reached through own properties of plain objects; UNKNOWN for everything else (a missing field, null,
 * an inherited name), which the library then evaluates. The library matches field names ignoring case
 * (the first key in order that matches): a name is read here only where no other key differs from it
 * just in case, so both always pick the same field.
 */
function resolve(path: string[], scope: Scope): unknown {
  return walk(path, scope, false);
}

function walk(path: string[], scope: Scope, operand: boolean): unknown {
  const first = path[0];
  let value: unknown;
  let i = 0;
  if (first.startsWith('$')) {
    if (first !== '$root' && first !== '$data') return UNKNOWN;
    value = first === '$root' ? scope.$root : scope.$data;
    i = 1;
  } else {
    value = scope.$data;
  }
  for (; i < path.length; i++) {
    if (!isPlainObject(value)) return UNKNOWN;
    const keys = lowerKeys(value, scope);
    if (!keys) return UNKNOWN;
    const name = path[i];
    if (Object.prototype.hasOwnProperty.call(value, name)) value = value[name];
    else return operand && i === path.length - 1 && !keys.includes(lower(name)) ? NULLISH : UNKNOWN;
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : UNKNOWN;
    case 'object':
      if (value === null) return operand ? NULLISH : UNKNOWN;
      return Array.isArray(value) || isPlainObject(value) ? value : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** Lower-cased field names, made once per name (templates and card data use a small, fixed set). */
const lowerCased = new Map<string, string>();
function lower(name: string): string {
  let l = lowerCased.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    if (lowerCased.size < 10_000) lowerCased.set(name, l);
  }
  return l;
}

/** An object's field names lower-cased, or null when two of them differ only in case. */
function lowerKeys(value: Record<string, unknown>, scope: Scope): string[] | null {
  // Bindings next to each other mostly read the same object: remember the last one before the map.
  if (scope.lastObject === value) return scope.lastKeys;
  let keys = scope.keys.get(value);
  if (keys === undefined) {
    const names = Object.keys(value);
    keys = new Array<string>(names.length);
    // Card data has a handful of fields: comparing each with those before is cheapest. A larger object
    // (data from elsewhere) is checked with a set, so the check stays linear.
    const seen = names.length > 32 ? new Set<string>() : undefined;
    outer: for (let i = 0; i < names.length; i++) {
      const l = lower(names[i]);
      if (seen) {
        if (seen.has(l)) {
          keys = null;
          break;
        }
        seen.add(l);
      } else {
        for (let j = 0; j < i; j++) {
          if (keys[j] === l) {
            keys = null;
            break outer;
          }
        }
      }
      keys[i] = l;
    }
    scope.keys.set(value, keys);
  }
  scope.lastObject = value;
  scope.lastKeys = keys;
  return keys;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isConstant(e: Expression | undefined): e is Expression & { value: unknown } {
  return !!e && e.type === 'Constant' && e.children.length === 0 && 'value' in e;
}

function isExpression(v: unknown): v is Expression {
  return typeof v === 'object' && v !== null && typeof (v as Expression).type === 'string' && Array.isArray((v as Expression).children);
}

/** Template.prepare: what the library's constructor does to a template before expanding it. */
function resolveLibraryPrepare(): (node: unknown) => unknown {
  const prepare = (ACData.Template as unknown as { prepare?: (node: unknown) => unknown }).prepare;
  if (typeof prepare !== 'function') {
    throw new Error('adaptivecards-templating no longer has Template.prepare; update src/render/compile-template.ts for this version.');
  }
  return prepare.bind(ACData.Template);
}

/**
 * The library's own evaluation of one expression in a scope ($root, $data, $index): the static that
 * Template.internalExpand calls. Checked at load, so a version without it fails at start-up, not per card.
 */
function resolveLibraryEvaluate(): Evaluate {
  const evaluate = (ACData.Template as unknown as { internalTryEvaluateExpression?: Evaluate }).internalTryEvaluateExpression;
  if (typeof evaluate !== 'function') {
    throw new Error('adaptivecards-templating no longer has Template.internalTryEvaluateExpression; update src/render/compile-template.ts for this version.');
  }
  return evaluate.bind(ACData.Template);
}
