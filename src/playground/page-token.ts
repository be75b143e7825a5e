import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The header the playground page sends its token in (the answer of GET /playground/session). */
export const PAGE_TOKEN_HEADER = 'x-playground-token';

/** A random token per process: only a page this bot served, and read from its own origin, knows it. */
export function newPageToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * Whether a request was sent by a web page: browsers add `Origin` to every POST and `Sec-Fetch-Site` to
 * every request (Fetch standard); curl, the Bot Framework Emulator and the bot's own connector calls send
 * neither. (`Sec-Fetch-Mode` is not a sign: Node's own fetch sends it.)
 */
export function fromBrowser(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined || headers['sec-fetch-site'] !== undefined;
}

/** A request from a web page must carry the page token; any other request is not this check's business. */
export function pageTokenProblem(headers: IncomingHttpHeaders, token: string): string | undefined {
  if (!fromBrowser(headers)) return undefined;
  const given = headers[PAGE_TOKEN_HEADER];
  if (typeof given !== 'string' || !given) return `it came from a web page without the playground token (${PAGE_TOKEN_HEADER})`;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b) ? undefined : 'the playground token is wrong (the bot restarted? reload the page)';
}
