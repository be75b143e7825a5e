import { matchFieldName } from './field-name';
import { matchFieldKey } from './keyed-values';

/**
 * Puts a (plain-text) paste into the shape the scanner expects, in one pass:
 * - CR/CRLF → LF and no-break spaces → space (normalizeText has usually done it; replaced only when found).
 *   Zero-width characters are left to normalizeText: removing them here could glue "4.4\u200b.316"
 *   into a code the paste never showed;
 * - mailing-list quote markers (`> `, `>> `) removed from line starts;
 * - folded lines joined: DSN fields (`Diagnostic-Code:` continues on lines starting with
 *   whitespace, RFC 5322 §2.2.3) and Postfix bounces (`<user@x>: host ... said: 550` then
 *   `    5.4.1 ...`) and PowerShell `Format-List` values, so a reply code and its status code end
 *   up on the same line.
 * Only a line indented deeper than the line it continues is joined, so a paste that is indented
 * as a whole keeps its lines.
 * - links that Markdown renderers (GitHub, Teams) make of names and addresses are put back as the
 *   names: `[mx.contoso.com](http://mx.contoso.com/)` → `mx.contoso.com`, `<jane@contoso.com>](mailto:jane@contoso.com)`
 *   → `<jane@contoso.com>` (see unlinkLine); a link whose text is not its target is left as it is.
 * - an error's LED bracket fields written one per line (`450 4.4.316 Connection refused` then
 *   `[LastAttemptedServerName = …]`), also with one blank line between, joined to the error's line.
 */
const QUOTE_PREFIX = /(?:[ \t]{0,8}>){1,64}[ \t]?/y;
const POSTFIX_RECIPIENT = /[ \t]{0,8}<[^<>\s]{1,254}>:/y;

export interface PreparedPaste {
  text: string;
  /** Where each line of `text` ends (its `\n`, or text.length for the last), so the parser does not search for them again. */
  lineEnds: number[];
}

export function preparePaste(input: string): PreparedPaste {
  // Three indexOf scans are cheaper than two replace passes that find nothing.
  const hasCrOrNoBreakSpace = input.includes('\r') || input.includes('\u00a0') || input.includes('\u202f');
  const text = hasCrOrNoBreakSpace ? input.replace(/\r\n?/g, '\n').replace(/[\u00a0\u202f]/g, ' ') : input;
  const lines = new LineUnfolder(text);
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lines.add(start, end);
    start = end + 1;
  }
  return lines.result();
}

/**
 * Writes the lines one by one (a method per line, so the work per line stays optimised across
 * calls rather than inside one long loop). The result is written as ranges of `text` plus the few
 * changed pieces, so a paste with nothing to unfold or unquote comes back as the same string,
 * without a copy per line.
 */
class LineUnfolder {
  private readonly out: RangeWriter;
  private readonly lineEnds: number[] = [];
  private currentIndent = 0;
  private foldable = false;
  /** A blank line after a line of text, written only if what follows does not continue that line. */
  private heldBlank?: { lineStart: number; from: number; end: number; afterFoldable: boolean };
  /** Whether the last line written (a held blank aside) had text. */
  private lastHadText = false;
  /** Where the next `](` of the text is (-1: none), found once per occurrence so the walk stays linear. */
  private nextLink = -2;

  constructor(private readonly text: string) {
    this.out = new RangeWriter(text);
  }

  add(lineStart: number, end: number): void {
    const { text, out } = this;
    let from = lineStart;
    const firstBeforeQuotes = skipWhitespace(text, lineStart, end);
    if (firstBeforeQuotes < end && text.charCodeAt(firstBeforeQuotes) === 62 /* > */) {
      QUOTE_PREFIX.lastIndex = lineStart;
      if (QUOTE_PREFIX.test(text)) from = QUOTE_PREFIX.lastIndex;
    }
    const first = skipWhitespace(text, from, end);
    const indent = first - from;
    // Teams and Q&A pages double-space a paste: a blank line between a `Key : value` line and the value's
    // wrapped rest (indented under the value column), or between an error and its `[Key=value]` fields,
    // is held, and dropped if that rest follows.
    if (first === end && this.lastHadText && this.heldBlank === undefined && lineStart > 0) {
      this.heldBlank = { lineStart, from, end, afterFoldable: this.foldable };
      return;
    }
    const held = this.heldBlank;
    this.heldBlank = undefined;
    const fieldLine = first < end && this.lastHadText && matchFieldKey(text, first) !== undefined;
    const valueRest =
      this.foldable && indent > this.currentIndent && first < end && (!held || (held.afterFoldable && indent >= this.currentIndent + VALUE_COLUMN_INDENT));
    if (held && !fieldLine && !valueRest) {
      this.writeBlank(held);
      this.foldable = false;
    }
    if (valueRest || fieldLine) {
      out.literal(' ');
      this.writeLine(first, end);
      return;
    }
    if (lineStart > 0) {
      this.lineEnds.push(out.length);
      out.literal('\n');
    }
    const unlinked = this.writeLine(from, end);
    this.lastHadText = first < end;
    this.currentIndent = indent;
    this.foldable = unlinked === undefined ? isHeaderStart(text, from, first) : isHeaderStart(unlinked, 0, skipWhitespace(unlinked, 0, unlinked.length));
  }

