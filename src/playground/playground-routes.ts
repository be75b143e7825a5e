import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type restify from 'restify';
import { HttpError, parseJsonObject, readBody } from '../http/read-body';
import type { Logger } from '../log/logger';
import { projectPath } from '../project-root';
import { pickLocale } from '../knowledge/load-knowledge';
import { type AuditLog, auditWords } from '../remediation/audit-log';
import type { ExchangeBackend } from '../remediation/backends/exchange-backend';
import { streamEvents } from './event-stream';
import { createLocalConnector, type LocalConnector } from './local-connector';
import { newPageToken, PAGE_TOKEN_HEADER, pageTokenProblem } from './page-token';
import { loadAdaptiveCardsBundle, loadAssets, type Asset } from './playground-assets';
import { loadUiStrings, type UiCatalog } from '../render/ui-strings';

export interface PlaygroundDeps {
  /** config.playground: off, nothing is registered. */
  enabled: boolean;
  /** config.localMode: with credentials the bot refuses the page's unauthenticated activities, and the page says so. */
  localMode: boolean;
  /** The backend and audit log the bot itself uses, so the side panel shows what Fix now changed. */
  exchange: ExchangeBackend;
  audit: AuditLog;
  /** The card strings, for the audit's words in the page's language (default: loaded from src/render/locales). */
  ui?: UiCatalog;
  logger: Logger;
  /** Tests pass a small one to see the limits at work. */
  connector?: LocalConnector;
  /** Folder of the page's files (default: playground/ at the project root). */
  assetsDir?: string;
  /** Largest activity the local Bot Connector accepts from the bot; Teams' own limit is about 28 KB. */
  maxActivityBytes?: number;
  /** Open event streams at most (each is a browser tab). */
  maxWatchers?: number;
}

export interface Playground {
  /** Ends the open event streams, so that the HTTP server can close. */
  close(): void;
}

/** The playground's fixed identities: one tenant, one signed-in admin, and the bot. */
const PLAYGROUND_TENANT_ID = '00000000-0000-4000-8000-00000000c0de';
const PLAYGROUND_USER = { id: '29:playground-admin', name: 'Playground Admin', aadObjectId: '00000000-0000-4000-8000-0000000000ad' };
const PLAYGROUND_BOT = { id: '28:mail-flow-doctor', name: 'Mail Flow Doctor' };

const CONNECTOR_PREFIX = '/playground/connector';
/** Teams conversation ids: a:..., 19:...@thread.tacv2;messageid=..., and ours. */
const CONVERSATION_ID = /^[\w:.@;=+-]{1,300}$/;

/**
 * A local stand-in for Teams, served by the bot itself in local mode:
 *   GET  /                                 the page (playground/index.html)
 *   GET  /playground/assets/:name          its scripts, styles and host configs
 *   GET  /playground/vendor/adaptivecards.min.js   Microsoft's renderer
 *   GET  /playground/session               a new conversation and the identities the page posts as
 *   GET  /playground/events?conversation=  Server-Sent Events: what the bot posted and updated
 *   GET  /playground/tenant, /playground/audit?locale=   the bot's Exchange backend and audit, read-only
 *   POST /playground/connector/v3/conversations/:id/activities[/:replyToId]   the Bot Connector API the
 *   PUT  /playground/connector/v3/conversations/:id/activities/:activityId    bot calls at serviceUrl
 * The page posts Teams-shaped activities to the bot's own /api/messages with serviceUrl pointing here,
 * so the bot runs exactly as it does for Teams. Transport only: no bot logic here.
 *
 * Nothing authenticates these routes, nor /api/messages in local mode, so a request a web page sends
 * (anything but GET) must carry the token /playground/session gave this page (see requirePageToken).
 */
