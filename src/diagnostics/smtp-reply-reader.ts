import { MAX_REPLY_LINE_BYTES, MAX_SESSION_BYTES } from './limits';

/**
 * One SMTP reply (RFC 5321 §4.2): `NNN-text` lines continue it, `NNN text` (or a bare `NNN`) ends it.
 * A line that is not a reply line ends the reply at once with `code` 0, so the caller can report
 * what the server really sent (an SSH or HTTP banner, for instance).
 */
export interface SmtpReply {
  code: number;
  /** the text of each line without its code, control characters replaced */
  lines: string[];
  /** the reply as received, lines joined with '\n' */
  raw: string;
}

export type ReaderOverflow = 'LINE_TOO_LONG' | 'TOO_MUCH_DATA';

export interface ReplyReader {
  /** Feeds bytes from the socket; returns the replies they completed, or an overflow once a bound is crossed. */
  push(chunk: Buffer): { replies: SmtpReply[]; overflow?: ReaderOverflow };
}

const REPLY_LINE = /^(\d{3})(?:([ -])(.*))?$/s;

/** Pure and bounded: never holds more than one partial line of MAX_REPLY_LINE_BYTES, never accepts more than MAX_SESSION_BYTES. */
export function createReplyReader(limits = { maxLineBytes: MAX_REPLY_LINE_BYTES, maxSessionBytes: MAX_SESSION_BYTES }): ReplyReader {
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let total = 0;
  let pending: { code: number; lines: string[]; raw: string[] } | undefined;
  let overflowed: ReaderOverflow | undefined;

  const finishLine = (bytes: Buffer, replies: SmtpReply[]): void => {
    const text = printable(bytes.toString('utf8').replace(/\r$/, ''));
    const m = REPLY_LINE.exec(text);
    if (!m) {
      replies.push(pendingWith(pending, 0, text, text));
      pending = undefined;
      return;
    }
    const code = Number(m[1]);
    pending ??= { code, lines: [], raw: [] };
    pending.lines.push(m[3] ?? '');
    pending.raw.push(text);
    if (m[2] !== '-') {
      replies.push({ code: pending.code, lines: pending.lines, raw: pending.raw.join('\n') });
      pending = undefined;
    }
  };

  return {
    push(chunk) {
      const replies: SmtpReply[] = [];
      if (overflowed) return { replies, overflow: overflowed };
      total += chunk.length;
      if (total > limits.maxSessionBytes) {
        overflowed = 'TOO_MUCH_DATA';
        return { replies, overflow: overflowed };
      }
      let start = 0;
      for (let lf = chunk.indexOf(0x0a); lf !== -1; lf = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, lf);
        if (partialBytes + piece.length > limits.maxLineBytes) {
          overflowed = 'LINE_TOO_LONG';
          return { replies, overflow: overflowed };
        }
        finishLine(Buffer.concat([...partial, piece]), replies);
        partial = [];
        partialBytes = 0;
        start = lf + 1;
      }
      const rest = chunk.subarray(start);
      if (partialBytes + rest.length > limits.maxLineBytes) {
        overflowed = 'LINE_TOO_LONG';
        return { replies, overflow: overflowed };
      }
      if (rest.length) {
        // copy, so a kept partial line does not pin the whole socket chunk in memory
        partial.push(Buffer.from(rest));
        partialBytes += rest.length;
      }
      return { replies };
    },
  };
}

function pendingWith(pending: { code: number; lines: string[]; raw: string[] } | undefined, code: number, line: string, raw: string): SmtpReply {
  if (!pending) return { code, lines: [line], raw };
  return { code, lines: [...pending.lines, line], raw: [...pending.raw, raw].join('\n') };
}

/** Keeps tabs and printable text; anything else a server sends becomes U+FFFD so the card shows it safely. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '\ufffd');
}
