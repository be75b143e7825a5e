import * as ACData from 'adaptivecards-templating';

/**
 * Adaptive Card templates compiled once into plain functions, with the output of adaptivecards-templating's
 * Template.expand, at a fraction of its cost per card (bench: 95 µs → a few µs for the diagnosis card).
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
  const expand = compileNode(template);
  // $data starts as $root, as the library's evaluation context reads it.
  return (root) => expand({ $root: root, $data: root, $index: undefined, $host: undefined, $_acTemplateVersion: TEMPLATE_VERSION, keys: new Map(), lastObject: undefined, lastKeys: null });
}

function compileNode(node: unknown): Compiled {
  if (typeof node === 'string') {
    const parsed = ACData.Template.parseInterpolatedString(node) as unknown;
    return typeof parsed === 'string' ? () => parsed : compileValue(parsed as Expression);
  }
  if (Array.isArray(node)) return compileArray(node.map(compileNode));
  if (typeof node === 'object' && node !== null) return compileObject(node as Record<string, unknown>);
  return () => node;
}

/** Items that expand to null are dropped; items that expand to arrays are spliced in (Template.internalExpand). */
function compileArray(items: Compiled[]): Compiled {
  return (scope) => {
    const out: unknown[] = [];
    for (const item of items) {
      const value = item(scope);
      if (value === null) continue;
      if (Array.isArray(value)) for (const v of value) out.push(v);
      else out.push(value);
    }
    return out;
  };
}

function compileObject(node: Record<string, unknown>): Compiled {
  const keys = Object.keys(node).filter((k) => !RESERVED.has(k));
  const values = keys.map((k) => compileNode(node[k]));
  const dataSource = node.$data === undefined ? undefined : prepare(node.$data);
  const whenSource = node.$when === undefined ? undefined : prepare(node.$when);
  const when = isExpression(whenSource) ? compileCondition(whenSource) : undefined;
  // A $when that is not an expression drops the object when truthy (the library warns and treats it as false).
  const dropAlways = !isExpression(whenSource) && Boolean(whenSource);
  const data = isExpression(dataSource) ? compileValue(dataSource) : () => dataSource;

  const build = (scope: Scope) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = values[i](scope);
      if (value !== undefined) out[keys[i]] = value;
    }
    return out;
  };

  // Most objects bind neither: one result, in the same scope, with nothing to save and restore.
  if (dataSource === undefined) {
    if (dropAlways) return () => null;
    if (when) return (scope) => (when(scope) ? build(scope) : null);
    return build;
  }

  return (scope) => {
    const saved$data = scope.$data;
    const saved$index = scope.$index;
    const bound = dataSource === undefined ? undefined : data(scope);
    const contexts = Array.isArray(bound) ? bound : [bound];
    const results: unknown[] = [];
    for (let i = 0; i < contexts.length; i++) {
      if (Array.isArray(bound)) scope.$index = i;
      if (contexts[i] !== undefined) scope.$data = contexts[i];
      if (dropAlways || (when && !when(scope))) continue;
      results.push(build(scope));
    }
    scope.$data = saved$data;
    scope.$index = saved$index;
    return results.length === 0 ? null : results.length === 1 ? results[0] : results;
  };
}

/** A bound value: "${path}", or text around expressions. Missing fields and errors go to the library. */
function compileValue(expression: Expression): Compiled {
  const general: Compiled = (scope) => {
    const result = libraryEvaluate(expression, scope, true);
    if (result.error) throw new Error(String(result.error));
    return result.value;
  };
  const path = pathOf(expression);
  if (path) {
    return (scope) => {
      const value = resolve(path, scope);
      return value === UNKNOWN ? general(scope) : value;
    };
  }
  if (expression.type === 'concat') {
    const parts = expression.children.map((child): string | string[] | undefined =>
      isConstant(child) ? String(child.value) : pathOf(child));
    if (parts.every((p) => p !== undefined)) {
      return (scope) => {
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
    }
  }
  return general;
}

/** A $when: true keeps the object. Anything but a boolean true drops it, as in the library. */
function compileCondition(expression: Expression): (scope: Scope) => boolean {
  const general = (scope: Scope) => {
    const result = libraryEvaluate(expression, scope, false);
    return !result.error && result.value === true;
  };
  const fast = fastCondition(expression);
  if (!fast) return general;
  return (scope) => {
    const answer = fast(scope);
    return answer === UNKNOWN ? general(scope) : answer;
  };
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
    outer: for (let i = 0; i < names.length; i++) {
      const l = lower(names[i]);
      for (let j = 0; j < i; j++) {
        if (keys[j] === l) {
          keys = null;
          break outer;
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
