import * as ACData from 'adaptivecards-templating';
import { CLOSE_BRACE, CLOSE_BRACKET, COMMA, JsonBytes, OPEN_BRACE, OPEN_BRACKET, writeJsonBytes } from './json-bytes';

/**
 * Adaptive Card templates compiled once into plain functions, with the output of adaptivecards-templating's
 * Template.expand, at a fraction of its cost per card (bench: 95 µs → a few µs for the diagnosis card):
 * compileTemplate returns the card object; compileCard(…).bytes writes its JSON straight to UTF-8 bytes
 * (render/json-bytes.ts), copying what does not change from one card to the next.
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
 * Compiles a template once into both forms (parsing the template's expressions is most of the cost of
 * compiling): the card object, and the card written straight to JSON as UTF-8 bytes, exactly JSON.stringify
 * of the object (and so of what the library returns). Nothing is built as objects for the bytes: keys and
 * constants are copied as bytes made at compile time, and bound values are written as their JSON. Parts of
 * the card that read only plain values (a string, a finite number, a boolean: headings, knowledge texts,
 * links) are written once per combination of values and then copied.
 */
export function compileCard(template: unknown): { object: (root: unknown) => unknown; bytes: (root: unknown) => Buffer } {
  const { value, one } = compileNode(template);
  return {
    object: (root) => value(rootScope(root)),
    bytes: (root) =>
      writeJsonBytes((out) => {
        if (!one(rootScope(root), out)) out.bytes(NULL);
      }),
  };
}

/** A fresh scope for one expansion; $data starts as $root, as the library's evaluation context reads it. */
function rootScope(root: unknown): Scope {
  return { $root: root, $data: root, $index: undefined, $host: undefined, $_acTemplateVersion: TEMPLATE_VERSION, keys: new Map(), lastObject: undefined, lastKeys: null };
}

/**
 * A compiled template node: what Template.internalExpand returns for it (value), the same written as JSON
 * in either place a node can stand (one, items), and what it reads: what alone decides the result
 * (property paths, and the outcome of each $when), or null when that is not known (an expression the
 * library evaluates, $data, $index, …). A node stands in one place only, so it uses one of the writers.
 */
interface Part {
  value: Compiled;
  /** Writes the value as one JSON value (a key's value, or the whole card); false, writing nothing, when it has none (undefined). */
  one: Write;
  /** Writes what the value adds to an enclosing array: nothing for null, its items for an array (spliced in, as the library does), else one item; false when it added none. */
  items: Write;
  reads: Key[] | null;
  /** The JSON never depends on the data (no bindings, no $when, no $data): written once, at compile time. */
  fixed: boolean;
}
type Write = (scope: Scope, out: JsonBytes) => boolean;

/** One thing a part's result depends on: a property path's value, or a condition's outcome. */
interface Key {
  id: string;
  get: (scope: Scope) => unknown;
}

function pathKey(path: string[]): Key {
  return { id: `p:${path.join('\u0000')}`, get: (scope) => resolve(path, scope) };
}

let conditions = 0;
const NULL = Buffer.from('null');

function compileNode(node: unknown): Part {
  if (typeof node === 'string') {
    const parsed = ACData.Template.parseInterpolatedString(node) as unknown;
    if (typeof parsed === 'string') return literal(parsed);
    const { value, reads } = compileValue(parsed as Expression);
    return { value, ...writersOf(value), reads, fixed: false };
  }
  if (Array.isArray(node)) return compileArray(node.map(compileNode));
  if (typeof node === 'object' && node !== null) return compileObject(node as Record<string, unknown>);
  return literal(node);
}

/** A value the template holds as it is. */
function literal(v: unknown): Part {
  const writers = writersOf(() => v);
  return fixedPart({ value: () => v, ...writers, reads: [], fixed: true });
}

/**
 * A part whose JSON never depends on the data, with its writers replaced by copies of what they write
 * (run once here, on no data).
 */
