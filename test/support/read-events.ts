/** A Server-Sent Events client for tests: collects events from a real stream until told to stop. */
export interface StreamedEvent {
  id?: string;
  event: string;
  data: any;
}

export interface EventReader {
  events: StreamedEvent[];
  /** Resolves when `predicate` holds for the events so far; fails after `timeoutMs`. */
  waitFor(predicate: (events: StreamedEvent[]) => boolean, timeoutMs?: number): Promise<StreamedEvent[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function readEvents(url: string, headers: Record<string, string> = {}): Promise<EventReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (res.status !== 200) throw new Error(`event stream answered ${res.status}: ${await res.text()}`);
  const events: StreamedEvent[] = [];
  const waiters = new Set<() => void>();
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (!line || line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
          }
          if (fields.data !== undefined) events.push({ id: fields.id, event: fields.event ?? 'message', data: JSON.parse(fields.data) });
          waiters.forEach((w) => w());
        }
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  })();
  return {
    events,
    ended,
    async waitFor(predicate, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for events; got ${JSON.stringify(events.map((e) => [e.id, e.data?.kind, e.data?.activity?.text]))}`);
        await new Promise<void>((resolve) => {
          waiters.add(resolve);
          setTimeout(() => {
            waiters.delete(resolve);
            resolve();
          }, 50);
        });
      }
      return events;
    },
    close: () => abort.abort(),
  };
}
