import type { IncomingMessage } from 'node:http';
import type { BodyBudget } from './body-budget';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers (Retry-After on a 503). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface ReadBodyOptions {
  /** Shared across requests: the bytes this body holds count against it while it is being read. */
  budget?: BodyBudget;
  /** A body that sends nothing for this long is given up (408): a slow sender holds no socket for long. */
  idleMs?: number;
  /**
   * Keep the body's bytes taken from the budget once it has arrived: its sender is still unproven until the
   * caller checks it, and the caller gives `body.length` back then. A failed read always gives them back.
   */
  holdBudget?: boolean;
}

/** How long a refused-for-load sender is asked to wait. */
const RETRY_AFTER_S = 5;

/**
 * Reads the raw body up to `limit` bytes; a larger one is refused with 413 without reading it all.
 * Plain stream events rather than `for await`: the request's own events decide each outcome.
 */
export function readBody(req: IncomingMessage, limit: number, options: ReadBodyOptions = {}): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, 'payload_too_large', `The request body is ${declared} bytes; the limit is ${limit} bytes.`));
  }
  const { budget, idleMs, holdBudget } = options;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let taken = 0;
    let idle: NodeJS.Timeout | undefined;
    // Settled once; later events (the 'close' after 'end', data after a refusal) change nothing.
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      if (err || !holdBudget) budget?.give(taken);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const armIdle = () => {
      if (!idleMs) return;
      clearTimeout(idle);
      idle = setTimeout(() => finish(new HttpError(408, 'request_timeout', `The request body stopped arriving for ${idleMs / 1000} s.`)), idleMs);
      idle.unref();
    };
    armIdle();
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        finish(new HttpError(413, 'payload_too_large', `The request body is larger than the limit of ${limit} bytes.`));
        return;
      }
      if (budget) {
        if (!budget.take(chunk.length)) {
          finish(
            new HttpError(503, 'busy', `Too many request bodies are being received at once; retry in ${RETRY_AFTER_S} s.`, {
              'retry-after': String(RETRY_AFTER_S),
            }),
          );
          return;
        }
        taken += chunk.length;
      }
      chunks.push(chunk);
      armIdle();
    });
    req.on('end', () => finish());
    // An aborted upload ("aborted", ECONNRESET) or a connection closed early is an incomplete body.
    const incomplete = () => finish(new HttpError(400, 'incomplete_body', 'The connection closed before the whole request body arrived.'));
    req.on('error', incomplete);
    req.on('close', incomplete);
  });
}

/** Parses a JSON object body; anything else is a 400 that says what was wrong. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) throw new HttpError(400, 'empty_body', 'The request body is empty; send a JSON Bot Framework activity.');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'malformed_json', `The request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'not_an_object', 'The request body must be a JSON object (a Bot Framework activity).');
  }
  return value as Record<string, unknown>;
}
