import type { LogLevel } from '../config';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values never reach the log, whatever their level or depth. */
const SECRET_FIELD = /password|secret|token|authorization|key|cookie/i;
/** Log fields are small; anything deeper is summarised rather than walked (and cannot overflow the stack). */
const MAX_DEPTH = 8;

/**
 * JSON-lines logger. Secrets are redacted by field name and by the values passed in `secrets`, in the
 * values themselves before they are serialised: once JSON-escaped, a secret with a quote or a backslash
 * no longer matches itself in the line.
 */
export function createLogger(opts: { level?: LogLevel; write?: (line: string) => void; secrets?: string[] } = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const redact = redactor(opts.secrets ?? []);
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const entry = { time: new Date().toISOString(), level, msg: redact.text(msg), ...(redact.value(fields ?? {}) as Record<string, unknown>) };
    write(JSON.stringify(entry));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A copy of log fields with every secret replaced: strings, nested objects and arrays, Errors (message, stack, cause). */
function redactor(secrets: readonly string[]) {
  const known = secrets.filter((s) => s.length >= 4);
  const text = (s: string) => known.reduce((acc, secret) => acc.split(secret).join('[redacted]'), s);
  const value = (v: unknown, depth = 0, seen = new Set<object>()): unknown => {
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? String(v) : v;
    if (seen.has(v)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[nested too deep]';
    seen.add(v);
    try {
      if (v instanceof Error) {
        const { name, message, stack, cause } = v;
        const code = (v as { code?: unknown }).code;
        return value({ name, message, stack, ...(code === undefined ? {} : { code }), ...(cause === undefined ? {} : { cause }) }, depth, seen);
      }
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return value(toJSON.call(v), depth + 1, seen);
      if (Array.isArray(v)) return v.map((item) => value(item, depth + 1, seen));
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : value(item, depth + 1, seen);
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return { text, value };
}

/** For tests: keeps lines in memory. */
export function memoryLogger(opts: { secrets?: string[] } = {}): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level: 'debug', write: (l) => lines.push(l), secrets: opts.secrets }), { lines });
}
