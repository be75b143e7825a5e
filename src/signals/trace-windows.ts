/** Graph's message trace answers at most 10 days per query ("not exceed 10 days"). */
export const MAX_TRACE_WINDOW_MS = 10 * 24 * 60 * 60 * 1000;

/** [start, end] cut into consecutive windows of at most 10 days, oldest first. Pure. */
export function traceWindows(start: Date, end: Date, maxMs = MAX_TRACE_WINDOW_MS): Array<{ start: Date; end: Date }> {
  const windows: Array<{ start: Date; end: Date }> = [];
  for (let from = start.getTime(); from < end.getTime(); from += maxMs) {
    windows.push({ start: new Date(from), end: new Date(Math.min(from + maxMs, end.getTime())) });
  }
  return windows;
}
