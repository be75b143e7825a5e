/**
 * Turns what Exchange Online and Microsoft Entra ID answer into an ExchangeError an admin can act on.
 * Error body shapes follow the domain notes §2.5 (InvokeCommand) and MSAL's ServerError for the token.
 * Every text that leaves here goes through scrub(): no token, secret or stack trace reaches chat.
 */
import { ExchangeError } from './exchange-backend';

/** What a call was about, so that the words can name it. */
export interface CallContext {
  cmdletName: string;
  /** e.g. "outbound connector", "accepted domain": used for not-found words */
  objectKind?: string;
  identity?: string;
}

const MAX_QUOTED = 300;
const sentence = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/**
 * Removes what must never be shown: the given secrets, bearer tokens, anything shaped like a JWT,
 * stack frames and control characters (a 403 body can be NUL bytes, §2.5). Keeps it to one short line.
 */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  out = out
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted]')
    .split(/\r?\n/)
    .filter((line) => !/^\s*at\s+\S+.*\(?.*:\d+:\d+\)?\s*$/.test(line))
    .join(' ')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > MAX_QUOTED ? `${out.slice(0, MAX_QUOTED - 1)}…` : out;
}

/**
 * The most specific message in an InvokeCommand error body, in CIPP's order (§2.5):
 * error.details[].message, then error.innererror.internalException.message, innererror.message, error.message.
 */
export function exchangeMessage(body: unknown): string | undefined {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  if (!error || typeof error !== 'object') return undefined;
  const details = Array.isArray(error.details)
    ? error.details.map((d) => (d as { message?: unknown })?.message).filter((m): m is string => typeof m === 'string' && m.trim() !== '')
    : [];
  if (details.length) return details.join(' ');
  const inner = error.innererror as { message?: unknown; internalException?: { message?: unknown } } | undefined;
  for (const candidate of [inner?.internalException?.message, inner?.message, error.message]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate;
  }
  return undefined;
}

/** Exchange's ways of saying an Identity matched nothing (404 NotFound, or the cmdlet's own exception). */
const NOT_FOUND_WORDS = /couldn't be found|could not be found|ManagementObjectNotFoundException/i;

/** The words for a 4xx answer that will not get better by retrying. */
export function errorForStatus(status: number, body: unknown, ctx: CallContext, secrets: readonly string[] = []): ExchangeError {
  const said = exchangeMessage(body);
  const quoted = said ? scrub(said, secrets) : undefined;
  if (status === 401 || status === 403) {
    return new ExchangeError(
      'forbidden',
      `The app is not allowed to run ${ctx.cmdletName}: give it the Exchange.ManageAsApp permission and an Exchange role such as Exchange Administrator.` +
        (quoted ? ` Exchange said: "${quoted}"` : ''),
    );
  }
  if (status === 404 || NOT_FOUND_WORDS.test(JSON.stringify(body ?? ''))) {
    return notFound(ctx, quoted);
  }
  return new ExchangeError('invalid', `Exchange refused ${ctx.cmdletName}: ${sentence(quoted ?? `HTTP ${status} without an explanation`)}`);
}

export function notFound(ctx: CallContext, quoted?: string): ExchangeError {
  if (ctx.objectKind && ctx.identity) return new ExchangeError('not_found', `The ${ctx.objectKind} "${ctx.identity}" was not found.`);
  return new ExchangeError('not_found', `${ctx.cmdletName} found nothing${quoted ? `: ${quoted}` : '.'}`);
}

const isChange = (cmdletName: string) => !/^Get-/i.test(cmdletName);

/** Retries are used up, or the service cannot be reached. `last` is a short reason: "HTTP 503", "ECONNREFUSED". */
export function unavailable(ctx: CallContext, attempts: number, last: string): ExchangeError {
  return new ExchangeError(
    'unavailable',
    `Exchange Online did not complete ${ctx.cmdletName} after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'} (last: ${last}). Try again in a few minutes.` +
      (isChange(ctx.cmdletName) ? ' The change may or may not have been made: check the current setting first.' : ''),
  );
}

/** Exchange asked for a longer pause than the bot is willing to hold a request for. */
export function throttled(ctx: CallContext, waitSeconds: number): ExchangeError {
  return new ExchangeError(
    'unavailable',
    `Exchange Online is throttling requests and asked to wait ${waitSeconds} seconds before ${ctx.cmdletName}. Try again after that.`,
  );
}

/**
 * A token could not be had. MSAL's ServerError carries Entra's "AADSTS…: reason. Trace ID: …" text:
 * the first sentence names the cause (wrong secret, unknown app, unknown tenant).
 */
export function tokenError(err: unknown, authorityHost: string, secrets: readonly string[] = []): ExchangeError {
  const e = err as { name?: string; errorCode?: string; errorMessage?: string; message?: string; status?: number };
  const text = e?.errorMessage || e?.message || '';
  const aadsts = /AADSTS\d+:[^\r\n]*?(?=\s*(?:Trace ID:|Correlation ID:|Timestamp:|$|\r|\n))/.exec(text)?.[0];
  if (e?.name === 'ServerError' || aadsts) {
    const reason = scrub(aadsts ?? e.errorCode ?? 'no reason given', secrets);
    return new ExchangeError(
      'forbidden',
      `Microsoft Entra ID refused the app's sign-in (${reason}). Check EXCHANGE_TENANT_ID, EXCHANGE_CLIENT_ID and the client secret or certificate.`,
    );
  }
  const code = /\b(E[A-Z]{3,}|ERR_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)\b/.exec(text)?.[1];
  return new ExchangeError(
    'unavailable',
    `Could not get a token for Exchange Online from ${authorityHost}${code ? ` (${code})` : e?.errorCode ? ` (${scrub(e.errorCode, secrets)})` : ''}. Try again in a few minutes.`,
  );
}