export function registerPlayground(server: restify.Server, deps: PlaygroundDeps): Playground {
  const pageToken = newPageToken();
  // In local mode with the playground off the token is given to no page, so no page can post at all.
  if (deps.enabled || deps.localMode) server.pre(requirePageToken(pageToken, deps.logger));
  if (!deps.enabled) return { close() {} };
  const { logger, exchange, audit } = deps;
  const connector = deps.connector ?? createLocalConnector();
  const maxActivityBytes = deps.maxActivityBytes ?? 256 * 1024;
  const maxWatchers = deps.maxWatchers ?? 64;
  const assets = loadAssets(deps.assetsDir ?? projectPath('playground'));
  const adaptiveCards = loadAdaptiveCardsBundle();
  const ui = deps.ui ?? loadUiStrings();
  if (!adaptiveCards) logger.warn('The playground needs the adaptivecards package to render cards; run npm install (it is a development dependency).');
  const streams = new Set<() => void>();

  server.get('/', async (_req, res) => {
    sendAsset(res, assets.get('index.html'), PAGE_HEADERS);
  });

  server.get('/playground/assets/:name', async (req, res) => {
    const name = String(req.params.name ?? '');
    sendAsset(res, name === 'index.html' ? undefined : assets.get(name));
  });

  server.get('/playground/vendor/adaptivecards.min.js', async (_req, res) => {
    sendAsset(res, adaptiveCards);
  });

  server.get('/playground/session', async (req, res) => {
    res.json(200, {
      serviceUrl: `${ownOrigin(req)}${CONNECTOR_PREFIX}/`,
      conversation: { id: `a:playground-${randomUUID()}`, conversationType: 'personal', tenantId: PLAYGROUND_TENANT_ID },
      user: PLAYGROUND_USER,
      bot: PLAYGROUND_BOT,
      tenantId: PLAYGROUND_TENANT_ID,
      botRequiresToken: !deps.localMode,
      // Readable only by a page of this origin (no CORS), and sent back with every POST it makes.
      pageToken,
      pageTokenHeader: PAGE_TOKEN_HEADER,
    });
  });

  server.get('/playground/events', async (req, res) => {
    const conversationId = new URL(req.url ?? '/', 'http://playground').searchParams.get('conversation') ?? '';
    if (!CONVERSATION_ID.test(conversationId))
      return fail(res, new HttpError(400, 'bad_conversation', 'Name the conversation: /playground/events?conversation=<id>.'));
    if (streams.size >= maxWatchers)
      return fail(res, new HttpError(503, 'too_many_watchers', `At most ${maxWatchers} playground pages can be open at once; close one.`));
    const end = streamEvents(req, res, {
      replay: (after) => connector.replay(conversationId, after),
      subscribe: (listener) => connector.subscribe(conversationId, listener),
    });
    streams.add(end);
    res.once('close', () => streams.delete(end));
  });

  server.get('/playground/tenant', async (_req, res) => {
    try {
      const [connectors, acceptedDomains] = await Promise.all([exchange.listOutboundConnectors(), exchange.listAcceptedDomains()]);
      res.json(200, { backend: exchange.kind, connectors, acceptedDomains });
    } catch (err) {
      logger.error('playground could not read the tenant', { err: err as Error });
      fail(res, new HttpError(503, 'tenant_unavailable', 'The tenant could not be read; see the bot log.'));
    }
  });

  server.get('/playground/audit', async (req, res) => {
    try {
      // Each entry with the words the audit command's card shows for it, in the language the page chose for cards.
      const strings = ui[pickLocale(new URL(req.url ?? '/', 'http://playground').searchParams.get('locale'))];
      const entries = await audit.recent(15);
      res.json(200, { entries: entries.map((e) => ({ ...e, words: auditWords(e, strings) })) });
    } catch (err) {
      logger.error('playground could not read the audit', { err: err as Error });
      fail(res, new HttpError(503, 'audit_unavailable', 'The audit could not be read; see the bot log.'));
    }
  });

  // The Bot Connector REST API (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference):
  // send to a conversation, reply to an activity, update an activity. Each answers with a ResourceResponse.
  const receive = async (
    req: restify.Request,
    res: restify.Response,
    handle: (conversationId: string, activity: Record<string, unknown>) => { status: number; body: unknown },
  ) => {
    try {
      const conversationId = String(req.params.conversationId ?? '');
      if (!CONVERSATION_ID.test(conversationId)) throw new HttpError(400, 'BadArgument', 'The conversation id is not one the playground makes.');
      const activity = parseJsonObject(await readBody(req, maxActivityBytes));
      const { status, body } = handle(conversationId, activity);
      res.json(status, body);
    } catch (err) {
      if (err instanceof HttpError) return fail(res, err);
      logger.error('playground connector failed', { err: err as Error });
      fail(res, new HttpError(500, 'ServiceError', 'The playground connector failed; see the bot log.'));
    }
  };
  const posted = (conversationId: string, activity: Record<string, unknown>, replyToId?: string) => ({
    status: 200,
    body: { id: connector.post(conversationId, activity, replyToId).activity.id },
  });
  server.post(`${CONNECTOR_PREFIX}/v3/conversations/:conversationId/activities`, async (req, res) => {
    await receive(req, res, (conversationId, activity) => posted(conversationId, activity));
  });
  server.post(`${CONNECTOR_PREFIX}/v3/conversations/:conversationId/activities/:activityId`, async (req, res) => {
    await receive(req, res, (conversationId, activity) => posted(conversationId, activity, String(req.params.activityId)));
  });
  server.put(`${CONNECTOR_PREFIX}/v3/conversations/:conversationId/activities/:activityId`, async (req, res) => {
    await receive(req, res, (conversationId, activity) => {
      const activityId = String(req.params.activityId);
      const event = connector.update(conversationId, activityId, activity);
      if (!event)
        return {
          status: 404,
          body: {
            error: {
              code: 'NotFound',
              message: `No activity ${activityId} in this conversation (it may have been dropped: the playground keeps the latest messages only).`,
            },
          },
        };
      return { status: 200, body: { id: activityId } };
    });
  });

  return {
    close() {
      for (const end of [...streams]) end();
    },
  };
}

