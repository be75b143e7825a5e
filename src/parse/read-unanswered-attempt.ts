import type { CodeToken } from './code-tokens';
import { ErrorReading, type SurroundingFacts } from './error-reading';
import { DOTTED_HOST } from './host-name';
import { readErrorBody } from './read-error-body';
import { newPrefix } from './read-error-prefix';
import type { ErrorSink } from './scan-range';

/**
 * A sender's own report of a delivery it keeps retrying because the destination never answered: no reply,
 * so no code. Postfix's queue (`mailq`) and its log give the reason in parentheses
 * (`(connect to mx.contoso.com[203.0.113.9]:25: Connection timed out)`, `(delivery temporarily suspended: …)`,
 * `(lost connection with mx.contoso.com[203.0.113.9] while receiving the initial server greeting)`); Exim's log
 * writes `defer (113): No route to host H=mx.contoso.com [203.0.113.9]`; sendmail's transcript `Deferred:
 * Connection refused by mx.contoso.com.`. These are the conditions Exchange Online reports as 4.4.315–4.4.318.
 * Read only on a line without a code (a log line's `dsn=4.4.1` is the failure's own code), like a bare reply:
 * the class of a deferral, `4.0.0` (RFC 3463 §3.1), `enhancedCodeInferred`, with the server it names.
 */
const POSTFIX_REASON = new RegExp(
  String.raw`\((?:delivery temporarily suspended: )?(?:connect to|lost connection with|conversation with) (${DOTTED_HOST})\[([^\]\s]{1,100})\](?::(\d{1,5}))?(?:: | (?=while ))([^()]{1,200})\)`,
);
// Only a system error (110 timed out, 111 refused, 113 no route) with the host it dialled: Exim's own negative
// codes (`defer (-53): retry time not reached`, `defer (-1): failed to expand …`) are its state, not an attempt.
const EXIM_DEFER = new RegExp(String.raw`\bdefer \(\d{1,4}\): ([^\n]{1,200}?) H=(${DOTTED_HOST}) \[([^\]\s]{1,100})\](?::(\d{1,5}))?`);
const SENDMAIL_DEFERRED = new RegExp(
  String.raw`\bDeferred: ((?:Connection (?:refused|reset) by|Connection timed out with|connection closed by|timeout waiting for input from) \[?(${DOTTED_HOST})\]?)`,
  'i',
);

/** The words any of the three starts with, found before a regex runs on the line. */
const CLUES = ['connect to ', 'lost connection with ', 'conversation with ', 'defer (', 'eferred: '];

/** Reads such a report on the line [first, end); false when the line holds none. */
export function readUnansweredAttempt(text: string, first: number, end: number, around: SurroundingFacts, sink: ErrorSink): boolean {
  if (sink.full) return false;
  const line = text.slice(first, Math.min(end, first + 600));
  if (!CLUES.some((clue) => line.includes(clue))) return false;
  const attempt = readAttempt(line);
  if (!attempt) return false;
  const at = first + attempt.index;
  const hostIp = attempt.ip && attempt.port ? `${attempt.ip}:${attempt.port}` : attempt.ip;
  const prefix = newPrefix(first, attempt.host ? { kind: 'relay', host: attempt.host, hostIp } : {});
  const token: CodeToken = { start: at, codeStart: at, end: at, code: '4.0.0', inferred: true };
  const reasonEnd = first + attempt.reasonStart + attempt.reason.length;
  const body = readErrorBody(text, first + attempt.reasonStart, reasonEnd, { inTraceGroup: false, oldMarkers: false });
  // The excerpt runs to the report's end, past Exim's `H=X [ip]` after the reason.
  sink.add(new ErrorReading(text, token, prefix, { ...body, end: first + attempt.end }, around), at);
  return true;
}

interface Attempt {
  index: number;
  end: number;
  host?: string;
  ip?: string;
  port?: string;
  reason: string;
  reasonStart: number;
}

function readAttempt(line: string): Attempt | undefined {
  const postfix = POSTFIX_REASON.exec(line);
  if (postfix) {
    const reason = postfix[4].trim();
    return {
      index: postfix.index,
      end: postfix.index + postfix[0].length,
      host: postfix[1],
      ip: postfix[2],
      port: postfix[3],
      reason,
      reasonStart: line.indexOf(reason, postfix.index),
    };
  }
  const exim = EXIM_DEFER.exec(line);
  if (exim) {
    const reason = exim[1].trim();
    return {
      index: exim.index,
      end: exim.index + exim[0].length,
      host: exim[2],
      ip: exim[3],
      port: exim[4],
      reason,
      reasonStart: exim.index + exim[0].indexOf(reason),
    };
  }
  const sendmail = SENDMAIL_DEFERRED.exec(line);
  if (sendmail)
    return {
      index: sendmail.index,
      end: sendmail.index + sendmail[0].length,
      host: sendmail[2],
      reason: sendmail[1],
      reasonStart: sendmail.index + 'Deferred: '.length,
    };
  return undefined;
}
