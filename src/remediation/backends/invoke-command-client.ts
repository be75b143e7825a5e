/**
 * Runs one Exchange Online cmdlet through the admin API's InvokeCommand endpoint, the REST transport of
 * the ExchangeOnlineManagement module (domain notes §2). It is not a documented public API: the URL,
 * headers, paging and error shapes below are taken from open-source callers and dated measurements.
 *
 *   POST {adminApiUrl}/adminapi/beta/{tenantId}/InvokeCommand
 *   {"CmdletInput":{"CmdletName":"Set-OutboundConnector","Parameters":{"Identity":"…","Enabled":false}}}
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log/logger';
import { ExchangeError } from './exchange-backend';
import { errorForStatus, scrub, throttled, unavailable, type CallContext } from './exchange-error-words';

export interface CmdletInput {
  cmdletName: string;
  parameters: Record<string, unknown>;
}

export interface InvokeTarget {
  adminApiUrl: string;
  /** the tenant GUID is safest in the path and the anchor (§2.1) */
  tenantId: string;
}

/** The anchor CIPP uses for app-only calls (§2.2): the tenant's system mailbox, addressed by tenant. */
export const SYSTEM_MAILBOX = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}';

export function invokeCommandUrl(target: InvokeTarget): string {
  return `${target.adminApiUrl.replace(/\/+$/, '')}/adminapi/beta/${encodeURIComponent(target.tenantId)}/InvokeCommand`;
}

export function invokeCommandBody(input: CmdletInput): string {
  return JSON.stringify({ CmdletInput: { CmdletName: input.cmdletName, Parameters: input.parameters } });
}

/** The headers §2.2 recommends; `client-request-id` lets Microsoft support find the call. */
export function invokeCommandHeaders(target: InvokeTarget, cmdletName: string, bearer: string, requestId?: string): Record<string, string> {
  return {
    Authorization: `Bearer ${bearer}`,
    'Content-Type': 'application/json; charset=utf-8',
    Accept: 'application/json',
    Prefer: 'odata.maxpagesize=1000',
    'X-AnchorMailbox': `APP:${SYSTEM_MAILBOX}@${target.tenantId}`,
    'X-ResponseFormat': 'json',
    'X-ClientApplication': 'ExoManagementModule',
    'X-CmdletName': cmdletName,
    ...(requestId ? { 'client-request-id': requestId } : {}),
  };
}

export interface DryRunDescription {
  method: 'POST';
  url: string;
  /** as sent, except that the token is a placeholder and client-request-id (random per call) is left out */
  headers: Record<string, string>;
  body: string;
}

/**
 * Exactly the HTTP call that would run the cmdlet, for REMEDIATION_DRY_RUN. Pure; holds no token or
 * secret. Refuses an empty Identity as the real call does.
 */
export function dryRunDescription(target: InvokeTarget, cmdletName: string, parameters: Record<string, unknown>): DryRunDescription {
  assertIdentity({ cmdletName, parameters });
  return {
    method: 'POST',
    url: invokeCommandUrl(target),
    headers: invokeCommandHeaders(target, cmdletName, '<access token from Microsoft Entra ID>'),
    body: invokeCommandBody({ cmdletName, parameters }),
  };
}

/**
 * "The value $null or a non-existent value for the Identity parameter returns all objects" (§1): a Get-
 * with an empty Identity would answer for every connector, and a Set- after it could change the wrong one.
 */
export function assertIdentity(input: CmdletInput): void {
  if (!('Identity' in input.parameters)) return;
  const identity = input.parameters.Identity;
  if (typeof identity !== 'string' || identity.trim() === '') {
    throw new ExchangeError('invalid', `${input.cmdletName} needs a name to act on and none was given; nothing was sent to Exchange.`);
  }
}

export interface InvokeResult {
  value: Record<string, unknown>[];
  /** @adminapi.warnings: the cmdlet's warnings (§2.4) */
  warnings: string[];
  /** @adminapi.errors: non-terminating errors (§2.4; shape from a reconstruction, unverified) */
  errors: string[];
}

export interface InvokeCommandClientOptions {
  target: InvokeTarget;
  getToken: (fresh: boolean) => Promise<string>;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** retries after the first attempt for 429, 5xx and network errors */
  maxRetries: number;
  requestTimeoutMs: number;
  /** a Retry-After longer than this is not waited for */
  maxRetryAfterMs?: number;
  /** strings that must never appear in an error message (the client secret) */
  secrets?: readonly string[];
  logger?: Logger;
}

export interface InvokeCommandClient {
  invoke(input: CmdletInput, ctx?: Partial<CallContext>): Promise<InvokeResult>;
}

/** Pages are followed up to this many, then the answer is treated as broken. */
const MAX_PAGES = 100;

