import restify from 'restify';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Config } from '../config';
import type { Logger } from '../log/logger';
import type { BodyBudget } from './body-budget';
import { checkBearer } from './check-bearer';
import { HttpError, parseJsonObject, readBody } from './read-body';

/** Whole request, headers, and silence within a body: a slow sender holds a socket this long at most. */
export const REQUEST_TIMEOUT_MS = 30_000;
export const HEADERS_TIMEOUT_MS = 10_000;
export const BODY_IDLE_MS = 10_000;

export interface ServerDeps {
  config: Pick<Config, 'appId' | 'localMode' | 'maxMessageBytes'>;
  adapter: Pick<CloudAdapter, 'process'>;
  bot: { run(context: TurnContext): Promise<void> };
  logger: Logger;
  /** Bytes held at once for bodies not yet authenticated, shared with the alert route. */
  bodyBudget: BodyBudget;
  /** The health answer; `ok: false` is served as 503. */
  health: () => Promise<Record<string, unknown> & { status: 'ok' | 'failing' }>;
}

/**
 * restify only: routes, limits and the checks that need no body in front of botbuilder. No business logic.
 *   POST /api/messages  Bot Framework activities (Teams), each through CloudAdapter.process
 *   GET  /healthz       readiness, without secrets
 */
export function createServer(deps: ServerDeps): restify.Server {
  const { config, adapter, bot, logger } = deps;
  const server = restify.createServer({ name: 'mail-flow-doctor', handleUncaughtExceptions: false });
  server.server.keepAliveTimeout = 65_000;
  server.server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.server.headersTimeout = HEADERS_TIMEOUT_MS;

  // restify's own answers (404, 405 with its Allow header) in the same JSON shape as every other error.
  server.on('restifyError', (_req: restify.Request, _res: restify.Response, err: RestifyError, callback: () => void) => {
    const code = String(err.name ?? 'Error')
      .replace(/Error$/, '')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase();
    err.toJSON = () => ({ error: { code: code === 'resource_not_found' ? 'not_found' : code, message: err.message } });
    callback();
  });

  server.get('/healthz', async (_req, res) => {
    const health = await deps.health();
    res.json(health.status === 'ok' ? 200 : 503, health);
  });

  server.post('/api/messages', async (req, res) => {
    try {
      // Decided from the headers, before the body is read.
      // JSON only: a browser page elsewhere cannot send application/json across origins without a CORS
      // preflight, so this also keeps random websites from posting activities to a local bot.
      if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
        throw new HttpError(415, 'unsupported_media_type', 'Send the activity as application/json.');
      }
      if (!config.localMode) {
        // A missing, malformed, expired or misaddressed token is refused without reading the body or
        // fetching Microsoft's signing keys; botbuilder validates whatever passes.
        const problem = checkBearer(req.headers.authorization, config.appId);
        if (problem) throw new HttpError(401, 'unauthorized', `Bot Framework authentication failed: ${problem}.`);
      }
      // Not authenticated until botbuilder has checked the token's signature: the body's bytes stay counted
      // against the shared budget until CloudAdapter.process returns.
      const raw = await readBody(req, config.maxMessageBytes, { budget: deps.bodyBudget, idleMs: BODY_IDLE_MS, holdBudget: true });
      try {
        await processActivity(req, res, raw);
      } finally {
        deps.bodyBudget.give(raw.length);
      }
    } catch (err) {
      answerError(req, res, err);
    }
  });

  async function processActivity(req: restify.Request, res: restify.Response, raw: Buffer): Promise<void> {
    const body = parseJsonObject(raw);
    if (typeof body.type !== 'string' || !body.type) {
      throw new HttpError(400, 'bad_activity', 'The activity has no "type"; send a Bot Framework activity.');
    }
    // Every activity Teams sends names its conversation; without one botbuilder could not answer it.
    const conversation = body.conversation as { id?: unknown } | undefined;
    if (typeof conversation !== 'object' || conversation === null || typeof conversation.id !== 'string' || !conversation.id) {
      throw new HttpError(400, 'bad_activity', 'The activity has no "conversation.id"; send a Bot Framework activity.');
    }
    if (body.serviceUrl !== undefined && !isHttpUrl(body.serviceUrl)) {
      throw new HttpError(400, 'bad_activity', 'The activity\'s "serviceUrl" must be an http or https URL.');
    }
    // A card action or message-extension invoke carries what was pressed or typed in `value`; without it
    // botbuilder would answer 501, as if the bot could not do it.
    if (body.type === 'invoke' && typeof body.name === 'string' && /^(adaptiveCard\/action|composeExtension\/)/.test(body.name)) {
      if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
        throw new HttpError(400, 'bad_activity', `The "${body.name.slice(0, 60)}" invoke has no "value" object.`);
      }
    }
    req.body = body;
    await adapter.process(req, res, (context) => bot.run(context));
  }

  function answerError(req: restify.Request, res: restify.Response, err: unknown): void {
    if (err instanceof HttpError) {
      logger.info('request refused', { status: err.status, code: err.code, reason: err.message });
      if (!res.headersSent) refuse(req, res, err);
      return;
    }
    logger.error('request failed', { err: err as Error });
    if (!res.headersSent) res.json(500, { error: { code: 'internal', message: 'Internal error; see the bot log.' } });
  }

  return server;
}

/**
 * Answers a refused request and closes its connection: whatever is left of its body is dropped unread, so a
 * sender trickling a large body gets its answer at once and the bot holds none of it.
 */
export function refuse(req: restify.Request, res: restify.Response, err: HttpError): void {
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  // The rest of the body is read and dropped, never kept, and the connection ended (FIN), not reset: a
  // reset throws away the answer on its way to a sender still writing. (A "Connection: close" answer makes
  // Node destroy the socket right after it, which resets it.) A sender that keeps writing anyway is cut off
  // by the request time limit.
  res.once('finish', () => {
    req.resume();
    req.socket.end();
  });
  res.json(err.status, { error: { code: err.code, message: err.message } });
}

interface RestifyError extends Error {
  toJSON?: () => unknown;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
