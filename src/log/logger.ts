import type { LogLevel } from '../config';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values never reach the log, whatever their level. */
const SECRET_FIELD = /password|secret|token|authorization|key|cookie/i;

/** JSON-lines logger. Secrets are redacted by field name and by the values passed in `secrets`. */
export function createLogger(opts: { level?: LogLevel; write?: (line: string) => void; secrets?: string[] } = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 4);
  const scrub = (s: string) => secrets.reduce((acc, secret) => acc.split(secret).join('[redacted]'), s);
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
    for (const [k, v] of Object.entries(fields ?? {})) {
      if (SECRET_FIELD.test(k)) entry[k] = '[redacted]';
      else if (v instanceof Error) entry[k] = { name: v.name, message: v.message, stack: v.stack };
      else entry[k] = v;
    }
    write(scrub(JSON.stringify(entry)));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** For tests: keeps lines in memory. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level: 'debug', write: (l) => lines.push(l) }), { lines });
}