function fixedPart(part: Part): Part {
  const one = written(part.one);
  const items = written(part.items, true);
  return {
    ...part,
    one: one ? (_scope, out) => (out.bytes(one), true) : () => false,
    items: items
      ? (_scope, out) => {
          out.item();
          out.bytes(items);
          return true;
        }
      : () => false,
  };
}

/** What a writer that reads no data writes, as bytes (for items: without a comma in front); undefined for nothing. */
function written(write: Write, asItems = false): Buffer | undefined {
  const out = new JsonBytes(256);
  const wrote = write(NO_DATA, out);
  if (asItems && out.first) return undefined;
  return wrote ? out.copy() : undefined;
}

/** The scope fixed parts are written in: they never read it. */
const NO_DATA = rootScope(undefined);

/** The writers of a value known only when expanding: its JSON, as JSON.stringify writes it. */
function writersOf(value: Compiled): Pick<Part, 'one' | 'items'> {
  return {
    one: (scope, out) => {
      const v = value(scope);
      if (typeof v === 'string') {
        out.string(v); // most bound values: written without JSON.stringify's setup
        return true;
      }
      const text = JSON.stringify(v);
      if (text === undefined) return false;
      out.text(text);
      return true;
    },
    items: (scope, out) => {
      const v = value(scope);
      if (v === null) return false;
      if (!Array.isArray(v)) {
        out.item();
        if (typeof v === 'string') out.string(v);
        else out.text(JSON.stringify(v) ?? 'null');
        return true;
      }
      for (const x of v) {
        out.item();
        out.text(JSON.stringify(x) ?? 'null');
      }
      return v.length > 0;
    },
  };
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
  // Fixed items next to each other are written as one piece.
  const runs: (Part | Buffer)[] = [];
  let run: Buffer[] = [];
  const endRun = () => {
    if (run.length) runs.push(Buffer.from(run.map((b) => b.toString('utf8')).join(',')));
    run = [];
  };
  for (const item of items) {
    if (!item.fixed) {
      endRun();
      runs.push(item);
      continue;
    }
    const bytes = written(item.items, true);
    if (bytes) run.push(bytes);
  }
  endRun();
  const spliced: Write = (scope, out) => {
    let wrote = false;
    for (const r of runs) {
      if (Buffer.isBuffer(r)) {
        out.item();
        out.bytes(r);
        wrote = true;
      } else if (r.items(scope, out)) {
        wrote = true;
      }
    }
    return wrote;
  };
  const one: Write = (scope, out) => {
    out.byte(OPEN_BRACKET);
    const first = out.first;
    out.first = true;
    spliced(scope, out);
    out.first = first;
    out.byte(CLOSE_BRACKET);
    return true;
  };
  const part: Part = { value, one, items: spliced, reads: readsOfAll(items), fixed: items.every((i) => i.fixed) };
  return part.fixed ? fixedPart(part) : part;
}

