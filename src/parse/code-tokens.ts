/**
 * RFC 3463 enhanced status codes as whole tokens: class 2/4/5, subject 0-7, detail 0-999.
 * The look-arounds keep IP addresses and version numbers out: `10.4.4.316`, `203.0.113.5`,
 * `15.20.5.0` and `4.4.3161` are not codes because a digit, letter or dot touches them.
 * No nested quantifiers, so the engine cannot backtrack catastrophically.
 *
 * Subjects 8 and 9 are not in RFC 3463, but some servers send them (`551 5.9.9 Spam message discarded`):
 * such a code is read only right after its reply code, where nothing but a status code stands.
 */
const NONSTANDARD_SUBJECT = String.raw`(?<=(?<![\w.])[245]\d\d[ -][245]\.)[89]`;
/** Glued to the next word only right after its reply code (`554 5.4.14Hop count exceeded`, text run together by a web page). */
const GLUED_AFTER_REPLY = String.raw`(?<=(?<![\w.])[245]\d\d[ -][245]\.\d{1,3}\.\d{1,3})(?=[A-Z][a-z])`;
const CODE_SOURCE = String.raw`(?<![\w.])[245]\.(?:[0-7]|${NONSTANDARD_SUBJECT})\.\d{1,3}(?:(?![\w]|\.\d)|${GLUED_AFTER_REPLY})`;
const WHOLE_CODE = /^[245]\.[0-7]\.\d{1,3}$/;

export interface CodeToken {
  /** Where the error text starts: the reply code when there is one, else the enhanced code. */
  start: number;
  codeStart: number;
  /** Just after the enhanced code. */
  end: number;
  code: string;
  /** SMTP reply code written directly before it (`450 4.4.316`, `450-4.4.317`, `452 #4.5.3`). */
  reply?: string;
  /** A bare reply without a status code: `code` is its class, `X.0.0` (see ParsedError.enhancedCodeInferred). */
  inferred?: true;
}

/**
 * A success that tells of a delivery (see ParsedError.outcome): a positive completion reply, 250 or 251
 * (RFC 5321 §4.2.1), with its 2.x.x code; not the sender's 2.1.0 (MAIL FROM accepted) nor 2.7.x
 * (authentication, TLS), which are steps of a session, not its outcome.
 */
export function isDeliveryReply(token: CodeToken): boolean {
  return (token.reply === '250' || token.reply === '251') && token.code !== '2.1.0' && !token.code.startsWith('2.7.');
}

export function isEnhancedCode(value: string): boolean {
  return WHOLE_CODE.test(value);
}

/** Shared by the two short-string helpers below; each resets lastIndex and runs synchronously. */
const SHORT_TEXT_CODE = new RegExp(CODE_SOURCE, 'g');

/** Every enhanced code in a short string, in order (used on bounded field values only). */
export function findCodes(text: string): string[] {
  const out: string[] = [];
  SHORT_TEXT_CODE.lastIndex = 0;
  for (let m = SHORT_TEXT_CODE.exec(text); m; m = SHORT_TEXT_CODE.exec(text)) out.push(m[0]);
  return out;
}

/** The first code token of a short string, with its reply code. */
export function firstCodeToken(text: string): CodeToken | undefined {
  SHORT_TEXT_CODE.lastIndex = 0;
  const m = SHORT_TEXT_CODE.exec(text);
  return m ? toToken(text, m.index, m[0]) : undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordOrDot(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46;
}

/** Markdown's `_554 5.7.1 …_`: an underscore that opens emphasis (at the text's start or after a non-word), not a name's `smtp_550`. */
function opensEmphasis(text: string, at: number): boolean {
  return text.charCodeAt(at) === 95 && (at === 0 || !isWordOrDot(text.charCodeAt(at - 1)));
}

/** A reply code is three digits, [245]xx, directly before the enhanced code with a space or hyphen (RFC 5321 §4.2). */
function toToken(text: string, codeStart: number, code: string): CodeToken {
  const token: CodeToken = { start: codeStart, codeStart, end: codeStart + code.length, code };
  // Old Exchange and JavaMail write `452 #4.5.3`: the reply code sits before the `#`; Stalwart writes
  // `with code 554 (5.6.211) '…'`, the code in parentheses.
  const before = text.charCodeAt(codeStart - 1);
  const hash = before === 35 || (before === 40 && text.charCodeAt(codeStart + code.length) === 41) ? 1 : 0;
  const sep = text.charCodeAt(codeStart - 1 - hash);
  const r = codeStart - 4 - hash;
  if ((sep === 32 || sep === 45) && r >= 0) {
    const d0 = text.charCodeAt(r);
    if ((d0 === 50 || d0 === 52 || d0 === 53) && isDigit(text.charCodeAt(r + 1)) && isDigit(text.charCodeAt(r + 2))) {
      if (r === 0 || !isWordOrDot(text.charCodeAt(r - 1)) || opensEmphasis(text, r - 1)) {
        token.start = r;
        token.reply = text.slice(r, r + 3);
      }
    }
  }
  // Rust lettre: `transient error (451): 4.7.1 Greylisted`, the reply code in parentheses before a colon.
  if (!token.reply && /^\([245]\d\d\): $/.test(text.slice(codeStart - 7, codeStart))) {
    token.start = codeStart - 6;
    token.reply = text.slice(codeStart - 6, codeStart - 3);
  }
  return token;
}

/**
 * Walks the codes of one big text. It remembers the last search, so a caller that asks with
 * non-decreasing `from` (the parser walks the paste once, front to back) makes the regex pass over
 * each character once in total, whatever the number of calls.
 */
export class CodeTokenCursor {
  private readonly pattern = new RegExp(CODE_SOURCE, 'g');
  private searchedFrom = -1;
  private foundAt = -1;
  private foundCode = '';

  constructor(private readonly text: string) {}

  /** The first code starting in [from, limit), or undefined. */
  next(from: number, limit: number): CodeToken | undefined {
    return this.hasCodeIn(from, limit) ? toToken(this.text, this.foundAt, this.foundCode) : undefined;
  }

  /** Whether a code starts in [from, limit); most lines of a paste have none. */
  hasCodeIn(from: number, limit: number): boolean {
    const cacheValid = this.searchedFrom >= 0 && from >= this.searchedFrom && (this.foundAt === -1 || this.foundAt >= from);
    if (!cacheValid) {
      this.pattern.lastIndex = from;
      const m = this.pattern.exec(this.text);
      this.searchedFrom = from;
      this.foundAt = m ? m.index : -1;
      this.foundCode = m ? m[0] : '';
    }
    return this.foundAt >= 0 && this.foundAt < limit;
  }
}
