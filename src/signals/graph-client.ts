/**
 * Reads Microsoft Graph and the Office 365 Management API for the signals, with an app-only token of the
 * Exchange backend's app registration. Follows `@odata.nextLink` (only on the configured origin: a link
 * elsewhere would carry the token away), waits out 429/503 with their Retry-After when that is short,
 * retries a 401 once with a fresh token, and turns a refusal into a SignalsError naming the permission.
 */
import { backoffMs, retryAfterMs } from '../remediation/backends/invoke-command-client';
import { ExchangeError } from '../remediation/backends/exchange-backend';
import type { TokenSource } from '../remediation/backends/exchange-token';
import type { Logger } from '../log/logger';
import type { RequestBudget } from './request-budget';
import { SignalsError } from './signals-source';

export interface GraphClientOptions {
  /** GRAPH_API_URL or MANAGEMENT_API_URL, without a trailing slash */
  baseUrl: string;
  token: TokenSource;
  fetch: typeof fetch;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** A Retry-After longer than this is not waited for: the caller is told to come back. */
  maxWaitMs?: number;
  requestTimeoutMs?: number;
}

/** What a call reads, for the words of a refusal: the permission it needs, and the step beyond consent. */
export interface CallPurpose {
  permission: string;
  /** The message trace needs a service principal of its own besides the permission. */
  servicePrincipal?: boolean;
}

const MAX_PAGES = 50;
const RETRIES = 3;

export function createGraphClient(opts: GraphClientOptions) {
  const origin = new URL(opts.baseUrl).origin;
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const timeoutMs = opts.requestTimeoutMs ?? 30_000;

  /** One request, retried as Graph asks; resolves with the parsed JSON body (or undefined when empty). */
  async function send(url: string, purpose: CallPurpose, init: { method?: string; body?: unknown } = {}, budget?: RequestBudget): Promise<unknown> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      budget?.take();
      let res: Response;
      try {
        const token = await opts.token.getToken(refreshed);
        res = await opts.fetch(url, {
          method: init.method ?? 'GET',
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(init.body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        if (err instanceof SignalsError) throw err;
        // No token: Entra ID said why (a wrong secret, an expired certificate), in the Exchange backend's words.
        if (err instanceof ExchangeError) throw new SignalsError('unauthorized', err.message, { step: 'credentials' });
        if (attempt > RETRIES) throw unavailable(err);
        await sleep(backoffMs(attempt));
        continue;
      }
      if (res.ok) {
        const text = await res.text();
        return text ? JSON.parse(text) : undefined;
      }
      const detail = await errorText(res);
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        continue;
      }
      if (res.status === 429 || res.status === 503 || res.status === 504) {
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? backoffMs(attempt);
        if (attempt <= RETRIES && wait <= maxWaitMs) {
          opts.logger.info('Microsoft asks to wait before the next request', { status: res.status, waitMs: wait });
          await sleep(wait);
          continue;
        }
        throw new SignalsError('throttled', `Microsoft answered ${res.status} and asks to wait ${Math.ceil(wait / 1000)} s.`, { retryAfterMs: wait });
      }
      if (res.status === 401 || res.status === 403) throw refused(res.status, purpose, detail);
      if (res.status >= 500 && attempt <= RETRIES) {
        await sleep(backoffMs(attempt));
        continue;
      }
      throw new SignalsError(res.status >= 500 ? 'unavailable' : 'invalid', `Microsoft answered ${res.status}: ${detail}`);
    }
  }

  return {
    origin,
    url: (path: string) => `${opts.baseUrl}${path}`,
    /** One JSON answer. */
    get: (url: string, purpose: CallPurpose, budget?: RequestBudget) => send(url, purpose, {}, budget),
    post: (url: string, body: unknown, purpose: CallPurpose) => send(url, purpose, { method: 'POST', body }),
    /** Every `value` of a paged answer, following @odata.nextLink on the same origin. */
    async getAll(url: string, purpose: CallPurpose, budget?: RequestBudget): Promise<unknown[]> {
      const values: unknown[] = [];
      let next: string | undefined = url;
      for (let page = 0; next; page++) {
        if (page >= MAX_PAGES) throw new SignalsError('invalid', `Microsoft Graph kept paging past ${MAX_PAGES} pages; the answer was cut there.`);
        const body = (await send(next, purpose, {}, budget)) as { value?: unknown[]; '@odata.nextLink'?: string } | undefined;
        if (Array.isArray(body?.value)) values.push(...body.value);
        next = body?.['@odata.nextLink'];
        if (next && new URL(next, origin).origin !== origin)
          throw new SignalsError('invalid', 'Microsoft Graph sent a next page on another host; it was not followed.');
        if (next) next = new URL(next, origin).toString();
      }
      return values;
    },
  };
}

export type GraphClient = ReturnType<typeof createGraphClient>;

function refused(status: number, purpose: CallPurpose, detail: string): SignalsError {
  return new SignalsError(status === 403 ? 'forbidden' : 'unauthorized', `Microsoft answered ${status}: ${detail}`, {
    permission: purpose.permission,
    ...(purpose.servicePrincipal && { step: 'service-principal' }),
  });
}

function unavailable(err: unknown): SignalsError {
  return new SignalsError('unavailable', `Microsoft could not be reached: ${(err as Error).message ?? String(err)}`.slice(0, 300));
}

/** Graph's {"error":{"code","message"}}, or the first 200 characters of whatever came. */
async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    if (e) return [e.code, e.message].filter(Boolean).join(': ').slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || res.statusText;
}