function compileObject(node: Record<string, unknown>): Part {
  // The library prepares a template by assigning its keys, so a "__proto__" key becomes the prototype of
  // the prepared object and its $when, $data and value are read from there: no card needs that.
  if (Object.prototype.hasOwnProperty.call(node, '__proto__')) {
    throw new Error('A card template may not hold a "__proto__" key.');
  }
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

  const writeObject = objectWriter(keys, parts);

  if (dataSource !== undefined) {
    // Each item is remembered by what it reads (fact rows whose title and value come back from one paste
    // to the next), whether or not the whole repeat is.
    const itemReads = readsOfAll(parts);
    const writeItem: (scope: Scope, out: JsonBytes) => void = itemReads
      ? remembered((scope, out) => (writeObject(scope, out), true), itemReads, false)
      : writeObject;
    /** Visits each binding of $data the $when keeps, with $data (and $index for an array) rebound. */
    const repeat = (scope: Scope, visit: (scope: Scope) => void) =>
      eachBinding(scope, data(scope), (s) => {
        if (!dropAlways && (!when || when.test(s))) visit(s);
        return true;
      });
    const value: Compiled = (scope) => {
      const results: unknown[] = [];
      repeat(scope, (s) => results.push(build(s)));
      return results.length === 0 ? null : results.length === 1 ? results[0] : results;
    };
    // None is null, one is the object, more are an array.
    const one: Write = (scope, out) => {
      const mark = out.pos;
      out.byte(OPEN_BRACKET);
      let n = 0;
      repeat(scope, (s) => {
        if (n++ > 0) out.byte(COMMA);
        writeItem(s, out);
      });
      if (n === 0) {
        out.pos = mark;
        out.bytes(NULL);
      } else if (n === 1) {
        out.remove(mark);
      } else {
        out.byte(CLOSE_BRACKET);
      }
      return true;
    };
    const items: Write = (scope, out) => {
      let n = 0;
      repeat(scope, (s) => {
        out.item();
        writeItem(s, out);
        n++;
      });
      return n > 0;
    };
    // What a repeat writes is decided by what each binding reads: with those known, it is remembered too.
    const elementReads = dropAlways ? [] : readsOfAll(when ? [...parts, { reads: when.key && [when.key] }] : parts);
    const boundPath = isExpression(dataSource) ? pathOf(dataSource) : undefined;
    const bound = boundPath ? (readable(boundPath) ? (scope: Scope) => resolve(boundPath, scope) : undefined) : isExpression(dataSource) ? undefined : () => dataSource;
    const key = elementReads && bound ? repeatKey(bound, elementReads) : null;
    if (!key) return { value, one, items, reads: null, fixed: false };
    return { value, one: remembered(one, [key], false), items: remembered(items, [key], true), reads: [key], fixed: false };
  }

  // Most objects bind neither: one result, in the same scope, with nothing to save and restore.
  const value: Compiled = dropAlways ? () => null : when ? (scope) => (when.test(scope) ? build(scope) : null) : build;
  const kept = dropAlways ? () => false : when ? when.test : () => true;
  const one: Write = (scope, out) => {
    if (kept(scope)) writeObject(scope, out);
    else out.bytes(NULL); // dropped: null under a key
    return true;
  };
  const items: Write = (scope, out) => {
    if (!kept(scope)) return false; // dropped: left out of an array
    out.item();
    writeObject(scope, out);
    return true;
  };
  const reads = readsOfAll(when ? [...parts, { reads: when.key && [when.key] }] : parts);
  if (!when && parts.every((p) => p.fixed)) return fixedPart({ value, one, items, reads, fixed: true });
  if (reads) return { value, one: remembered(one, reads, false), items: remembered(items, reads, true), reads, fixed: false };
  return { value, one, items, reads, fixed: false };
}

/**
 * Writes an object as JSON.stringify writes the object `build` makes: its keys in order, each with its
 * value, a key without a value (undefined) left out. Fixed keys next to each other, and the braces next to
 * them, are written as one piece.
 */
