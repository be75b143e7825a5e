import type restify from 'restify';
import type { Config } from '../config';
import type { Logger } from '../log/logger';
import { isAllowedHost, LOOPBACK_HOSTS } from './allowed-host';

export interface HostCheckDeps {
  config: Pick<Config, 'localMode' | 'playground' | 'allowedHosts'>;
  logger: Logger;
}

/**
 * Refuses requests to the unauthenticated routes whose Host is not this machine's (DNS rebinding): the
 * playground's (GET /, /playground/*) whenever it is served, and /api/messages in local mode, where nothing
 * authenticates it. Exempt: /healthz (read-only, used by orchestrators), /api/alerts (its own rules,
 * alerts/verify-alert.ts) and, with MicrosoftAppId set, /api/messages (its Bot Framework token; Teams
 * reaches it by the bot's public name). A pre-routing handler: the answer is given before any route reads a
 * body or the bot runs.
 */
export function registerHostCheck(server: restify.Server, deps: HostCheckDeps): void {
  const { config, logger } = deps;
  // Deny by default: every path but the routes that authenticate on their own, so no spelling of a path
  // (a trailing slash, doubled slashes) that the router might still match slips past.
  const exempt = new Set(['/healthz', '/api/alerts', ...(config.localMode ? [] : ['/api/messages'])]);
  const guarded = (path: string) => (config.localMode || config.playground) && !exempt.has(path);
  const names = [...LOOPBACK_HOSTS, ...config.allowedHosts].join(', ');
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!guarded(path) || isAllowedHost(req.headers.host, { allowed: config.allowedHosts, localAddress: req.socket.localAddress })) return next();
    const host = String(req.headers.host ?? '').slice(0, 100);
    logger.info('request refused: host not allowed', { host, path });
    req.resume(); // the body is drained, not kept
    // 421 Misdirected Request (RFC 9110 §15.5.20): this server is not the one the name was meant for.
    res.writeHead(421, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(
      JSON.stringify({
        error: {
          code: 'misdirected_request',
          message: `This bot answers only to ${names} here, not to Host "${host}". Open it as http://localhost:<port>/, or add the name to ALLOWED_HOSTS.`,
        },
      }),
    );
    return next(false);
  });
}
