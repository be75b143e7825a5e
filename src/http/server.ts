import type { IncomingMessage, ServerResponse } from 'node:http';
import restify from 'restify';
import type { Activity, CloudAdapter, ConfigurationBotFrameworkAuthentication, Request, TurnContext } from 'botbuilder';
import type { AuthenticateRequestResult, MessageLane } from '../teams/message-lane';
import type { Config } from '../config';
import type { Logger } from '../log/logger';
import { checkBearer } from './check-bearer';
import { botResponse, sendJson } from './node-response';
import { HttpError, parseJsonObject, readBody } from './read-body';

export interface ServerDeps {
  config: Config;
  adapter: CloudAdapter;
  auth: ConfigurationBotFrameworkAuthentication;
  bot: { run(context: TurnContext): Promise<void> };
  /** Messages are answered here; every other activity goes through the adapter. */
  messages: MessageLane;
  logger: Logger;
  health: () => Record<string, unknown>;
}

/** How long a token check may wait for Microsoft's signing keys before the request is refused. */
const AUTH_TIMEOUT_MS = 5000;

/**
 * restify only: routes, body limits and authentication in front of botbuilder. No business logic.
 *   POST /api/messages  Bot Framework activities (Teams)
 *   GET  /healthz       readiness, without secrets
 */
export function createServer(deps: ServerDeps): restify.Server {
  const { config, adapter, auth, bot, messages, logger } = deps;
  const server = restify.createServer({ name: 'mail-flow-doctor', handleUncaughtExceptions: false });
  server.server.keepAliveTimeout = 65_000;

  server.get('/healthz', async (_req, res) => {
    res.json(200, deps.health());
  });

  // POST /api/messages runs in restify's first chain (server.first): restify's documented hook for handling
  // a request with node's own req and res before restify builds its per-request state. That state (timers,
  // routing, handler chain, lifecycle events) cost about 20 µs of CPU per message under load, as much as
  // a sixth of the whole answer (bench/http.bench.ts); this route needs none of it. Middleware added with
  // server.pre() or server.use() does not run for it: put what it needs here.
  serveFirst(server, '/api/messages', async (req, res) => {
    try {
      if (req.method !== 'POST') {
        req.resume();
        res.setHeader('allow', 'POST');
        throw new HttpError(405, 'method_not_allowed', 'Send Bot Framework activities with POST.');
      }
      // JSON only: a browser page elsewhere cannot send application/json across origins without a CORS
      // preflight, so this also keeps random websites from posting activities to a local bot.
      const contentType = String(req.headers['content-type'] ?? '');
      if (!/^application\/json\b/i.test(contentType)) {
        req.resume();
        throw new HttpError(415, 'unsupported_media_type', 'Send the activity as application/json.');
      }
      const body = parseJsonObject(await readBody(req, config.maxMessageBytes));
      if (typeof body.type !== 'string' || !body.type) {
        throw new HttpError(400, 'bad_activity', 'The activity has no "type"; send a Bot Framework activity.');
      }
      if (body.serviceUrl !== undefined && !isHttpUrl(body.serviceUrl)) {
        throw new HttpError(400, 'bad_activity', 'The activity\'s "serviceUrl" must be an http or https URL.');
      }
      const activity = body as unknown as Activity;
      const authenticated = config.localMode ? undefined : await authenticate(req.headers.authorization, activity);
      if (messages.accepts(activity)) {
        await messages.handle(activity, authenticated);
        res.writeHead(200);
        res.end();
        return;
      }
      (req as unknown as { body: unknown }).body = body;
      await adapter.process(req as unknown as Request, botResponse(res), (context) => bot.run(context));
    } catch (err) {
      if (err instanceof HttpError) {
        if (err.status >= 500) logger.error('request failed', { err });
        else logger.info('request refused', { status: err.status, code: err.code, reason: err.message });
        if (!res.headersSent) sendJson(res, err.status, { error: { code: err.code, message: err.message } });
        return;
      }
      logger.error('request failed', { err: err as Error });
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Internal error; see the bot log.' } });
    }
  });

  /** Refuses with 401 promptly: cheap checks first, then botbuilder's validation with a time limit. */
  async function authenticate(authorization: string | undefined, activity: Activity): Promise<AuthenticateRequestResult> {
    const problem = checkBearer(authorization, config.appId);
    if (problem) throw new HttpError(401, 'unauthorized', `Bot Framework authentication failed: ${problem}.`);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        auth.authenticateRequest(activity, authorization!),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('signing keys could not be fetched in time')), AUTH_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      throw new HttpError(401, 'unauthorized', `Bot Framework authentication failed: ${(err as Error).message.slice(0, 200)}.`);
    } finally {
      clearTimeout(timer);
    }
  }

  return server;
}

/**
 * Serves one path from restify's first chain. restify's typings do not declare `first`, so its presence is
 * checked here: a restify without it fails at start-up, not on the first message.
 */
function serveFirst(server: restify.Server, path: string, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): void {
  const first = (server as unknown as { first?: (handler: (req: IncomingMessage, res: ServerResponse) => boolean) => void }).first;
  if (typeof first !== 'function') throw new Error('This restify has no server.first(); src/http/server.ts needs it for /api/messages.');
  first.call(server, (req, res) => {
    if (pathOf(req.url ?? '') !== path) return true; // restify's routes serve the rest
    handle(req, res).catch(() => {
      // handle answers its own errors; this is for one thrown while doing so (the log itself failing).
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Internal error; see the bot log.' } });
      else res.destroy();
    });
    return false;
  });
}

/** The path of a request target: origin form ("/a?b"), or absolute form ("http://host/a?b"), as restify reads both. */
function pathOf(target: string): string | undefined {
  if (target.startsWith('/')) {
    const query = target.indexOf('?');
    return query === -1 ? target : target.slice(0, query);
  }
  try {
    return new URL(target).pathname;
  } catch {
    return undefined;
  }
}

/** serviceUrls repeat (one per region); a checked one is remembered. */
const httpUrls = new Set<string>();

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (httpUrls.has(value)) return true;
  try {
    if (!['http:', 'https:'].includes(new URL(value).protocol)) return false;
  } catch {
    return false;
  }
  if (httpUrls.size < 1000) httpUrls.add(value);
  return true;
}