function objectWriter(keys: string[], parts: Part[]): (scope: Scope, out: JsonBytes) => void {
  /** A piece of the object: with `part`, a key whose value is written then; without, fixed keys as bytes. */
  interface Piece {
    /** Written when nothing has been written before it (no comma in front). */
    first: Buffer;
    later: Buffer;
    part?: Part;
  }
  const pieces: Piece[] = [];
  let run: string[] = [];
  const endRun = () => {
    if (run.length) pieces.push({ first: Buffer.from(run.join(',')), later: Buffer.from(`,${run.join(',')}`) });
    run = [];
  };
  keys.forEach((k, i) => {
    const name = `${JSON.stringify(k)}:`;
    if (!parts[i].fixed) {
      endRun();
      pieces.push({ first: Buffer.from(name), later: Buffer.from(`,${name}`), part: parts[i] });
      return;
    }
    const value = written(parts[i].one);
    if (value) run.push(name + value.toString('utf8')); // a key without a value is left out
  });
  endRun();
  // The braces go into a fixed piece next to them (nothing is written before the first piece).
  const open = pieces.length === 0 || pieces[0].part !== undefined;
  if (!open) pieces[0].first = Buffer.concat([Buffer.from('{'), pieces[0].first]);
  const last = pieces[pieces.length - 1];
  const close = pieces.length === 0 || last.part !== undefined;
  if (!close) {
    last.first = Buffer.concat([last.first, Buffer.from('}')]);
    last.later = Buffer.concat([last.later, Buffer.from('}')]);
  }
  return (scope, out) => {
    if (open) out.byte(OPEN_BRACE);
    let any = false;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      const mark = out.pos;
      out.bytes(any ? piece.later : piece.first);
      if (!piece.part || piece.part.one(scope, out)) any = true;
      else out.pos = mark; // no value: no key
    }
    if (close) out.byte(CLOSE_BRACE);
  };
}

/**
 * Binds $data to each item of `bound` (an array, with $index; anything else, as one item; an undefined item
 * leaves $data as it was), as Template.internalExpand does for a repeat, until `visit` says stop (false).
 * $data and $index are put back after. True when every item was visited.
 */
function eachBinding(scope: Scope, bound: unknown, visit: (scope: Scope) => boolean): boolean {
  const saved$data = scope.$data;
  const saved$index = scope.$index;
  const items = Array.isArray(bound) ? bound : [bound];
  try {
    for (let i = 0; i < items.length; i++) {
      if (Array.isArray(bound)) scope.$index = i;
      if (items[i] !== undefined) scope.$data = items[i];
      if (!visit(scope)) return false;
    }
    return true;
  } finally {
    scope.$data = saved$data;
    scope.$index = saved$index;
  }
}

let repeats = 0;

/**
 * A repeat's key: what each binding of $data reads (and its $when's outcome), in order, all plain values,
 * stands for one number, so parts that hold the repeat are remembered like any other. The key reads
 * undefined (cannot be remembered) for anything else: a binding that is not plain data, a value that is
 * not, or when the same bindings rarely come back.
 */
function repeatKey(bound: (scope: Scope) => unknown, elementReads: Key[]): Key {
  const ids = tupleIds();
  const values: unknown[] = [];
  // A part that holds the repeat asks first, then the repeat itself: the answer is worked out once per
  // expansion and binding of $data (nothing changes the data while a card is written).
  let lastScope: Scope | undefined;
  let lastData: unknown;
  let lastAnswer: unknown;
  const get = (scope: Scope): unknown => {
    if (scope === lastScope && scope.$data === lastData) return lastAnswer;
    lastScope = scope;
    lastData = scope.$data;
    return (lastAnswer = compute(scope));
  };
  const compute = (scope: Scope): unknown => {
    if (ids.stopped()) return undefined;
    const b = bound(scope);
    if (b === UNKNOWN) return ids.miss();
    values.length = 0;
    values.push(Array.isArray(b) ? b.length : -1);
    const all = eachBinding(scope, b, (s) => {
      for (const k of elementReads) {
        const v = k.get(s);
        if (!rememberable(v)) return false;
        values.push(v);
      }
      return true;
    });
    return all ? ids.idOf(values) : ids.miss();
  };
  return { id: `r:${++repeats}`, get };
}