/**
 * A pre-routing handler: a request from a web page (Origin or Sec-Fetch-Site) with a method other than GET,
 * HEAD or OPTIONS must carry the page token, so a page of another site cannot drive the bot or its
 * connector even where a browser would send the request (a form, text/plain, a preflight-free fetch).
 * /api/alerts has its own rules (alerts/verify-alert.ts). Programs (curl, the Bot Framework Emulator, the
 * bot calling its own connector) send neither header and pass.
 */
function requirePageToken(token: string, logger: Logger) {
  return (req: restify.Request, res: restify.Response, next: restify.Next) => {
    if (SAFE_METHODS.has(req.method ?? 'GET') || new URL(req.url ?? '/', 'http://localhost').pathname === '/api/alerts') return next();
    const problem = pageTokenProblem(req.headers, token);
    if (!problem) return next();
    logger.info('request refused: no playground token', { path: req.url, origin: req.headers.origin });
    req.resume();
    fail(res, new HttpError(403, 'forbidden', `Request refused: ${problem}. Only the playground page served by this bot may post from a browser.`));
    return next(false);
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The page is ours alone: scripts and styles from this origin only, no framing, no referrer. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function sendAsset(res: ServerResponse, asset: Asset | undefined, headers: Record<string, string> = {}): void {
  if (!asset) {
    fail(res, new HttpError(404, 'not_found', 'No such playground file.'));
    return;
  }
  res.writeHead(200, {
    'content-type': asset.contentType,
    'content-length': asset.body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(asset.body);
}

function fail(res: ServerResponse, err: HttpError): void {
  if (res.headersSent) return;
  res.writeHead(err.status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code: err.code, message: err.message } }));
}

/**
 * Where the bot reaches this server from inside: the address and port the page's request arrived on
 * (whatever name or port mapping the browser used, this socket address is the bot's own).
 */
function ownOrigin(req: IncomingMessage): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}`;
}
