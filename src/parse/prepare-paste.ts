/**
 * Puts a (plain-text) paste into the shape the scanner expects, in one pass:
 * - CR/CRLF → LF and no-break spaces → space (cheap to repeat when normalizeText already ran).
 *   Zero-width characters are left to normalizeText: removing them here could glue "4.4\u200b.316"
 *   into a code the paste never showed;
 * - mailing-list quote markers (`> `, `>> `) removed from line starts;
 * - folded lines joined: DSN fields (`Diagnostic-Code:` continues on lines starting with
 *   whitespace, RFC 5322 §2.2.3) and Postfix bounces (`<user@x>: host ... said: 550` then
 *   `    5.4.1 ...`) and PowerShell `Format-List` values, so a reply code and its status code end
 *   up on the same line.
 * Only a line indented deeper than the line it continues is joined, so a paste that is indented
 * as a whole keeps its lines.
 */
const QUOTE_PREFIX = /(?:[ \t]{0,8}>){1,64}[ \t]?/y;
// `Name:` (RFC 5322 field), `Name      :` (PowerShell Format-List, which wraps long values under
// the value column) or Postfix's `<user@domain>:`.
const HEADER_START = /[ \t]{0,8}(?:[A-Za-z][A-Za-z0-9-]{0,60}[ \t]{0,40}:|<[^<>\s]{1,254}>:)/y;

export function preparePaste(input: string): string {
  const text = input
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u202f]/g, ' ');

  const lines: string[] = [];
  let currentIndent = 0;
  let foldable = false;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;

    if (line.charCodeAt(leadingWhitespace(line)) === 62 /* > */) {
      QUOTE_PREFIX.lastIndex = 0;
      if (QUOTE_PREFIX.test(line)) line = line.slice(QUOTE_PREFIX.lastIndex);
    }
    const indent = leadingWhitespace(line);
    if (foldable && indent > currentIndent && indent < line.length) {
      lines[lines.length - 1] += ' ' + line.slice(indent);
      continue;
    }
    lines.push(line);
    currentIndent = indent;
    HEADER_START.lastIndex = 0;
    foldable = HEADER_START.test(line);
  }
  return lines.join('\n');
}

function leadingWhitespace(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return i;
}
