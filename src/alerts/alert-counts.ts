/**
 * Counts an alert carries about the mail, as its sender reported them: not how often the alert arrived
 * (that is the group's occurrence count). Read from named fields first, then from the alert's own words.
 */
export interface AlertCounts {
  /** Messages waiting in a queue: a queued / queuedMessages field, or "2,345 messages have been queued". */
  queuedMessages?: number;
  /** A messageCount field: the messages the alert is about. */
  messageCount?: number;
  /** A bare `count` field: the sender's own figure, whatever it counts, so the card does not say what it is. */
  reportedCount?: number;
}

/** Field names per count, compared without case, `_` or `-` (labels are snake_case, JSON camelCase). */
const FIELDS: Record<keyof AlertCounts, readonly string[]> = {
  queuedMessages: ['queuedmessages', 'queued', 'messagesqueued', 'queuelength'],
  messageCount: ['messagecount', 'messagescount'],
  reportedCount: ['count'],
};

/** Far above any queue Exchange Online keeps; a larger figure is a misread, not a count. */
const MAX_COUNT = 1_000_000_000;
const NUMBER = String.raw`(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d{1,10})`;
// "2,000 or more messages have been queued", "There are 2413 messages queued", "12 messages delayed".
// Words between are bounded and \w+\s+ cannot overlap itself, so a long hostile text is read in linear time.
const QUEUED_PHRASE = new RegExp(
  String.raw`\b${NUMBER}\+?\s+(?:\w+\s+){0,3}?messages?\s+(?:\w+\s+){0,3}?(?:queued|delayed|deferred|in\s+(?:the\s+)?queue)\b`,
  'i',
);
// "Queued messages: 2413", "queue length = 4200".
const QUEUED_FIELD = new RegExp(String.raw`\b(?:queued\s+messages|messages\s+queued|queue\s+(?:length|size|count)|queued)\s*[:=]\s*${NUMBER}\b`, 'i');
const WHOLE_NUMBER = new RegExp(String.raw`^\s*${NUMBER}\s*$`);

/**
 * The counts found in `objects` (the payload's own fields, labels, annotations; earlier objects win),
 * with the queued figure taken from `text` when no field gives it. Undefined when there is none.
 */
export function countsOf(objects: ReadonlyArray<unknown>, text: string): AlertCounts | undefined {
  const counts: AlertCounts = {};
  for (const kind of Object.keys(FIELDS) as Array<keyof AlertCounts>) {
    for (const o of objects) {
      const value = fieldCount(o, FIELDS[kind]);
      if (value !== undefined) {
        counts[kind] = value;
        break;
      }
    }
  }
  if (counts.queuedMessages === undefined) {
    const m = QUEUED_PHRASE.exec(text) ?? QUEUED_FIELD.exec(text);
    const value = m ? toCount(m[1]) : undefined;
    if (value !== undefined) counts.queuedMessages = value;
  }
  return Object.keys(counts).length ? counts : undefined;
}

function fieldCount(o: unknown, names: readonly string[]): number | undefined {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined;
  for (const [key, value] of Object.entries(o)) {
    if (names.includes(key.toLowerCase().replace(/[_-]/g, ''))) {
      const n = toCount(value);
      if (n !== undefined) return n;
    }
  }
  return undefined;
}

/** A whole non-negative number, given as a number or as digits ("2,400", "2 400"); anything else is no count. */
function toCount(value: unknown): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && WHOLE_NUMBER.test(value)) n = Number(value.replace(/\D/g, ''));
  else return undefined;
  return Number.isInteger(n) && n >= 0 && n <= MAX_COUNT ? n : undefined;
}
