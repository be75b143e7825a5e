/**
 * Helpers that make text safe to show on a card. Teams renders a subset of Markdown in TextBlock and
 * FactSet (bold, italic, lists, links). Free text from a paste goes into RichTextBlock TextRuns, which
 * Adaptive Cards never treat as Markdown; the short values that must sit in a TextBlock or FactSet are
 * escaped here: every character that can open bold, italic, code, a link or an HTML-ish tag is
 * backslash-escaped (CommonMark), and so is a list or heading marker at the start of a line.
 */
const INLINE_SPECIAL = /[\\`*_[\]<>~]/g;
const LINE_START_MARKER = /^([ \t]{0,16})([-+#]|\d{1,9}[.)])(?=\s|$)/gm;

/** Either of the above, anywhere: most values (host names, addresses, codes) have neither and are kept as they are. */
const ANY_SPECIAL = /[\\`*_[\]<>~]|^[ \t]{0,16}(?:[-+#]|\d{1,9}[.)])(?=\s|$)/m;

export function escapeMarkdown(text: string): string {
  if (!ANY_SPECIAL.test(text)) return text;
  return text
    .replace(INLINE_SPECIAL, (c) => `\\${c}`)
    .replace(LINE_START_MARKER, (_m, space: string, marker: string) => `${space}${marker.replace(/[-+#.)]/, (c) => `\\${c}`)}`);
}

/** Cuts at a character boundary and says so; keeps card sizes bounded whatever was pasted. */
export function truncate(text: string, max: number, marker = '…'): string {
  if (text.length <= max) return text;
  let cut = max - marker.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // do not split a surrogate pair
  return text.slice(0, cut) + marker;
}

/** "{name} did {what}" with values from `vars`; unknown placeholders stay visible. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in vars ? String(vars[key]) : m));
}

/** Teams cards cannot format dates for the reader's time zone, so times are shown in UTC. */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "- a\r- b" for a TextBlock list; items are escaped. */
export function bulletList(items: readonly string[]): string {
  return items.map((i) => `- ${escapeMarkdown(i)}`).join('\r');
}

export function numberedList(items: readonly string[]): string {
  return items.map((i, n) => `${n + 1}. ${escapeMarkdown(i)}`).join('\r');
}
