/**
 * A fetch that also trusts extra CA certificates, built on node:https because Node 20's global fetch
 * takes no `ca` and NODE_EXTRA_CA_CERTS is read only at process start. Used for a private proxy or a
 * test stand-in; with no extra CA the backend uses the global fetch.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import zlib from 'node:zlib';

/** The system roots plus the given PEM certificates (a `ca` option alone would replace the roots). */
export function withSystemRoots(extraCa: readonly string[]): string[] {
  return [...tls.rootCertificates, ...extraCa];
}

export function createFetchWithCa(extraCa: readonly string[]): typeof fetch {
  const agent = new https.Agent({ ca: withSystemRoots(extraCa), keepAlive: true });
  const fetchWithCa = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('fetchWithCa takes a URL, not a Request');
    const url = new URL(input);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body = init.body == null ? undefined : typeof init.body === 'string' ? init.body : undefined;
    if (init.body != null && body === undefined) throw new TypeError('fetchWithCa sends string bodies only');
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(url, { method: init.method ?? 'GET', headers, agent: url.protocol === 'https:' ? agent : undefined });
      const signal = init.signal;
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(Object.assign(new TypeError('fetch failed'), { cause: err }));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(Object.assign(new TypeError('fetch failed'), { cause: err })));
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          let raw = Buffer.concat(chunks);
          const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
          if (encoding === 'gzip') {
            try {
              raw = zlib.gunzipSync(raw);
            } catch {
              raw = Buffer.alloc(0); // declared gzip but is not (§2.5: a 403 of NUL bytes): no body
            }
          }
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined || name === 'content-encoding' || name === 'content-length') continue;
            for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
          }
          const status = res.statusCode ?? 0;
          const nullBody = status === 204 || status === 304 || (status >= 100 && status < 200);
          resolve(new Response(nullBody ? null : raw, { status, statusText: res.statusMessage, headers: responseHeaders }));
        });
      });
      req.end(body);
    });
  };
  return fetchWithCa as typeof fetch;
}
