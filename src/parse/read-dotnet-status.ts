import type { CodeToken } from './code-tokens';
import { ErrorReading, type SurroundingFacts } from './error-reading';
import { readErrorBody } from './read-error-body';
import { newPrefix } from './read-error-prefix';
import type { ErrorSink } from './scan-range';

/**
 * .NET's SmtpClient words its SmtpException from the reply code it got and then quotes the server:
 * `Transaction failed. The server response was: <unknown[10.0.0.5]>: Client host rejected: Access denied`.
 * Where the server's text carries a code, the code is read as any other; where it carries none, the failure
 * is read with the class .NET's words stand for (its SmtpStatusCode messages: 554 "Transaction failed.",
 * 421 "Service not available, closing transmission channel.", …), marked inferred, the server's text as its reply.
 */
export const DOTNET_RESPONSE_LEAD = 'the server response was:';

const DOTNET_PHRASES: readonly [string, '4' | '5'][] = [
  ['transaction failed.', '5'],
  ['mailbox unavailable.', '5'],
  ['syntax error, command unrecognized.', '5'],
  ['exceeded storage allocation.', '5'],
  ['mailbox name not allowed.', '5'],
  ['insufficient system storage.', '4'],
  ['local error in processing.', '4'],
  ['service not available, closing transmission channel.', '4'],
];

/** The server's text starts with a code of its own (`5.7.1 …`, `550 …`): the ordinary reading has it. */
const STARTS_WITH_CODE = /^(?:[245]\.\d|[245]\d\d(?:[ -]|$))/;

/** Reads the failure on the line [first, end) whose `The server response was:` starts at `at`; false when it is not one. */
export function readDotnetStatus(text: string, first: number, end: number, at: number, around: SurroundingFacts, sink: ErrorSink): boolean {
  if (sink.full) return false;
  const windowStart = Math.max(first, at - 64);
  const before = text.slice(windowStart, at).trimEnd().toLowerCase();
  const phrase = DOTNET_PHRASES.find(([words]) => before.endsWith(words));
  if (!phrase) return false;
  const phraseStart = windowStart + before.length - phrase[0].length;
  let responseStart = at + DOTNET_RESPONSE_LEAD.length;
  while (responseStart < end && text.charCodeAt(responseStart) === 32) responseStart++;
  if (responseStart >= end || STARTS_WITH_CODE.test(text.slice(responseStart, responseStart + 4))) return false;
  const prefix = newPrefix(phraseStart, { replyIsRemote: true });
  const token: CodeToken = { start: responseStart, codeStart: responseStart, end: responseStart, code: `${phrase[1]}.0.0`, inferred: true };
  const body = readErrorBody(text, responseStart, end, { inTraceGroup: false, oldMarkers: false });
  sink.add(new ErrorReading(text, token, prefix, body, around), first);
  return true;
}
