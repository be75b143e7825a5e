import { isPlaceholderHost, placeholderAsWritten } from './placeholder';
import { ipToken } from './relay-context';
import type { SubmissionServers } from './submission-server';
import type { ParsedError } from './types';

/**
 * Destinations the errors do not name themselves, filled in once the whole paste is read:
 * - an expired form (`550 5.4.317 Message expired`, from Microsoft's own server) went where its attempts
 *   went (`450 4.4.317 … [LastAttemptedServerName=X]`, the NDR's history line for the same recipient);
 * - a failure naming nothing went to the one server the paste says the client talked to, if it names
 *   one (submission-server.ts): the configuration often follows the error. A placeholder there
 *   (`Could not send mail via <SMTP_SERVER>:<smtp_port>`) is stated as the paste's placeholder, never as a server;
 *   a mail server the paste only mentions (mentioned-mail-host.ts) is taken last.
 */

/** 5.4.312–5.4.318, the expired forms of the connector codes 4.4.312–4.4.318. */
const EXPIRED_FORM = /^5\.4\.31[2-8]$/;

const NO_SERVER_FOUND = /^[45]\.(?:4\.3|1\.2)$/;

export function withAttemptDestination(errors: ParsedError[]): ParsedError[] {
  if (!errors.some((e) => EXPIRED_FORM.test(e.enhancedCode))) return errors;
  return errors.map((e) => {
    if (!EXPIRED_FORM.test(e.enhancedCode) || e.server || e.ip !== undefined) return e;
    const attempt = errors.find(
      (a) =>
        a.enhancedCode === `4.4.${e.enhancedCode.slice(4)}` &&
        (a.server || a.ip !== undefined) &&
        (!a.recipient || !e.recipient || a.recipient.toLowerCase() === e.recipient.toLowerCase()),
    );
    if (!attempt) return e;
    const where: Partial<ParsedError> = {};
    if (attempt.server) where.server = attempt.server;
    if (attempt.ip !== undefined) where.ip = attempt.ip;
    if (attempt.port !== undefined) where.port = attempt.port;
    return { ...e, ...where };
  });
}

export function withNamedServer(errors: ParsedError[], servers: SubmissionServers): ParsedError[] {
  const unnamed = (e: ParsedError) => !e.server && e.ip === undefined && !e.serverPlaceholder;
  // A paste whose failures name their own servers tells the rest apart on purpose (sendmail's own `550 5.1.1 … User
  // unknown` after the remote's reply): the server the client talked to is not guessed for those.
  const chosen = errors.some(unnamed) && !errors.some((e) => e.server || e.ip !== undefined) ? servers.chosen() : undefined;
  if (!chosen) return errors;
  const named = chosen.host;
  // A name the paste only mentions is no answer for a failure that found no server at all: the domain's
  // MX lookup failed (X.4.3 "Name service error", X.1.2 bad destination system, RFC 3463 §3.2, §3.5).
  const fits = (e: ParsedError) => unnamed(e) && (chosen.kind !== 'mentioned' || !NO_SERVER_FOUND.test(e.enhancedCode));
  // An address, masked ones too (`**.***.***.**`), is still the IP the poster meant; a placeholder is stated as one.
  const address = ipToken(named) === named;
  const placeholder = !address && isPlaceholderHost(named) ? (placeholderAsWritten(named) ?? null) : undefined;
  if (placeholder === null) return errors;
  const fill = address ? { ip: named } : placeholder ? { serverPlaceholder: placeholder } : { server: named };
  return errors.map((e) => (fits(e) ? { ...e, ...fill } : e));
}
