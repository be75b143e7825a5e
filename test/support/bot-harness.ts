import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App, type AppOverrides } from '../../src/app';
import { loadConfig } from '../../src/config';
import { memoryLogger } from '../../src/log/logger';
import { startConnectorStandIn, type ConnectorStandIn, type StandInOptions } from './connector-stand-in';
import { cardProblems, messageBytes } from './validate-card';

export interface Harness {
  url: string;
  connector: ConnectorStandIn;
  dataDir: string;
  logs: string[];
  post(activity: object, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string }>;
  postRaw(body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** POST /api/alerts with a raw body. */
  alert(body: string | Buffer, headers?: Record<string, string>, query?: string): Promise<{ status: number; text: string; body: any }>;
  /** Stops the bot and starts it again on the same DATA_DIR (the connector stand-in stays). */
  restart(extraEnv?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** The real server on port 0 with a temporary DATA_DIR, and a Bot Connector stand-in for replies. */
export async function startBot(
  env: Record<string, string> = {},
  opts: {
    dataDir?: string;
    clock?: () => Date;
    decorateExchange?: AppOverrides['decorateExchange'];
    resolver?: AppOverrides['resolver'];
    botCredentials?: AppOverrides['botCredentials'];
    connector?: StandInOptions;
    /** A store of the test's own (one that fails, say) instead of the SQLite file in DATA_DIR. */
    store?: AppOverrides['store'];
  } = {},
): Promise<Harness> {
  const connector = await startConnectorStandIn(opts.connector);
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-'));
  const logger = memoryLogger();
  let app: App;
  let url = '';
  let currentEnv = env;
  const boot = async () => {
    // The watch posts to subscribed channels on its own: off unless a test turns it on.
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'debug', WATCH: 'off', ...currentEnv });
    app = createApp(config, {
      logger,
      store: opts.store,
      clock: opts.clock,
      decorateExchange: opts.decorateExchange,
      resolver: opts.resolver,
      botCredentials: opts.botCredentials,
    });
    const port = await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  };
  await boot();
  const harness: Harness = {
    get url() {
      return url;
    },
    connector,
    dataDir,
    logs: logger.lines,
    async post(activity, headers = {}) {
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      let body: any;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.status, body, text };
    },
    async postRaw(body, headers = {}) {
      const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: res.status, text: await res.text() };
    },
    async alert(body, headers = {}, query = '') {
      const res = await fetch(`${url}/api/alerts${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const text = await res.text();
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, text, body: parsed };
    },
    async restart(extraEnv = {}) {
      await app.close();
      currentEnv = { ...currentEnv, ...extraEnv };
      await boot();
    },
    async stop() {
      await app.close();
      await connector.close();
    },
  };
  return harness;
}

/** Every card the stand-in received must pass Microsoft's library and stay under Teams' 28 KB. */
export function assertCardsValid(connector: ConnectorStandIn): void {
  for (const call of connector.calls) {
    for (const a of call.body?.attachments ?? []) {
      if (a.contentType !== 'application/vnd.microsoft.card.adaptive') continue;
      const problems = cardProblems(a.content);
      if (problems.length) throw new Error(`invalid card sent (${call.method} ${call.path}): ${problems.join('; ')}`);
    }
    const size = messageBytes(call.body);
    if (size >= 28 * 1024) throw new Error(`message of ${size} bytes is over 28 KB`);
  }
}
