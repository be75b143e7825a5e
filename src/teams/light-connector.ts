import { Agent, errors } from 'undici';
import { AppCredentials, type ConnectorClient } from 'botframework-connector';
import { serializeActivity } from './serialize-activity';

/** Kept-alive connections per origin; a stalled Bot Connector fails the call instead of holding it. */
const ANSWER_WITHIN_MS = 30_000;
/** The Bot Connector answers with a resource id; anything far larger is not an answer to keep. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 60_000 });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One JSON request over a kept-alive connection, with undici's (Node's own HTTP client library) dispatch
 * API: the answer arrives in callbacks, without the response stream and body mixin of request() or
 * fetch(), which cost several µs per reply under load (bench/http.bench.ts).
 */
function request(method: 'POST' | 'PUT', target: Target, path: string, headers: Record<string, string>, body: Buffer, answerWithinMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let answerHeaders: Answer['headers'] = {};
    const chunks: Buffer[] = [];
    let size = 0;
    dispatcher.dispatch(
      { origin: target.origin, path: target.basePath + path, method, headers, body, headersTimeout: answerWithinMs, bodyTimeout: answerWithinMs },
      {
        onRequestStart() {}, // marks the handler as undici 7's controller API
        onResponseStart(_controller, statusCode, responseHeaders) {
          status = statusCode;
          answerHeaders = responseHeaders;
        },
        onResponseData(controller, chunk) {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) controller.abort(new Error(`The Bot Connector's answer is larger than ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(chunk);
        },
        onResponseEnd() {
          resolve({ status, headers: answerHeaders, text: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8') });
        },
        onResponseError(_controller, err) {
          if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) {
            reject(new Error(`The Bot Connector did not answer within ${answerWithinMs / 1000} s`, { cause: err }));
          } else {
            reject(err);
          }
        },
      },
    );
  });
}

/** Where a service URL points, parsed once: each call only appends its path. */
interface Target {
  origin: string;
  basePath: string;
}

function targetOf(serviceUrl: string): Target {
  const url = new URL(serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`The service URL must be http or https: ${url.protocol}`);
  return { origin: url.origin, basePath: url.pathname };
}

/**
 * Sends, replies and updates through plain JSON over pooled keep-alive connections,
 * instead of the connector client's generic REST pipeline, which serialises every activity through its
 * model mappers and policies and was the largest single cost per message in a CPU profile under load
 * (bench/http.bench.ts). Authentication is the client's own: its credentials sign each request, so tokens
 * are fetched, cached and refreshed exactly as before. Every other operation goes to the original client.
 */
export function lightenConnector(client: ConnectorClient, serviceUrl: string, answerWithinMs = ANSWER_WITHIN_MS): ConnectorClient {
  const target = targetOf(serviceUrl);
  const credentials = client.credentials as { signRequest?(resource: unknown): Promise<unknown> } | undefined;
  // botbuilder's AppCredentials without an app id (local mode) never sign: signRequest would only resolve.
  const unsigned = !credentials || (credentials instanceof AppCredentials && !credentials.appId);

  const authorization = async (): Promise<string | undefined> => {
    let value: string | undefined;
    await credentials?.signRequest?.({
      headers: { set: (name: string, v: string) => void (name.toLowerCase() === 'authorization' && (value = v)) },
    });
    return value;
  };

  const call = async (method: 'POST' | 'PUT', path: string, activity: object) => {
    const auth = unsigned ? undefined : await authorization();
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (auth) headers.authorization = auth;
    const res = await request(method, target, path, headers, serializeActivity(activity), answerWithinMs);
    if (res.status < 200 || res.status >= 300) {
      // The shape botbuilder's callers (and ours) read from the REST client's errors.
      throw Object.assign(new Error(`The Bot Connector answered ${res.status}: ${res.text.slice(0, 300)}`), {
        statusCode: res.status,
        response: { status: res.status, headers: { get: (name: string) => headerValue(res.headers[name.toLowerCase()]) }, bodyAsText: res.text },
      });
    }
    try {
      return res.text ? JSON.parse(res.text) : {};
    } catch {
      return {}; // delivered; the connector just did not say the new message's id
    }
  };
  const enc = encodeURIComponent;
  const conversations = Object.create(client.conversations) as ConnectorClient['conversations'];
  Object.assign(conversations, {
    replyToActivity: (conversationId: string, activityId: string, activity: object) =>
      call('POST', `v3/conversations/${enc(conversationId)}/activities/${enc(activityId)}`, activity),
    sendToConversation: (conversationId: string, activity: object) => call('POST', `v3/conversations/${enc(conversationId)}/activities`, activity),
    updateActivity: (conversationId: string, activityId: string, activity: object) =>
      call('PUT', `v3/conversations/${enc(conversationId)}/activities/${enc(activityId)}`, activity),
  });
  return new Proxy(client, { get: (target, prop, receiver) => (prop === 'conversations' ? conversations : Reflect.get(target, prop, receiver)) });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
