import crypto from 'node:crypto';

export interface AlertRequest {
  /** ALERT_WEBHOOK_TOKEN; empty = only loopback senders are accepted. */
  token: string;
  /** Undefined when deciding from the headers alone, before the body is read. */
  rawBody?: Buffer;
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
  remoteAddress: string | undefined;
  now: number;
}

/** 401: the credentials are missing or wrong; 403: with no token configured, this request cannot be accepted at all. */
export type Verdict =
  | { ok: true; via: 'bearer' | 'signature' | 'query' | 'loopback' }
  | { ok: false; status: 401 | 403; reason: string }
  /** The headers are in order and only the body can tell (a signature): call again with the body. */
  | { ok: 'body-needed' };

/** How far a signed request's timestamp may be from now, either way. */
export const REPLAY_WINDOW_MS = 5 * 60 * 1000;

/**
 * Authenticates an alert webhook request. Pure: the caller passes the clock and the body as received. Called
 * first without the body, so that whatever the headers decide (no credentials, a wrong Bearer or ?token=, a
 * stale timestamp) is answered before the body is read; only a signature needs the body.
 *   1. No token configured: only a program on this machine is accepted: a loopback sender (127.0.0.0/8, ::1)
 *      whose request carries none of the marks of a browser or a proxy. Behind a reverse proxy every sender
 *      arrives from loopback, so a request with `Forwarded`, `X-Forwarded-For` or `X-Real-IP` is refused; a
 *      page in a browser can post to localhost too, so a request with `Origin` or `Sec-Fetch-Site`, or with
 *      a form content type (what an HTML form sends without a preflight), is refused.
 *   2. `Authorization: Bearer <token>` matches.
 *   3. `X-Signature-256: sha256=<hex>` is HMAC-SHA256(token, "<timestamp>.<raw body>") or, for senders that
 *      can only sign the body, HMAC-SHA256(token, <raw body>); `X-Timestamp` (Unix seconds or ms) must be
 *      within 5 minutes of now. The caller also refuses a signature it has already seen (replay).
 *   4. `?token=<token>` matches, for senders that cannot set headers (e.g. a Graph notificationUrl).
 * Every comparison is timing-safe.
 */
export function verifyAlert(req: AlertRequest): Verdict {
  if (!req.token) {
    if (!isLoopback(req.remoteAddress)) return refuse(401, 'ALERT_WEBHOOK_TOKEN is not set, so only requests from this machine are accepted');
    const proxied = PROXY_HEADERS.find((name) => header(req.headers, name) !== undefined);
    if (proxied) return refuse(403, `ALERT_WEBHOOK_TOKEN is not set and the request carries ${proxied} (it came through a proxy), so it is not accepted`);
    const browser = BROWSER_HEADERS.find((name) => header(req.headers, name) !== undefined);
    if (browser) return refuse(403, `ALERT_WEBHOOK_TOKEN is not set and the request carries ${browser} (it came from a web page), so it is not accepted`);
    const type = (header(req.headers, 'content-type') ?? '').trim().toLowerCase();
    if (FORM_TYPES.some((form) => type.startsWith(form))) {
      return refuse(
        403,
        `ALERT_WEBHOOK_TOKEN is not set, so form posts (${type.split(';')[0]}) are not accepted; send the alert as text/plain or application/json`,
      );
    }
    return { ok: true, via: 'loopback' };
  }
  const auth = header(req.headers, 'authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m && safeEqual(m[1], req.token)) return { ok: true, via: 'bearer' };
    return refuse(401, 'the bearer token is wrong');
  }
  const signature = header(req.headers, 'x-signature-256');
  if (signature) {
    const m = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
    if (!m) return refuse(401, 'X-Signature-256 must be sha256=<64 hex digits>');
    const tsRaw = header(req.headers, 'x-timestamp') ?? header(req.headers, 'x-signature-timestamp');
    if (!tsRaw || !/^\d{9,13}$/.test(tsRaw.trim())) return refuse(401, 'X-Timestamp (Unix time) is missing');
    const ts = Number(tsRaw.trim());
    const tsMs = ts < 1e11 ? ts * 1000 : ts;
    if (Math.abs(req.now - tsMs) > REPLAY_WINDOW_MS) return refuse(401, 'X-Timestamp is more than 5 minutes from now');
    if (!req.rawBody) return { ok: 'body-needed' };
    const given = Buffer.from(m[1].toLowerCase(), 'hex');
    const withTs = hmac(req.token, Buffer.concat([Buffer.from(`${tsRaw.trim()}.`), req.rawBody]));
    const bodyOnly = hmac(req.token, req.rawBody);
    if (crypto.timingSafeEqual(given, withTs) || crypto.timingSafeEqual(given, bodyOnly)) return { ok: true, via: 'signature' };
    return refuse(401, 'the signature does not match');
  }
  const q = req.query.get('token');
  if (q !== null) return safeEqual(q, req.token) ? { ok: true, via: 'query' } : refuse(401, 'the token is wrong');
  return refuse(401, 'no credentials: send Authorization: Bearer <token>, X-Signature-256 with X-Timestamp, or ?token=');
}

/** Set by reverse proxies (RFC 7239 and its de facto predecessors): the real sender is elsewhere. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];
/** Sent by browsers (Fetch standard: Origin on every POST, Sec-Fetch-Site on every request); curl and monitoring agents send neither. */
const BROWSER_HEADERS = ['origin', 'sec-fetch-site'];
/** What an HTML form can post cross-site without a preflight, besides text/plain (which needs one of the headers above from a browser). */
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

function refuse(status: 401 | 403, reason: string): Verdict {
  return { ok: false, status, reason };
}

function hmac(key: string, data: Buffer): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest();
}

/** Compares digests of both, so neither the content nor the length leaks through timing. */
export function safeEqual(a: string, b: string): boolean {
  const da = crypto.createHash('sha256').update(a).digest();
  const db = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(da, db);
}

function header(headers: AlertRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}
