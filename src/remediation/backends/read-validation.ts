import type { ValidationResult, ValidationTask } from './exchange-backend';

/**
 * Validate-OutboundConnector's output, read leniently. Its OUTPUTS section is empty in Microsoft's reference;
 * scripts read per-task objects with `TaskName` and `IsTaskSuccessful` [3p], and the admin center names
 * tasks "Resolve task failed", "Connection task failed", "SMTP EHLO task failed". So: an object with a
 * task name becomes a task; anything else is kept as it came, as bounded JSON text, for the card to show.
 */

const MAX_TASKS = 40;
const MAX_UNRECOGNISED = 10;
const MAX_TEXT = 1500;
const MAX_MESSAGES = 10;

const NAME_KEYS = ['taskname', 'task', 'name'];
const OK_KEYS = ['istasksuccessful', 'issuccessful', 'succeeded', 'success', 'result', 'status'];
const DETAIL_KEYS = ['details', 'detail', 'error', 'errormessage', 'message', 'exception', 'reason', 'description', 'output'];

export function readValidation(value: readonly unknown[], messages: readonly string[] = []): ValidationResult {
  const tasks: ValidationTask[] = [];
  const unrecognised: string[] = [];
  const keep = (item: unknown) => {
    if (unrecognised.length < MAX_UNRECOGNISED) unrecognised.push(asText(item));
  };
  for (const item of value) {
    const task = readTask(item);
    if (task && tasks.length < MAX_TASKS) tasks.push(task);
    else if (!task) {
      // One object wrapping the list (`{ Tasks: [...] }`, `{ Results: [...] }`) is read through.
      const inner = wrappedTasks(item);
      if (inner.length) tasks.push(...inner.slice(0, MAX_TASKS - tasks.length));
      else keep(item);
    }
  }
  const more = value.length > MAX_TASKS + MAX_UNRECOGNISED ? [`… ${value.length} items in all`] : [];
  return {
    tasks,
    unrecognised: [...unrecognised, ...more],
    messages: messages.slice(0, MAX_MESSAGES).map((m) => bounded(m)),
  };
}

function readTask(item: unknown): ValidationTask | undefined {
  if (!isObject(item)) return undefined;
  const fields = lowerKeys(item);
  const nameKey = NAME_KEYS.find((k) => typeof fields.get(k) === 'string' && String(fields.get(k)).trim());
  // `name` alone is too common a property to mean a task: it counts only beside a success flag.
  const okKey = OK_KEYS.find((k) => fields.has(k));
  if (!nameKey || (nameKey === 'name' && !okKey)) return undefined;
  const used = new Set([nameKey, okKey, ...DETAIL_KEYS]);
  const details = DETAIL_KEYS.map((k) => detailText(fields.get(k))).filter(Boolean);
  const rest = Object.fromEntries(
    [...fields].filter(([k, v]) => !used.has(k) && !k.startsWith('@') && v !== null && v !== undefined && v !== '').map(([k, v]) => [originalKey(item, k), v]),
  );
  // With no detail field, other properties are what there is to say; shown as they came.
  const detail = details.length ? details.join(' ') : Object.keys(rest).length ? asText(rest) : '';
  return { name: bounded(String(fields.get(nameKey)).trim(), 200), ok: okKey ? okOf(fields.get(okKey)) : null, detail: bounded(detail) };
}

function wrappedTasks(item: unknown): ValidationTask[] {
  if (!isObject(item)) return [];
  for (const v of Object.values(item)) {
    if (!Array.isArray(v) || !v.length) continue;
    const tasks = v.map(readTask);
    if (tasks.every((t) => t)) return tasks as ValidationTask[];
  }
  return [];
}

/** True/False as a boolean, a string in any case, 0/1, or a status word ("Succeeded", "Failed"); null otherwise. */
function okOf(raw: unknown): boolean | null {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === 0) return raw === 1;
  if (typeof raw !== 'string') return null;
  const word = raw.trim().toLowerCase();
  if (['true', 'success', 'succeeded', 'successful', 'passed', 'ok'].includes(word)) return true;
  if (['false', 'failure', 'failed', 'error', 'unsuccessful'].includes(word)) return false;
  return null;
}

/** A detail field may be a string, a list of them, or an exception object with a Message. */
function detailText(raw: unknown): string {
  if (raw === null || raw === undefined || raw === '') return '';
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw)) return raw.map(detailText).filter(Boolean).join(' ');
  if (isObject(raw)) {
    const message = lowerKeys(raw).get('message');
    if (typeof message === 'string' && message.trim()) return message.trim();
  }
  return asText(raw);
}

function asText(item: unknown): string {
  if (typeof item === 'string') return bounded(item);
  let text: string;
  try {
    text = JSON.stringify(item) ?? String(item);
  } catch {
    text = String(item);
  }
  return bounded(text);
}

const bounded = (text: string, max = MAX_TEXT) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const lowerKeys = (o: Record<string, unknown>) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
const originalKey = (o: Record<string, unknown>, lower: string) => Object.keys(o).find((k) => k.toLowerCase() === lower) ?? lower;