export function createInvokeCommandClient(opts: InvokeCommandClientOptions): InvokeCommandClient {
  const firstUrl = invokeCommandUrl(opts.target);
  const origin = new URL(firstUrl).origin;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
  const secrets = opts.secrets ?? [];

  /** One page: retries 429/5xx/network failures with backoff, and a 401 once with a fresh token. */
  async function send(url: string, input: CmdletInput, ctx: CallContext): Promise<Record<string, unknown>> {
    const body = invokeCommandBody(input);
    let attempts = 0;
    let refreshed = false;
    let wantFresh = false;
    for (;;) {
      attempts++;
      const token = await opts.getToken(wantFresh);
      wantFresh = false;
      const requestId = randomUUID();
      const started = Date.now();
      let res: Response;
      try {
        res = await opts.fetch(url, {
          method: 'POST',
          headers: invokeCommandHeaders(opts.target, input.cmdletName, token, requestId),
          body,
          signal: AbortSignal.timeout(opts.requestTimeoutMs),
        });
      } catch (err) {
        const reason = networkReason(err, opts.requestTimeoutMs);
        opts.logger?.warn('exchange-online: no answer', { cmdlet: input.cmdletName, attempt: attempts, reason: reason.text, requestId });
        if (!reason.retryable || attempts > opts.maxRetries) throw unavailable(ctx, attempts, reason.text);
        await opts.sleep(backoffMs(attempts));
        continue;
      }
      const text = await readText(res);
      opts.logger?.debug('exchange-online: answer', { cmdlet: input.cmdletName, status: res.status, attempt: attempts, ms: Date.now() - started, requestId });
      const parsed = parseJson(text);
      if (res.ok) {
        if (parsed === undefined || typeof parsed !== 'object' || parsed === null) {
          throw unavailable(ctx, attempts, `HTTP ${res.status} with a body that is not JSON`);
        }
        return parsed as Record<string, unknown>;
      }
      if (res.status === 401 && !refreshed) {
        // Roles live in the token: one retry with a new one picks up a role granted since (§3).
        refreshed = wantFresh = true;
        attempts--;
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        const waitMs = retryAfterMs(res.headers.get('retry-after')) ?? backoffMs(attempts);
        if (attempts > opts.maxRetries) throw unavailable(ctx, attempts, `HTTP ${res.status}`);
        if (waitMs > maxRetryAfterMs) throw throttled(ctx, Math.ceil(waitMs / 1000));
        opts.logger?.warn('exchange-online: retrying', { cmdlet: input.cmdletName, status: res.status, attempt: attempts, waitMs, requestId });
        await opts.sleep(waitMs);
        continue;
      }
      const error = errorForStatus(res.status, parsed, ctx, secrets);
      opts.logger?.warn('exchange-online: refused', { cmdlet: input.cmdletName, status: res.status, code: error.code, requestId });
      throw error;
    }
  }

  return {
    async invoke(input, partialCtx = {}) {
      assertIdentity(input);
      const ctx: CallContext = { ...partialCtx, cmdletName: input.cmdletName };
      const result: InvokeResult = { value: [], warnings: [], errors: [] };
      let url: string | undefined = firstUrl;
      for (let page = 1; url; page++) {
        if (page > MAX_PAGES) throw unavailable(ctx, 1, `more than ${MAX_PAGES} pages`);
        const answer = await send(url, input, ctx);
        if (Array.isArray(answer.value)) result.value.push(...(answer.value as Record<string, unknown>[]));
        result.warnings.push(...messages(answer['@adminapi.warnings']).map((m) => scrub(m, secrets)));
        result.errors.push(...messages(answer['@adminapi.errors']).map((m) => scrub(m, secrets)));
        const next = answer['@odata.nextLink'] ?? answer['odata.nextLink'];
        url = typeof next === 'string' && next ? next : undefined;
        // The same body goes to the next link (§2.4); the token goes with it, so only to the same origin.
        if (url && safeOrigin(url) !== origin) {
          throw new ExchangeError('invalid', `Exchange answered ${input.cmdletName} with a next page on another host; it was not followed.`);
        }
      }
      if (result.warnings.length) opts.logger?.warn('exchange-online: cmdlet warnings', { cmdlet: input.cmdletName, warnings: result.warnings });
      return result;
    },
  };
}

/** 1 s, 2 s, 4 s, 8 s, … at most 30 s (exponential backoff when Exchange gives no Retry-After). */
export function backoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** (attempt - 1));
}

/** Retry-After in seconds, or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function networkReason(err: unknown, timeoutMs: number): { text: string; retryable: boolean } {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return { text: `no answer within ${timeoutMs / 1000} s`, retryable: true };
  const code = e?.cause?.code ?? e?.code;
  if (!code) return { text: 'network error', retryable: true };
  // A certificate or DNS name problem will not fix itself in a few seconds.
  const settled = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ENOTFOUND|ERR_INVALID_URL/.test(code);
  return { text: code, retryable: !settled };
}

/** The body as text; a body that cannot be decoded (a 403 of NUL bytes declared gzip, §2.5) is empty. */
async function readText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch {
    return '';
  }
}

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messages(raw: unknown): string[] {
  if (raw == null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list
    .map((item) =>
      typeof item === 'string' ? item : ((item as { message?: unknown; Message?: unknown })?.message ?? (item as { Message?: unknown })?.Message),
    )
    .filter((m): m is string => typeof m === 'string' && m.trim() !== '');
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
