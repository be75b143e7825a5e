import type restify from 'restify';
import { safeEqual } from '../alerts/verify-alert';
import type { Logger } from '../log/logger';
import { readNotifications, type ContentNotification } from '../signals/management-notifications';
import type { BodyBudget } from './body-budget';
import { HttpError, readBody } from './read-body';
import { BODY_IDLE_MS, refuse } from './server';

export interface MicrosoftAlertRouteDeps {
  /** MICROSOFT_ALERTS_AUTH_ID; empty: the route takes nothing. */
  authId: string;
  /** Where content may be fetched from (MANAGEMENT_API_URL's origin) and the tenant it must be for. */
  expect: { origin: string; tenantId: string } | undefined;
  maxBodyBytes: number;
  bodyBudget: BodyBudget;
  /** Keeps the notifications durably; the 200 is sent only after it resolves. */
  keep(items: ContentNotification[]): Promise<number>;
  logger: Logger;
}

/** A validation request's body is `{"validationCode": "…"}`; nothing more is read. */
const VALIDATION_BODY_BYTES = 4096;

/**
 * POST /api/alerts/microsoft: the Office 365 Management Activity API's webhook. The validation request
 * (header Webhook-ValidationCode) is answered 200; a notification must carry the configured
 * Webhook-AuthID, is checked (content on MANAGEMENT_API_URL, this tenant), kept, and answered 200; its
 * content is fetched afterwards (signals/management-inbox.ts).
 */
export function registerMicrosoftAlertRoutes(server: restify.Server, deps: MicrosoftAlertRouteDeps): void {
  server.post('/api/alerts/microsoft', async (req, res) => {
    try {
      if (!deps.authId || !deps.expect)
        throw new HttpError(
          403,
          'not_configured',
          'Microsoft 365 alerts are not taken here: set EXCHANGE_BACKEND=exchange-online and MICROSOFT_ALERTS_AUTH_ID, then run npm run subscribe-alerts.',
        );
      const given = header(req, 'webhook-authid');
      if (header(req, 'webhook-validationcode') !== undefined) {
        // The handshake when the subscription starts: it changes nothing, so it is answered whatever it holds,
        // unless it carries a wrong auth id (someone else's subscription pointed here).
        if (given !== undefined && !safeEqual(given, deps.authId)) throw new HttpError(401, 'unauthorized', 'Webhook-AuthID is not the configured one.');
        await readBody(req, VALIDATION_BODY_BYTES, { idleMs: BODY_IDLE_MS, budget: deps.bodyBudget });
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end();
        return;
      }
      if (given === undefined) throw new HttpError(401, 'unauthorized', 'No Webhook-AuthID header: the subscription must be started with the auth id.');
      if (!safeEqual(given, deps.authId)) throw new HttpError(401, 'unauthorized', 'Webhook-AuthID is not the configured one.');
      if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? '')))
        throw new HttpError(415, 'unsupported_media_type', 'Send the notification as application/json.');
      const raw = await readBody(req, deps.maxBodyBytes, { idleMs: BODY_IDLE_MS });
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        throw new HttpError(400, 'bad_notification', `The body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
      }
      const read = readNotifications(body, deps.expect);
      if (!read.ok) throw new HttpError(read.status, 'bad_notification', read.message);
      const added = await deps.keep(read.items);
      res.json(200, { received: read.items.length, new: added });
    } catch (err) {
      if (err instanceof HttpError) {
        deps.logger.info('Microsoft 365 alert notification refused', { status: err.status, reason: err.message });
        if (!res.headersSent) refuse(req, res, err);
        return;
      }
      deps.logger.error('Microsoft 365 alert intake failed', { err: err as Error });
      if (!res.headersSent) res.json(500, { error: { code: 'internal', message: 'The notification was not stored; it will be sent again.' } });
    }
  });
}

function header(req: restify.Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
