import { endWithoutBlanks, isDigitAt } from './char-classes';
import type { LineFrame } from './read-bare-reply';
import { RegexCursor } from './regex-cursor';

/** A line of an SMTP session the client typed or logged (`rcpt to:<…>`, `DATA`). */
const SMTP_COMMAND = /^(?:helo |ehlo |mail from:|rcpt to:|data\s*$|quit\s*$|rset\s*$|starttls\s*$|auth )/i;
/** An SMTP exception's name (Ruby's Net::SMTPFatalError, Python's SMTPDataError, MailKit's SmtpCommandException). */
const EXCEPTION_NAME = String.raw`smtp\w{0,20}(?:error|exception)\b`;
/** sendmail's bounce heads the session it quotes: `----- Transcript of session follows -----`. */
const TRANSCRIPT_HEAD = 'transcript of session follows';
/** A heading or label about versions: `### Symfony version(s) affected`, `**Version:**`. */
const VERSION_HEADING = /\bversions?\b|version\(s\)/i;

/**
 * What the lines read so far tell the next one, by their starts only: whether the paste shows an SMTP
 * session, whether this is the paste's first line, whether the line above named an SMTP exception or continued a multi-line reply (LineFrame, for
 * read-bare-reply.ts), and whether it sits under a heading about versions (look-alike.ts isVersionItem).
 * Blank lines leave it as it is. Each line costs a few character reads and one bounded window.
 */
export class LineContext {
  private frame: LineFrame = { inSession: false, afterException: false, atPasteStart: true, afterLeadIn: false };
  /** How many more lines are under a heading or label about versions; another markdown heading ends that. */
  private versionLinesLeft = 0;
  private readonly exceptionNames: RegexCursor;
  private readonly transcriptHeads: RegexCursor;

  constructor(private readonly text: string) {
    this.exceptionNames = new RegexCursor(text, EXCEPTION_NAME, 'i');
    this.transcriptHeads = new RegexCursor(text, TRANSCRIPT_HEAD, 'i');
  }

  /** The context for the line [first, end), and what that line leaves for the next. */
  advance(first: number, end: number): { frame: LineFrame; underVersionHeading: boolean } {
    const current = { frame: this.frame, underVersionHeading: this.versionLinesLeft > 0 };
    this.frame = this.nextFrame(first, end);
    const head = this.text.slice(first, Math.min(end, first + 120));
    this.versionLinesLeft = VERSION_HEADING.test(head) ? 3 : head.startsWith('#') ? 0 : Math.max(0, this.versionLinesLeft - 1);
    return current;
  }

  /** The line just read opened a multi-line reply after its frame (`Remote host said: 554-…`): the next line may end it. */
  continueReply(replyCode: string): void {
    this.frame = { ...this.frame, continuedReply: replyCode };
  }

  private nextFrame(first: number, end: number): LineFrame {
    const text = this.text;
    const c = text.charCodeAt(first);
    const replyCode =
      end - first > 4 && c >= 50 && c <= 53 && isDigitAt(text, first + 1) && isDigitAt(text, first + 2) ? text.slice(first, first + 3) : undefined;
    const sep = text.charCodeAt(first + 3);
    const positive = replyCode !== undefined && (c === 50 || c === 51) && (sep === 32 || sep === 45);
    return {
      inSession:
        this.frame.inSession ||
        positive ||
        SMTP_COMMAND.test(text.slice(first, Math.min(end, first + 12))) ||
        this.transcriptHeads.firstIn(first, Math.min(end, first + 80)) !== undefined,
      afterException: this.exceptionNames.firstIn(first, Math.min(end, first + 300)) !== undefined,
      continuedReply: replyCode !== undefined && (c === 52 || c === 53) && sep === 45 ? replyCode : undefined,
      atPasteStart: false,
      // `The error we get:` / `Fehlermeldung:` above a reply introduces it.
      afterLeadIn: text.charCodeAt(endWithoutBlanks(text, first, end) - 1) === 58 /* : */,
    };
  }
}
