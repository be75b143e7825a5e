import type restify from 'restify';
import type { Logger } from '../log/logger';
import { normaliseAlert, type IncomingAlert } from '../alerts/normalise-alert';
import { verifyAlert } from '../alerts/verify-alert';
import { HttpError, readBody } from './read-body';

export interface AlertRouteDeps {
  token: string;
  /** Signed requests already accepted (teams/seen-activities.ts: shared by every instance on Azure Blob). */
  seenSignatures: { firstTime(key: string): Promise<boolean> };
  maxBodyBytes: number;
  /** Stores the alerts durably; the 202 is sent only after it resolves. */
  accept(alerts: IncomingAlert[]): Promise<string[]>;
  logger: Logger;
  clock?: () => number;
}

/** POST /api/alerts: verify → normalise → store → 202. Delivery to Teams happens after, from the outbox. */
export function registerAlertRoutes(server: restify.Server, deps: AlertRouteDeps): void {
  const clock = deps.clock ?? Date.now;

  server.post('/api/alerts', async (req, res) => {
    try {
      const raw = await readBody(req, deps.maxBodyBytes);
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const now = clock();
      const verdict = verifyAlert({ token: deps.token, rawBody: raw, headers: req.headers, query, remoteAddress: req.socket.remoteAddress, now });
      if (!verdict.ok) throw new HttpError(verdict.status, verdict.status === 403 ? 'forbidden' : 'unauthorized', `Alert not accepted: ${verdict.reason}.`);
      if (verdict.via === 'signature') {
        // A signed request is good for one use: the digest (case folded) is remembered past the replay window.
        const digest = String(req.headers['x-signature-256'])
          .trim()
          .toLowerCase()
          .replace(/^sha256=/, '');
        if (!(await deps.seenSignatures.firstTime(digest))) {
          throw new HttpError(401, 'replayed', 'Alert not accepted: this signed request was already received.');
        }
      }
      const result = normaliseAlert(String(req.headers['content-type'] ?? ''), raw, query);
      if (result.kind === 'validation') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(result.token);
        return;
      }
      if (result.kind === 'error') throw new HttpError(result.status, 'bad_alert', result.message);
      const ids = await deps.accept(result.alerts);
      res.json(202, { accepted: ids.length, ids });
    } catch (err) {
      if (err instanceof HttpError) {
        deps.logger.info('alert refused', { status: err.status, reason: err.message });
        if (!res.headersSent) res.json(err.status, { error: { code: err.code, message: err.message } });
        return;
      }
      deps.logger.error('alert intake failed', { err: err as Error });
      if (!res.headersSent) res.json(500, { error: { code: 'internal', message: 'The alert was not stored; retry later.' } });
    }
  });
}
