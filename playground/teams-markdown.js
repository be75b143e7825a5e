// The Markdown that Teams renders in a TextBlock: bold, italic, inline code, bulleted and numbered
// lists, links, and CommonMark backslash escapes (which the bot uses for every character of user text).
// https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format
// Headings, images, tables and raw HTML stay text, as in Teams.
//
// The result is DOM nodes whose text is set as text, never parsed as markup; the Adaptive Cards renderer
// wants a string, so the page serialises these nodes, which escapes every <, > and &.

const ESCAPABLE = /[!-/:-@[-`{-~]/;
const BULLET = /^ {0,3}[-*+][ \t]+(.*)$/;
const NUMBERED = /^ {0,3}(\d{1,9})[.)][ \t]+(.*)$/;
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

export function renderTeamsMarkdown(text, doc = document) {
  const fragment = doc.createDocumentFragment();
  let list = null;
  let paragraph = null;
  for (const line of String(text).split(/\r\n|\r|\n/)) {
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      paragraph = null;
      const tag = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = fragment.appendChild(doc.createElement(tag));
        if (numbered && numbered[1] !== '1') list.setAttribute('start', String(Number(numbered[1])));
      }
      const item = list.appendChild(doc.createElement('li'));
      appendInline(item, bullet ? bullet[1] : numbered[2], doc);
      continue;
    }
    list = null;
    if (!line.trim()) {
      paragraph = null;
      continue;
    }
    if (paragraph) paragraph.appendChild(doc.createElement('br'));
    else paragraph = fragment.appendChild(doc.createElement('p'));
    appendInline(paragraph, line, doc);
  }
  return fragment;
}

/** Inline spans of one line. Escaped characters are literal; a delimiter without its closer is text. */
function appendInline(parent, source, doc) {
  const chars = [];
  const literal = [];
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\' && i + 1 < source.length && ESCAPABLE.test(source[i + 1])) {
      chars.push(source[++i]);
      literal.push(true);
    } else {
      chars.push(source[i]);
      literal.push(false);
    }
  }
  // A closer searched for in vain from `from` up to `end` is not found from any later start either:
  // remembering that keeps a line full of unmatched delimiters linear.
  const misses = new Map();
  const isAt = (delimiter, i) => {
    for (let k = 0; k < delimiter.length; k++) if (chars[i + k] !== delimiter[k] || literal[i + k]) return false;
    return true;
  };
  const find = (delimiter, from, end) => {
    const key = `${delimiter}|${end}`;
    if (misses.has(key) && from >= misses.get(key)) return -1;
    for (let i = from; i + delimiter.length <= end; i++) if (isAt(delimiter, i)) return i;
    misses.set(key, Math.min(from, misses.get(key) ?? Infinity));
    return -1;
  };

  const parse = (into, start, end) => {
    let text = '';
    const flush = () => {
      if (text) into.appendChild(doc.createTextNode(text));
      text = '';
    };
    let i = start;
    while (i < end) {
      if (!literal[i]) {
        if (isAt('**', i)) {
          const close = find('**', i + 2, end);
          if (close > i + 2) {
            flush();
            parse(into.appendChild(doc.createElement('strong')), i + 2, close);
            i = close + 2;
            continue;
          }
        } else if (chars[i] === '*' || chars[i] === '_') {
          const close = find(chars[i], i + 1, end);
          if (close > i + 1) {
            flush();
            parse(into.appendChild(doc.createElement('em')), i + 1, close);
            i = close + 1;
            continue;
          }
        } else if (chars[i] === '`') {
          const close = find('`', i + 1, end);
          if (close > i + 1) {
            flush();
            into.appendChild(doc.createElement('code')).textContent = chars.slice(i + 1, close).join('');
            i = close + 1;
            continue;
          }
        } else if (chars[i] === '[') {
          const labelEnd = find('](', i + 1, end);
          const close = labelEnd > i ? find(')', labelEnd + 2, end) : -1;
          if (close > labelEnd + 2) {
            flush();
            const href = chars.slice(labelEnd + 2, close).join('').trim();
            if (SAFE_LINK.test(href)) {
              const a = into.appendChild(doc.createElement('a'));
              a.setAttribute('href', href);
              a.setAttribute('rel', 'noopener noreferrer');
              parse(a, i + 1, labelEnd);
            } else {
              parse(into, i + 1, labelEnd);
            }
            i = close + 1;
            continue;
          }
        }
      }
      text += chars[i++];
    }
    flush();
  };
  parse(parent, 0, chars.length);
}
