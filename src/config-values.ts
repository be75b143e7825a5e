/** Typed values of environment variables, for loadConfig(): each bad value adds a line to `problems`. */

/** "30m", "90s", "2h", "1500ms", or a bare number of minutes. */
export function durationVar(raw: string, fallback: number, name: string, problems: string[]): number {
  if (raw === '') return fallback;
  const m = /^(\d{1,9})\s*(ms|s|m|h)?$/i.exec(raw);
  if (!m) {
    problems.push(`${name} is "${raw}"; use a duration such as 30m, 90s or 2h.`);
    return fallback;
  }
  const unit = (m[2] ?? 'm').toLowerCase();
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit];
}

export function intVar(raw: string, fallback: number, min: number, max: number, name: string, problems: string[]): number {
  if (raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} is "${raw}"; use a whole number from ${min} to ${max}.`);
    return fallback;
  }
  return n;
}