  private writeBlank(held: { from: number; end: number }): void {
    this.lineEnds.push(this.out.length);
    this.out.literal('\n');
    this.out.range(held.from, held.end);
  }

  /** Writes [from, end) of the text; returns the line as written when links were put back as names. */
  private writeLine(from: number, end: number): string | undefined {
    if (this.nextLink !== -1 && this.nextLink < from) this.nextLink = this.text.indexOf('](', from);
    if (this.nextLink === -1 || this.nextLink >= end) {
      this.out.range(from, end);
      return undefined;
    }
    const line = unlinkLine(this.text.slice(from, end));
    this.out.literal(line);
    this.nextLink = this.text.indexOf('](', end);
    return line;
  }

  result(): PreparedPaste {
    if (this.heldBlank) this.writeBlank(this.heldBlank);
    this.lineEnds.push(this.out.length);
    return { text: this.out.result(), lineEnds: this.lineEnds };
  }
}

/**
 * `Name:` (RFC 5322 field), `Name      :` (PowerShell Format-List, which wraps long values under
 * the value column) or Postfix's `<user@domain>:`.
 */
function isHeaderStart(text: string, from: number, first: number): boolean {
  if (matchFieldName(text, from, 60, 40)) return true;
  if (first >= text.length || text.charCodeAt(first) !== 60 /* < */) return false;
  POSTFIX_RECIPIENT.lastIndex = from;
  return POSTFIX_RECIPIENT.test(text);
}

/** Blanks and tabs from `from`, stopping at `end`: the first other position. */
function skipWhitespace(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

/** Builds a string from ranges of a source text and literal pieces; adjacent ranges merge into one slice. */
class RangeWriter {
  /** Characters written so far. */
  length = 0;
  private readonly parts: string[] = [];
  private from = 0;
  private to = 0;

  constructor(private readonly source: string) {}

  range(from: number, to: number): void {
    this.length += to - from;
    if (from === this.to) {
      this.to = to;
      return;
    }
    this.flush();
    this.from = from;
    this.to = to;
  }

  /** A `\n` or a space that is at this very place in the source is written as part of a range. */
  literal(piece: string): void {
    this.length += piece.length;
    if (this.source[this.to] === piece && this.to < this.source.length) {
      this.to++;
      return;
    }
    this.flush();
    this.parts.push(piece);
    this.from = this.to = -1;
  }

  result(): string {
    this.flush();
    return this.parts.length === 1 ? this.parts[0] : this.parts.join('');
  }

  private flush(): void {
    if (this.to > this.from) this.parts.push(this.source.slice(this.from, this.to));
  }
}

/** How much deeper than its field a value's wrapped rest is indented for a blank line between to be dropped (Format-List's value column). */
const VALUE_COLUMN_INDENT = 12;

/** The text of a link, up to this many characters before its `](`: a host name or an address. */
const MAX_LINK_TEXT = 256;
const LINK_TARGET = /^\]\((?:mailto:|https?:\/\/)([^()\s]{1,300})\)/i;

/** Each `[name](scheme:name)` of one line as `name` (see preparePaste); each `](` is looked at once. */
function unlinkLine(line: string): string {
  let out = '';
  let written = 0;
  let previous = 0;
  for (let at = line.indexOf(']('); at >= 0; previous = at + 2, at = line.indexOf('](', at + 2)) {
    const m = LINK_TARGET.exec(line.slice(at, at + 320));
    if (!m) continue;
    // Back to the text's start, never past the previous `](`: each character is walked over once.
    let start = at;
    const floor = Math.max(written, previous);
    while (start > floor && at - start < MAX_LINK_TEXT && !/[\s[\]()]/.test(line[start - 1])) start--;
    const text = line.slice(start, at);
    const name = text.replace(/^<|>$/g, '').toLowerCase();
    if (!name || name !== m[1].replace(/\/$/, '').toLowerCase()) continue;
    const open = start > floor && line[start - 1] === '[' ? start - 1 : start;
    out += line.slice(written, open) + text;
    written = at + m[0].length;
  }
  return written === 0 ? line : out + line.slice(written);
}
