import type { IncomingMessage } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads the raw body up to `limit` bytes; a larger one is refused with 413 without reading it all.
 * Plain stream events rather than `for await`: one promise per request instead of one per chunk.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new HttpError(413, 'payload_too_large', `The request body is ${declared} bytes; the limit is ${limit} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Settled once; later events (the 'close' after 'end', data after a 413) change nothing, so the listeners
    // can stay on the request, which ends with this exchange (four fewer listener operations per message).
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        finish(new HttpError(413, 'payload_too_large', `The request body is larger than the limit of ${limit} bytes.`));
        req.resume(); // drain the rest without keeping it
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    // 'close' also follows every complete request: only an unsettled read is an incomplete body (and an
    // Error, with its stack, is made only then).
    const onClose = () => {
      if (!settled) finish(new HttpError(400, 'incomplete_body', 'The connection closed before the whole request body arrived.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onClose); // an aborted upload ("aborted", ECONNRESET) is the same incomplete body
    req.on('close', onClose);
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
