import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectorEvent } from './local-connector';

export interface EventSource {
  replay(afterEventId?: string): ConnectorEvent[];
  subscribe(listener: (event: ConnectorEvent) => void): () => void;
}

/**
 * Server-Sent Events (https://html.spec.whatwg.org/multipage/server-sent-events.html): replays what the
 * watcher has not seen (all, or after Last-Event-ID when the browser reconnects), then sends each new
 * event. A comment line every `heartbeatMs` keeps proxies and idle timers from closing the stream.
 * Returns a function that ends the stream (the server is stopping).
 */
export function streamEvents(req: IncomingMessage, res: ServerResponse, source: EventSource, heartbeatMs = 25_000): () => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const send = (event: ConnectorEvent) => {
    // JSON.stringify never emits a raw newline, so one data line carries the whole event.
    res.write(`id: ${event.id}\nevent: activity\ndata: ${JSON.stringify(event)}\n\n`);
  };
  res.write('retry: 2000\n\n');
  const lastEventId = req.headers['last-event-id'];
  for (const event of source.replay(typeof lastEventId === 'string' ? lastEventId : undefined)) send(event);
  const unsubscribe = source.subscribe(send);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  heartbeat.unref();

  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  req.once('close', end);
  res.once('close', end);
  return end;
}
