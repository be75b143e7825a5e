import { startsWithIgnoreCase } from './char-classes';
import type { CodeToken } from './code-tokens';
import { matchFieldName } from './field-name';

/**
 * Text shaped like an enhanced status code that a careful reader never takes for one. The code pattern
 * (code-tokens.ts) already keeps out what touches a digit, letter or dot (`15.20.1856.11`, `v5.4.8`,
 * `10.4.4.316`, `5.4.2p1`); these are the look-alikes it cannot see on its own:
 * - a version named as one: `Swiftmailer version | 5.4.2`, `PHP version 5.5.9`, `Release: 4.1.2`,
 *   `the last version of \`XSIbackup Free 5.1.5\`` (with nothing after it that reads as status text),
 *   by the word after it: `hMailServer 5.6.1 Build 2208`, `4.2.1 beta`, or by its release date as a program's
 *   banner prints it: `Berkeley DB 5.3.28: (September  9, 2013)`, `4.2.1 (2024-05-02)`;
 * - a package version: `5.6.20-1+deb.sury.org`, `4.4.7~rc1`, `5.2.15+dfsg`, `spring-context-support-5.0.7.RELEASE.jar`, `nodemailer@4.7.0`
 *   (a name's part before it, or a word after its dot);
 * - an address fragment: `5.1.4.x`, `4.2.1.*`, `5.1.4/24` (a masked or partial IP, a prefix);
 * - a date with its time: `5.4.24 10:32` (5 April 2024, as many locales write it);
 * - an AS number in dotted form: `AS 4.2.1`;
 * - a code named as one of several in prose: `Enhanced Error code 5.7.1 or a more generic 5.7.0` (no
 *   server's reply offers a choice of codes), compared with (`different from 5.1.1 as mentioned above`),
 *   or an end of an upgrade (`from 5.4.13 to 5.4.15`);
 * - a section number (`RFC 5321 § 4.2.1`, `section 5.7.1`);
 * - a number after a product's name in a list item with nothing that reads as status text after it
 *   (`1. fresh install of mastodon 4.0.2 on VPS`), or after a label and a product's name, ending the line
 *   (`**Database:** mysql 5.7.18`);
 * - under a version heading, a line that holds only a number (isVersionItem, asked by the parser, which
 *   knows the lines above).
 * Only a code without a reply code before it is asked about (`550 5.5.9` is a reply whatever follows).
 * Each test reads a few characters around the code, so the parse stays linear.
 */
const VERSION_WORDS = ['version', 'versión', 'versão', 'versione', 'ver.', 'ver', 'release', 'build', 'revision', 'rev.', 'rev'];
/** How far back on the line a version word may stand: `PHP version        v7.1.11`, `| Swiftmailer version | 5.4.2`. */
const VERSION_WORD_WINDOW = 40;

export function isLookAlike(text: string, token: CodeToken, lineStart: number): boolean {
  if (token.reply) return false;
  return (
    afterPackageName(text, token.codeStart, lineStart) ||
    followedByVersionOrAddress(text, token.end) ||
    followedByTime(text, token.end) ||
    followedByVersionWord(text, token.end) ||
    afterVersionWord(text, token.codeStart, lineStart) ||
    afterVersionOf(text, token, lineStart) ||
    followedByReleaseDate(text, token.end) ||
    afterAlternative(text, token.codeStart, lineStart) ||
    inVersionRange(text, token, lineStart) ||
    inComparison(text, token, lineStart) ||
    versionInListItem(text, token, lineStart) ||
    versionOnLabelLine(text, token, lineStart) ||
    isSectionNumber(text, token.codeStart, lineStart)
  );
}

