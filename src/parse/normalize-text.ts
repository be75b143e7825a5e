import { decodeHtmlEntityAt } from './decode-html-entity';

/**
 * Turns the text of a Teams message into the plain text the user pasted.
 *
 * Teams sends HTML (`<p>`, `<div>`, `<br>`, `<span …>`), `<at>Bot</at>` mentions and entities.
 * Only real HTML tags are removed — a known tag name, and attributes only when they look like
 * attributes (`name="…"`) — because admins anonymise with angle brackets: `<Your Public IP>` and
 * `<user@contoso.com>` must survive. Entities are decoded in the same pass but never re-read as
 * markup, so `&lt;b&gt;` stays visible as `<b>`.
 *
 * Linear: each `<` looks ahead at most to the next `<` or `>` (and MAX_TAG_CHARS), so tag
 * look-aheads never overlap.
 */
const KNOWN_TAGS = new Set([
  'p',
  'div',
  'span',
  'br',
  'at',
  'b',
  'i',
  'strong',
  'em',
  'u',
  'a',
  'li',
  'ul',
  'ol',
  'table',
  'tr',
  'td',
  'th',
  'tbody',
  'thead',
  'pre',
  'code',
  'blockquote',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'img',
  'font',
  's',
  'strike',
  'sub',
  'sup',
  'hr',
]);
/** After a `<br>`: more breaks and blanks, then `[Key=` (bounded: at most 80 characters are looked at). */
const BRACKET_FIELD_AFTER_BREAKS = /^(?:\s|<br\s?\/?>){0,20}\[[A-Za-z][A-Za-z0-9]{0,40}\s{0,2}=/i;

/** Tags that start a new line; consecutive ones give one line break (`</p><p>` is one break, not two). */
const BLOCK_TAGS = new Set(['p', 'div', 'li', 'tr', 'ul', 'ol', 'table', 'tbody', 'thead', 'pre', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr']);
const CELL_TAGS = new Set(['td', 'th']);
const MAX_TAG_CHARS = 16_384;
const MAX_MENTION_CHARS = 512;
const TAG_NAME = /<(\/?)([A-Za-z][A-Za-z0-9]{0,9})/y;
const CLOSE_MENTION = /<\/(at|span)\s{0,5}>/gi;

interface Tag {
  name: string;
  closing: boolean;
  attributes: string;
  end: number;
}

/**
 * Markup starts (`<`, `&`), and what the final clean-up would change. One regex walk over the paste
 * finds them all; once one clean-up character is seen, the walk only looks for markup (and CRs).
 */
const MARKUP_OR_CLEAN_UP = /[<&\r\u00a0\u202f\u200b\u200c\u200d\u2060\ufeff]/g;
const MARKUP_OR_CR = /[<&\r]/g;
const CLEAN_UP = /[\r\u00a0\u202f\u200b\u200c\u200d\u2060\ufeff]/;
const NO_BREAK_SPACES = new Set(['\u00a0', '\u202f']);

export function normalizeText(input: string): string {
  // Teams sends LF line ends. The walk assumes them and stops at the first CR; such a paste is
  // walked again with LF line ends (which cannot stop), instead of every paste being searched for CRs first.
  const normalized = normalizeLfText(input) ?? normalizeLfText(input.replace(/\r\n?/g, '\n'));
  if (normalized === undefined) throw new Error('normalizeText: a CR survived the CR replacement');
  return normalized;
}

/** The normalised text, or undefined when `text` holds a CR. */
function normalizeLfText(text: string): string | undefined {
  let needsCleanUp = false;
  const out: string[] = [];
  let last = '';
  let visible = false;
  let mentionChecked = false;
  let cellGap = false;
  /** The last thing written is a `<br>` turned into a space between bracket fields. */
  let fieldGap = false;
  // `&nbsp;` is written as the space the clean-up would make of it; `last` and `visible` still see what was pasted.
  const push = (s: string, written = s): void => {
    if (!s) return;
    // A closed table cell separates its text from the next cell's, but not from a line break.
    if (cellGap && s[0] !== '\n') {
      if (last !== ' ' && last !== '\n' && !/^\s/.test(s)) out.push(' ');
    }
    cellGap = false;
    fieldGap = false;
    out.push(written);
    last = s[s.length - 1];
    if (!visible && /\S/.test(s)) visible = true;
  };

  let runStart = 0;
  let i = 0;
  let special = MARKUP_OR_CLEAN_UP;
  while (i < text.length) {
    special.lastIndex = i;
    if (!special.test(text)) break;
    i = special.lastIndex - 1;
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) return undefined;
    if (c !== 60 /* < */ && c !== 38 /* & */) {
      needsCleanUp = true;
      special = MARKUP_OR_CR;
      i++;
      continue;
    }
    if (c === 38) {
      const entity = decodeHtmlEntityAt(text, i);
      if (!entity) {
        i++;
        continue;
      }
      push(text.slice(runStart, i));
      if (NO_BREAK_SPACES.has(entity.value)) {
        push(entity.value, ' ');
      } else {
        push(entity.value);
        if (CLEAN_UP.test(entity.value)) needsCleanUp = true;
      }
      i += entity.length;
      runStart = i;
      continue;
    }
    const tag = readTag(text, i);
    if (!tag) {
      i++;
      continue;
    }
    push(text.slice(runStart, i));
    let next = tag.end;
    if (!mentionChecked && !tag.closing && !visible && isMention(tag)) {
      // The bot's own @mention opens the message; everywhere else a mention is a name worth keeping.
      mentionChecked = true;
      CLOSE_MENTION.lastIndex = tag.end;
      const close = CLOSE_MENTION.exec(text);
      if (close && close.index - tag.end <= MAX_MENTION_CHARS && close[1].toLowerCase() === tag.name) next = close.index + close[0].length;
    }
    if (tag.name === 'br') {
      // `[LastAttemptedServerName=…]<br><br>[LastAttemptedIP=…]`: breaks between one error's bracket fields
      // (as web pages and tables write them) keep the fields on one line, where the parser reads them together.
      const between: boolean = (last === ']' || (fieldGap && last === ' ')) && BRACKET_FIELD_AFTER_BREAKS.test(text.slice(next, next + 80));
      push(between ? ' ' : '\n');
      fieldGap = between;
    } else if (BLOCK_TAGS.has(tag.name)) {
      if (out.length > 0 && last !== '\n') push('\n');
    } else if (CELL_TAGS.has(tag.name) && tag.closing) {
      cellGap = last !== '';
    }
    i = runStart = next;
  }
  push(text.slice(runStart));

  const joined = out.join('');
  if (!needsCleanUp) return joined.trim();
  return joined
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/[\u200b\u200c\u200d\u2060\ufeff]/g, '')
    .trim();
}

function isMention(tag: Tag): boolean {
  return tag.name === 'at' || (tag.name === 'span' && /schema\.skype\.com\/Mention/i.test(tag.attributes));
}

/**
 * A real tag at `at`, or undefined. `<Your Public IP>` has an unknown name; `<at the server>`
 * has words but no `name=value` attribute; `<user@contoso.com>` has `@` after the name.
 */
function readTag(text: string, at: number): Tag | undefined {
  TAG_NAME.lastIndex = at;
  const m = TAG_NAME.exec(text);
  if (!m) return undefined;
  const name = m[2].toLowerCase();
  if (!KNOWN_TAGS.has(name)) return undefined;
  const closing = m[1] === '/';
  let j = TAG_NAME.lastIndex;
  const c = text[j];
  if (c === '>') return { name, closing, attributes: '', end: j + 1 };
  if (c === '/' && text[j + 1] === '>') return { name, closing, attributes: '', end: j + 2 };
  if (c !== ' ' && c !== '\t' && c !== '\n') return undefined;

  const cap = Math.min(text.length, at + MAX_TAG_CHARS);
  let quote = '';
  const attrStart = j;
  for (; j < cap; j++) {
    const ch = text[j];
    if (ch === '<') return undefined;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      const attributes = text.slice(attrStart, j);
      const bare = attributes.trim() === '' || attributes.trim() === '/';
      if (!bare && !attributes.includes('=')) return undefined;
      return { name, closing, attributes, end: j + 1 };
    }
  }
  return undefined;
}
