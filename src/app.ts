import type { AddressInfo } from 'node:net';
import { startupWarnings, type Config } from './config';
import { loadKnowledge } from './knowledge/load-knowledge';
import { createLogger, type Logger } from './log/logger';
import { createAuditLog } from './remediation/audit-log';
import type { ExchangeBackend } from './remediation/backends/exchange-backend';
import { createSimulatedExchange, readTenantFile, SAMPLE_TENANT } from './remediation/backends/simulated-exchange';
import { createOperations } from './remediation/operations';
import { createCardRenderer } from './render/render-card';
import { loadUiStrings } from './render/ui-strings';
import { openSqliteStore } from './store/sqlite-store';
import type { Store } from './store/store';
import { createServer } from './http/server';
import { MailFlowDoctorBot } from './teams/bot';
import { createAdapter } from './teams/create-adapter';
import { createProbeLimiter, probeDestination, type Resolver } from './diagnostics';

export interface AppOverrides {
  logger?: Logger;
  clock?: () => Date;
  store?: Store;
  exchange?: ExchangeBackend;
  /** Wraps the configured backend (tests slow it down or make it fail). */
  decorateExchange?: (backend: ExchangeBackend) => ExchangeBackend;
  /** DNS for diagnostics (tests answer with their own records). */
  resolver?: Resolver;
}

export interface App {
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
  readonly store: Store;
}

const VERSION = '0.1.0';

/** Builds every part from the configuration; fakes for tests are passed in, never mocked. */
export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: [config.appPassword] });
  const clock = overrides.clock ?? (() => new Date());
  const store = overrides.store ?? openSqliteStore(config.dataDir);
  const configured = overrides.exchange ?? createSimulatedExchange(store, config.exchangeSimState ? readTenantFile(config.exchangeSimState) : SAMPLE_TENANT);
  const exchange = overrides.decorateExchange ? overrides.decorateExchange(configured) : configured;
  const knowledge = loadKnowledge();
  const ui = loadUiStrings();
  const renderCard = createCardRenderer();
  const { adapter, auth } = createAdapter(config, logger);
  const bot = new MailFlowDoctorBot({
    store,
    logger,
    adapter,
    appId: config.appId,
    knowledge,
    ui,
    renderCard,
    now: clock,
    exchange,
    audit: createAuditLog(store, clock),
    operations: createOperations(store, clock),
    allowedUsers: config.remediationAllowedUsers,
    deadlineMs: config.invokeDeadlineMs,
    limiter: createProbeLimiter({ perUser: config.probe.perUserPerMinute, overall: config.probe.overallPerMinute, windowMs: 60_000 }),
    probe: (target, onStep) =>
      probeDestination(target, {
        timeoutMs: config.probe.timeoutMs,
        allowPrivate: config.probe.allowPrivate,
        allowedPorts: config.probe.ports === '*' ? '*' : [...config.probe.ports],
        trustedCa: config.probe.trustedCa.length ? [...config.probe.trustedCa] : undefined,
        resolver: overrides.resolver,
        onStep: (step) => {
          if (step.status !== 'skipped') onStep(step);
        },
      }),
  });
  const startedAt = Date.now();
  const server = createServer({
    config,
    adapter,
    auth,
    bot,
    logger,
    health: () => ({
      status: 'ok',
      version: VERSION,
      mode: config.localMode ? 'local' : 'authenticated',
      exchangeBackend: exchange.kind,
      storage: store.kind,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    }),
  });

  return {
    store,
    async listen(port = config.port, host?: string) {
      for (const line of startupWarnings(config)) logger.warn(line);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        if (host) server.listen(port, host, () => resolve());
        else server.listen(port, () => resolve());
      });
      const actual = (server.address() as AddressInfo).port;
      logger.info('Mail Flow Doctor is listening', { port: actual, mode: config.localMode ? 'local' : 'authenticated', exchangeBackend: exchange.kind });
      return actual;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeAllConnections?.();
      await store.close();
    },
  };
}
