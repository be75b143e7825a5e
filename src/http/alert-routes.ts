import type restify from 'restify';
import type { Logger } from '../log/logger';
import { normaliseAlert, type IncomingAlert } from '../alerts/normalise-alert';
import { type Verdict, verifyAlert } from '../alerts/verify-alert';
import type { BodyBudget } from './body-budget';
import { HttpError, readBody } from './read-body';
import { BODY_IDLE_MS, refuse } from './server';

export interface AlertRouteDeps {
  token: string;
  /** Signed requests already accepted (store/seen-keys.ts: shared by every instance on Azure Blob). */
  seenSignatures: { firstTime(key: string): Promise<boolean> };
  maxBodyBytes: number;
  /** Bytes held at once for bodies not yet authenticated (signed alerts, loopback senders), shared with /api/messages. */
  bodyBudget: BodyBudget;
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
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const now = clock();
      const request = { token: deps.token, headers: req.headers, query, remoteAddress: req.socket.remoteAddress, now };
      // What the headers decide is answered before the body is read; a body whose sender is not yet known to
      // hold the token counts against the shared budget while it arrives.
      const first = verifyAlert(request);
      if (first.ok === false) throw new HttpError(first.status, first.status === 403 ? 'forbidden' : 'unauthorized', `Alert not accepted: ${first.reason}.`);
      const unproven = first.ok === 'body-needed' || first.via === 'loopback';
      const raw = await readBody(req, deps.maxBodyBytes, { idleMs: BODY_IDLE_MS, budget: unproven ? deps.bodyBudget : undefined, holdBudget: unproven });
      let verdict: Verdict;
      try {
        verdict = first.ok === 'body-needed' ? verifyAlert({ ...request, rawBody: raw }) : first;
      } finally {
        if (unproven) deps.bodyBudget.give(raw.length); // checked now: its bytes are no longer a stranger's
      }
      if (verdict.ok !== true) {
        const status = verdict.ok === false ? verdict.status : 401;
        throw new HttpError(
          status,
          status === 403 ? 'forbidden' : 'unauthorized',
          `Alert not accepted: ${verdict.ok === false ? verdict.reason : 'no signature'}.`,
        );
      }
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
        if (!res.headersSent) refuse(req, res, err);
        return;
      }
      deps.logger.error('alert intake failed', { err: err as Error });
      if (!res.headersSent) res.json(500, { error: { code: 'internal', message: 'The alert was not stored; retry later.' } });
    }
  });
}
