import type { ServerResponse } from 'node:http';
import type { Response } from 'botbuilder';

/** A JSON answer on a plain node response (the first chain runs before restify decorates `res`). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/**
 * botbuilder's Response over a plain node response, for CloudAdapter.process: `status`, `header`, then at
 * most one `send` (an invoke response body, or an error text) and `end`. Objects are sent as JSON, as
 * restify and express send them.
 */
export function botResponse(res: ServerResponse): Response {
  let body: unknown;
  return {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
    },
    send(value: unknown) {
      body = value;
    },
    end() {
      if (res.writableEnded) return;
      if (body === undefined || body === null) {
        res.end();
      } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
        if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(body);
      } else {
        const json = JSON.stringify(body);
        res.setHeader('content-type', 'application/json');
        res.setHeader('content-length', Buffer.byteLength(json));
        res.end(json);
      }
    },
  };
}
