import type { DetailKnowledge, KnowledgeFile } from '../knowledge/types';
import type { ParsedError } from '../parse/types';
import { fill } from './text';
import type { UiStrings } from './ui-strings';

/** The `[Message=…]` part of an error, told apart: Microsoft 365's own detail, or the remote server's words. */
export interface ErrorDetail {
  /** Microsoft 365's detail with its meaning ("SubjectMismatch: the certificate's name does not match …"). */
  detail?: string;
  /** Text the remote server sent (an SMTP reply), shown as it was, never interpreted as Markdown. */
  remoteReply?: string;
  /** The knowledge entry the text matched: its causes replace the code's general ones. */
  entry?: DetailKnowledge;
}

/** An SMTP reply starts with its three-digit code ("451 5.7.3 STARTTLS is required"). */
const SMTP_REPLY = /^[2-5]\d\d(?:[ -]|$)/;
const CERT_NAMES = /Expected Subject:\s*(\S{1,200}?)\.?\s+Presented Subject:\s*(\S{1,200}?)\.?(?:\s|$)/i;

export function readDetail(error: ParsedError, knowledge: KnowledgeFile, ui: UiStrings): ErrorDetail {
  const text = error.remoteReply?.trim();
  if (!text) return {};
  const entry = matchDetail(text, knowledge.details.entries);
  if (SMTP_REPLY.test(text)) return { remoteReply: text, entry };

  const meanings: string[] = [];
  if (error.socketError !== undefined) {
    const socket = knowledge.socketErrors[String(error.socketError)];
    if (socket) meanings.push(`${socket.meaning} (${socket.name})`);
  }
  if (entry) meanings.push(entry.meaning);
  const names = CERT_NAMES.exec(text);
  if (names) meanings.push(fill(ui['fact.certNames'], { expected: names[1]!, presented: names[2]! }));
  // Only the token itself when the detail carries more (the names are said in words above).
  const shown = names ? text.slice(0, names.index).trim() || text : text;
  return { detail: meanings.length ? `${shown}: ${meanings.join('; ')}` : text, entry };
}

/** The first entry whose phrase occurs in the text, ignoring case (a few short phrases over a bounded text). */
export function matchDetail(text: string, entries: readonly DetailKnowledge[]): DetailKnowledge | undefined {
  const lower = text.toLowerCase();
  return entries.find((e) => containsWord(lower, e.match.toLowerCase()));
}

/** `needle` as a whole word or phrase: "Expired" is not found in "NotExpiredYet". */
function containsWord(haystack: string, needle: string): boolean {
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const before = at === 0 ? '' : haystack[at - 1]!;
    const after = haystack[at + needle.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
  }
  return false;
}
