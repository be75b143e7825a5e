/**
 * A time the sender gave, as ISO UTC; undefined when missing or unreadable, and for the zero time
 * Alertmanager sends as "not set" (`endsAt: "0001-01-01T00:00:00Z"` on a firing alert).
 */
export function senderTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return new Date(ms).toISOString();
}