const VERSION_OF = /\bversions?[ \t]{1,3}of[ \t]{1,3}[`'"]?[A-Za-z][\w .+-]{0,40}[ \t]$/i;

/** `the last version of \`XSIbackup Free 5.1.5\``: a product's number after "version of", with no status text after it. */
function afterVersionOf(text: string, token: CodeToken, lineStart: number): boolean {
  if (!VERSION_OF.test(text.slice(Math.max(lineStart, token.codeStart - 60), token.codeStart))) return false;
  return /^(?:[`'")\],;]|\.(?:\s|$)|[ \t]*(?:\r?\n|$))/.test(text.slice(token.end, token.end + 4));
}

const RELEASE_DATE =
  /^:?[ \t]{1,2}\((?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?[ \t]{1,3}\d{1,2},?[ \t]{1,2}\d{4}|\d{4}-\d{2}-\d{2})\)/i;

/** `Berkeley DB 5.3.28: (September  9, 2013)`, `4.2.1 (2024-05-02)`: a release and its date, as a program prints its version. */
function followedByReleaseDate(text: string, end: number): boolean {
  return RELEASE_DATE.test(text.slice(end, end + 28));
}

const SECTION_BEFORE = /(?:\u00a7|\bsection|\bsec\.|\brfc[ \t]?\d{3,4})[ \t\u00a7]{0,3}$/i;

/** `RFC 5321 § 4.2.1`, `section 5.7.1 of the guide`: a document's section number. */
function isSectionNumber(text: string, codeStart: number, lineStart: number): boolean {
  return SECTION_BEFORE.test(text.slice(Math.max(lineStart, codeStart - 16), codeStart));
}

/** Words that introduce the error itself, not a product's name: `- we see 4.4.316`, `- status: 5.7.1`. */
const TELLING_WORDS = [
  'see',
  'saw',
  'get',
  'got',
  'getting',
  'receive',
  'received',
  'error',
  'code',
  'status',
  'with',
  'returns',
  'returned',
  'shows',
  'showing',
  'is',
  'was',
  'are',
  'says',
  'said',
];
const LIST_ITEM = /^[ \t]{0,8}(?:[-*+\u2022]|\d{1,2}[.)])[ \t]{1,4}\S/;

/**
 * An issue template's environment list: `1. fresh install of mastodon 4.0.2 on VPS`, `- MailKit Version:
 * MailKit, 4.3.0,`, `-  MC Admin 4.1.1`: a number after a product's name in a list item, with no status
 * text after it. An item that quotes an error (`- got 4.4.316 Connection refused`) goes on to say what failed.
 */
function versionInListItem(text: string, token: CodeToken, lineStart: number): boolean {
  if (token.codeStart - lineStart > 80) return false;
  const before = text.slice(lineStart, token.codeStart);
  const word = /([A-Za-z]{2,})[ \t,:]{1,3}$/.exec(before)?.[1].toLowerCase();
  if (before.length > 80 || !LIST_ITEM.test(before) || !word || TELLING_WORDS.includes(word)) return false;
  const after = /^[ \t]{0,2}(\S*)/.exec(text.slice(token.end, token.end + 24))?.[1] ?? '';
  return !/^[A-Z][a-z]/.test(after);
}

/** `**Database:** mysql 5.7.18`, `Mail server: Postfix 3.4.13`: a label, one product's name, the number. */
const LABEL_AND_NAME = /^[ \t>*_-]{0,6}[A-Za-z][\w ./()-]{0,30}?\*{0,2}[ \t]{0,2}:\*{0,2}[ \t]{1,4}([A-Za-z][\w+-]{1,30})[ \t]{1,3}$/;
/** What a report writes before a code on its own field line (`Diagnostic-Code: smtp 5.1.1`): a protocol, not a product. */
const NOT_A_PRODUCT = ['smtp', 'esmtp', 'dsn', 'x-postfix', 'x-local'];

/**
 * An issue template's environment fields (`**Database:** mysql 5.7.18`): a number after a label and a product's
 * name, ending the line. A field that gives the error (`Status: 5.7.1`, `**Error:** got 5.7.1 …`) has no name
 * before the code, or a telling word, or status text after it.
 */
function versionOnLabelLine(text: string, token: CodeToken, lineStart: number): boolean {
  if (token.codeStart - lineStart > 80) return false;
  const word = LABEL_AND_NAME.exec(text.slice(lineStart, token.codeStart))?.[1].toLowerCase();
  if (!word || TELLING_WORDS.includes(word) || NOT_A_PRODUCT.includes(word)) return false;
  return /^[ \t,;)]*(?:\r?\n|$)/.test(text.slice(token.end, token.end + 8));
}

const RANGE_START = /from[ \t]{1,3}`?$/i;
const RANGE_END = /^`?[ \t]{1,3}to[ \t]{1,3}`?\d/i;
const RANGE_TO = /from[ \t]{1,3}`?\d{1,3}\.\d{1,3}\.\d{1,3}`?[ \t]{1,3}to[ \t]{1,3}`?$/i;

/** `bumping Symfony mailer from 5.4.13 to 5.4.15`: both ends of an upgrade are versions. */
function inVersionRange(text: string, token: CodeToken, lineStart: number): boolean {
  const before = text.slice(Math.max(lineStart, token.codeStart - 36), token.codeStart);
  if (RANGE_TO.test(before)) return true;
  return RANGE_START.test(before.slice(-8)) && RANGE_END.test(text.slice(token.end, token.end + 12));
}

const COMPARED = /(?:different from|unlike|instead of|rather than|other than)[ \t]{1,3}$/i;

/** `quite different from 5.1.1 as mentioned above`: a code the writer compares the error with is not the error. */
function inComparison(text: string, token: CodeToken, lineStart: number): boolean {
  return (
    COMPARED.test(text.slice(Math.max(lineStart, token.codeStart - 20), token.codeStart)) ||
    /^[ \t]{1,3}as mentioned\b/i.test(text.slice(token.end, token.end + 16))
  );
}

/**
 * Under a heading or label that speaks of versions (`### Symfony version(s) affected`, `**Version:**`), a
 * line that is only a number, or a `name: number` item (`- listmonk: 5.0.3`), gives a version.
 */
export function isVersionItem(text: string, token: CodeToken, lineStart: number, lineEnd: number): boolean {
  if (token.reply) return false;
  const after = text.slice(token.end, Math.min(lineEnd, token.end + 8)).trim();
  if (after !== '' && after !== '`') return false;
  if (token.codeStart - lineStart > 60) return false;
  const before = text.slice(lineStart, token.codeStart);
  return /^[ \t]{0,8}(?:[-*+][ \t]{1,3})?(?:[\w .()/-]{1,40}:[ \t]{0,3})?`?$/.test(before);
}

const CODE_BEFORE_OR = /[245]\.\d{1,3}\.\d{1,3}$/;

/** `… 5.7.1 or a more generic 5.7.0`: the second of two codes offered as alternatives (within 30 characters). */
function afterAlternative(text: string, codeStart: number, lineStart: number): boolean {
  const from = Math.max(lineStart, codeStart - 30);
  const at = text.slice(from, codeStart).lastIndexOf(' or ');
  if (at < 0) return false;
  const or = from + at;
  return CODE_BEFORE_OR.test(text.slice(Math.max(lineStart, or - 12), or));
}

/** Words that follow a version number and never a status code. */
const WORDS_AFTER_VERSION = ['build', 'beta', 'alpha', 'rc', 'lts', 'stable', 'release', 'patch', 'sp1', 'sp2', 'sp3', 'x64', 'x86'];

/** `5.6.1 Build 2208`, `(4.2.1 beta)`: one blank, then one of WORDS_AFTER_VERSION as a whole word; `5.7.1 or …`. */
function followedByVersionWord(text: string, end: number): boolean {
  if (text.charCodeAt(end) !== 32) return false;
  if (startsWithIgnoreCase(text, end + 1, 'or ')) return true;
  for (const word of WORDS_AFTER_VERSION) {
    if (startsWithIgnoreCase(text, end + 1, word) && !isVersionChar(text.charCodeAt(end + 1 + word.length))) return true;
  }
  return false;
}

function isVersionChar(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `net-smtp-0.3.3`, `spring-context-support-5.0.7`: a letter, a hyphen, then the number; npm's `_nodemailer@4.7.0@nodemailer`: a name, `@`, the number. */
function afterPackageName(text: string, codeStart: number, lineStart: number): boolean {
  if (codeStart - 2 < lineStart) return false;
  const c = text.charCodeAt(codeStart - 1);
  return (c === 45 /* - */ || c === 64) /* @ */ && (isLetterAt(text, codeStart - 2) || (c === 64 && text.charCodeAt(codeStart - 2) === 95)); /* _ */
}

/** `-1+deb`, `+dfsg`, `~rc1`, `.x`, `.*`, `.#`, `/24`, `.RELEASE`. */
function followedByVersionOrAddress(text: string, end: number): boolean {
  const c = text.charCodeAt(end);
  const next = text.charCodeAt(end + 1);
  if (c === 45 /* - */) return isDigit(next);
  if (c === 43 /* + */ || c === 126 /* ~ */) return isVersionChar(next);
  // `.x`, `.*`, `.#` (a masked address); `5.0.7.RELEASE`, `5.1.8.Final`, `4.2.1.jar` (a build's name).
  if (c === 46 /* . */) return next === 120 || next === 88 || next === 42 || next === 35 || (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
  if (c === 47 /* / */) return isDigit(next);
  return false;
}

/** `5.4.24 10:32`, `5.4.24, 10:32`: a date followed by its time. */
function followedByTime(text: string, end: number): boolean {
  let i = end;
  if (text.charCodeAt(i) === 44 /* , */) i++;
  const blanks = i;
  while (i < blanks + 3 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  if (i === blanks || !isDigit(text.charCodeAt(i))) return false;
  if (isDigit(text.charCodeAt(i + 1))) i++;
  return text.charCodeAt(i + 1) === 58 /* : */ && isDigit(text.charCodeAt(i + 2)) && isDigit(text.charCodeAt(i + 3));
}

/** A version word (or `AS`) just before the code on its line, past blanks, `|`, `:`, `=`, `(` and quotes. */
function afterVersionWord(text: string, codeStart: number, lineStart: number): boolean {
  const from = Math.max(lineStart, codeStart - VERSION_WORD_WINDOW);
  let i = codeStart - 1;
  while (i >= from && isJoiner(text.charCodeAt(i))) i--;
  if (i < from) return false;
  // `AS 4.2.1` (dotted AS number), case as written: "such as 5.7.1" is prose.
  if (text.charCodeAt(i) === 83 && text.charCodeAt(i - 1) === 65 && !isLetterAt(text, i - 2) && i < codeStart - 1) return true;
  for (const word of VERSION_WORDS) {
    const start = i - word.length + 1;
    if (start >= from && startsWithIgnoreCase(text, start, word) && !isLetterAt(text, start - 1)) return true;
  }
  return false;
}

function isJoiner(c: number): boolean {
  return c === 32 || c === 9 || c === 124 || c === 58 || c === 61 || c === 40 || c === 34 || c === 39 || c === 42; /* | : = ( " ' * */
}

function isLetterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Header fields that name software and carry no delivery status: `X-Mailer: MDaemon 5.2.15`,
 * `User-Agent: …`, `Received: … (version=…) id 15.1.2507.57`, `Server: …`. A code-shaped number on
 * such a line is a version, as on any `X-…-Version:` line.
 */
const SOFTWARE_HEADERS = [
  'x-mailer',
  'user-agent',
  'x-mimeole',
  'x-powered-by',
  'server',
  'received',
  'mime-version',
  'x-originating-ip',
  'x-virus-scanned',
  'x-spam-checker-version',
];

export function isSoftwareHeader(text: string, lineStart: number): boolean {
  const field = matchFieldName(text, lineStart, 40, 1);
  if (!field) return false;
  const length = field.nameEnd - field.nameStart;
  // `X-Proofpoint-Virus-Version: vendor=fsecure engine=1.12.8161:2.4.5,1.2.40,4.0.166`, `X-PMX-Version: 5.5.8.383112`.
  if (length > 8 && startsWithIgnoreCase(text, field.nameEnd - 8, '-version')) return true;
  return SOFTWARE_HEADERS.some((name) => name.length === length && startsWithIgnoreCase(text, field.nameStart, name));
}