/** Numbers for sequences of plain values: the same sequence gets the same number while it is kept. */
function tupleIds() {
  let root = new Map<unknown, unknown>();
  let size = 0;
  let next = 0;
  let lookups = 0;
  let found = 0;
  let stopped = false;
  return {
    stopped: () => stopped,
    miss: () => {
      lookups++;
      return undefined;
    },
    idOf(values: unknown[]): number | undefined {
      if (lookups >= TRIAL_LOOKUPS && found * 2 < lookups) {
        stopped = true; // sequences rarely come back here: stop, and let go of what was kept
        root = new Map();
        return undefined;
      }
      lookups++;
      let level = root;
      for (let i = 0; i < values.length - 1; i++) {
        let nextLevel = level.get(values[i]) as Map<unknown, unknown> | undefined;
        if (!nextLevel) {
          level.set(values[i], (nextLevel = new Map()));
          size++;
        }
        level = nextLevel;
      }
      const last = values[values.length - 1];
      const known = level.get(last) as number | undefined;
      if (known !== undefined) {
        found++;
        return known;
      }
      if (++size > MAX_REMEMBERED) {
        root = new Map(); // numbers go on rising: one given before is never given to another sequence
        size = 0;
      } else {
        level.set(last, next);
      }
      return next++;
    },
  };
}

/** A value a remembered result can be keyed on: it alone decides what is written for it. */
function rememberable(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Object.is(v, -0));
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
 * What `fresh` writes, remembered as bytes per combination of what `reads` gives while those are plain
 * strings, finite numbers or booleans: then the result depends on nothing else (the fast paths read only
 * those fields, the library reads the same ones, and a $when only keeps or drops). Otherwise it is written
 * afresh. `spliced`: the writer adds items to an array, so a remembered result is preceded by a comma
 * unless it comes first.
 */
function remembered(fresh: Write, reads: Key[], spliced: boolean): Write {
  let memory = new Map<unknown, unknown>();
  let size = 0;
  let lookups = 0;
  let found = 0;

  /** Writes afresh and returns what was written, without the comma in front of a first item. */
  const capture = (scope: Scope, out: JsonBytes): Buffer => {
    if (!spliced) {
      const mark = out.pos;
      fresh(scope, out);
      return out.copy(mark);
    }
    const first = out.first;
    out.first = true;
    const mark = out.pos;
    const wrote = fresh(scope, out);
    const bytes = out.copy(mark);
    if (wrote && !first) out.insert(mark, COMMA);
    out.first = first && !wrote;
    return bytes;
  };
  const lookup = (level: Map<unknown, unknown>, key: unknown, scope: Scope, out: JsonBytes): boolean => {
    lookups++;
    const known = level.get(key) as Buffer | undefined;
    if (known !== undefined) {
      found++;
      if (known.length === 0) return false;
      if (spliced) out.item();
      out.bytes(known);
      return true;
    }
    const bytes = capture(scope, out);
    if (++size > MAX_REMEMBERED) {
      memory = new Map();
      size = 0;
    } else {
      level.set(key, bytes);
    }
    return bytes.length > 0;
  };
  const values: unknown[] = new Array(reads.length);
  let stopped = false;
  return (scope, out) => {
    if (stopped) return fresh(scope, out);
    if (lookups >= TRIAL_LOOKUPS && found * 2 < lookups) {
      // Values rarely repeat here: stop remembering, and let go of what was kept.
      stopped = true;
      memory = new Map();
      return fresh(scope, out);
    }
    // Every value first: only a combination that can be remembered makes a path through the maps.
    for (let i = 0; i < reads.length; i++) {
      const v = reads[i].get(scope);
      if (!rememberable(v)) {
        lookups++; // a value that cannot be remembered counts as not found
        return fresh(scope, out);
      }
      values[i] = v;
    }
    if (reads.length === 0) return lookup(memory, ALWAYS, scope, out); // reads nothing: one result
    let level = memory;
    for (let i = 0; i < reads.length - 1; i++) {
      let next = level.get(values[i]) as Map<unknown, unknown> | undefined;
      if (!next) {
        level.set(values[i], (next = new Map()));
        size++; // a map on the way counts towards the bound like a result
      }
      level = next;
    }
    return lookup(level, values[reads.length - 1], scope, out);
  };
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
