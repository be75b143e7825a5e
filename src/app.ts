import type { AddressInfo } from 'node:net';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { startupWarnings, type Config } from './config';
import { loadKnowledge } from './knowledge/load-knowledge';
import { createLogger, type Logger } from './log/logger';
import { createAuditLog } from './remediation/audit-log';
import type { ExchangeBackend } from './remediation/backends/exchange-backend';
import { createSimulatedExchange, readTenantFile, SAMPLE_TENANT } from './remediation/backends/simulated-exchange';
import { createOperations } from './remediation/operations';
import { createCardRenderers } from './render/render-card';
import { loadUiStrings } from './render/ui-strings';
import { openSqliteStore } from './store/sqlite-store';
import type { Store } from './store/store';
import { createServer } from './http/server';
import { MailFlowDoctorBot } from './teams/bot';
import { createAdapter } from './teams/create-adapter';
import { createMessageLane } from './teams/message-lane';
import { createProbeLimiter, probeDestination, type Resolver } from './diagnostics';
import { registerPlayground } from './playground/playground-routes';
import { createAlertDispatcher } from './alerts/alert-dispatcher';
import { createAlertControls } from './alerts/alert-controls';
import { createConversationRateLimit } from './alerts/conversation-rate-limit';
import { createSubscriptions } from './alerts/subscriptions';
import { registerAlertRoutes } from './http/alert-routes';
import { parseErrors } from './parse/parse-errors';
import { alertCardData } from './render/alert-card';
import { createProactiveSender } from './teams/proactive-sender';
import { createSeenActivities, createSeenKeys } from './teams/seen-activities';
import type { AlertGroup } from './alerts/alert-group';
import type { DiagnoseDeps } from './chat/diagnose';
import { ConfigError, type Config as AppConfig } from './config';
import { createExchangeOnlineBackend, plannedCalls } from './remediation/backends/exchange-online';
import { readCertificateFile } from './remediation/backends/exchange-token';
import { powershellFor, type Change } from './remediation/change';
import { createRecheckScheduler } from './remediation/recheck-scheduler';
import { runRecheck } from './remediation/run-recheck';

export interface AppOverrides {
  logger?: Logger;
  clock?: () => Date;
  store?: Store;
  exchange?: ExchangeBackend;
  /** Wraps the configured backend (tests slow it down or make it fail). */
  decorateExchange?: (backend: ExchangeBackend) => ExchangeBackend;
  /** DNS for diagnostics (tests answer with their own records). */
  resolver?: Resolver;
  /** The bot's own Bot Framework credentials (tests sign replies without reaching Azure AD). */
  botCredentials?: ServiceClientCredentialsFactory;
}

export interface App {
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
  readonly store: Store;
}

const VERSION = '0.1.0';

/** Builds every part from the configuration; fakes for tests are passed in, never mocked. */
export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const clock = overrides.clock ?? (() => new Date());
  if (!overrides.store && config.storage.kind !== 'sqlite') throw new Error('open the shared store with openStore() and pass it to createApp');
  const store = overrides.store ?? openSqliteStore(config.dataDir);
  const configured = overrides.exchange ?? createExchange(config, store, logger);
  const exchange = overrides.decorateExchange ? overrides.decorateExchange(configured) : configured;
  const knowledge = loadKnowledge();
  const ui = loadUiStrings();
  const { renderCard, renderCardJson } = createCardRenderers();
  const { adapter, auth } = createAdapter(config, logger, overrides.botCredentials);
  const audit = createAuditLog(store, clock);
  const subscriptions = createSubscriptions(store);
  const sender = createProactiveSender(adapter, config.appId);
  const renderAlert = (group: AlertGroup) => renderCard('diagnosis', alertCardData(group, knowledge, ui, clock()));
  const dispatcher = createAlertDispatcher({
    store,
    sender,
    subscriptions,
    rateLimit: createConversationRateLimit(store),
    render: renderAlert,
    parse: (text) => worstError(parseErrors(text)),
    groupWindowMs: config.alerts.groupWindowMs,
    logger,
  });
  const probe: DiagnoseDeps['probe'] = (target, onStep) =>
    probeDestination(target, {
      timeoutMs: config.probe.timeoutMs,
      allowPrivate: config.probe.allowPrivate,
      allowedPorts: config.probe.ports === '*' ? '*' : [...config.probe.ports],
      trustedCa: config.probe.trustedCa.length ? [...config.probe.trustedCa] : undefined,
      resolver: overrides.resolver,
      onStep: (step) => {
        if (step.status !== 'skipped') onStep(step);
      },
    });
  const operations = createOperations(store, clock);
  const rechecks = createRecheckScheduler({
    store,
    logger,
    run: (r) => runRecheck(r, { operations, exchange, probe, update: sender.update, renderCard, knowledge, ui, clock }),
  });
  const onWriteError = (err: unknown) => logger.warn('could not write down recently seen activities; a restart may answer a re-sent one twice', { err: err as Error });
  const seenActivities = createSeenActivities(store, Date.now, { onWriteError });
  const seenSignatures = createSeenKeys(store, 'alert-signatures', undefined, Date.now, { onWriteError });
  const bot = new MailFlowDoctorBot({
    seen: seenActivities,
    sender,
    rechecks,
    verifyAfterMs: config.remediationVerifyAfterMs,
    dryRun: config.remediationDryRun,
    describeCall: (change) => describeCall(exchange, change),
    cancelRecheck: (id) => rechecks.cancel(id),
    subscriptions,
    groupWindowMs: config.alerts.groupWindowMs,
    alertControls: createAlertControls(store, clock),
    renderAlert,
    touchAlert: (group) => dispatcher.touch(group.key, group.conversationId),
    store,
    logger,
    adapter,
    appId: config.appId,
    knowledge,
    ui,
    renderCard,
    renderCardJson,
    now: clock,
    exchange,
    audit,
    operations,
    allowedUsers: config.remediationAllowedUsers,
    deadlineMs: config.invokeDeadlineMs,
    limiter: createProbeLimiter({ perUser: config.probe.perUserPerMinute, overall: config.probe.overallPerMinute, windowMs: 60_000 }),
    probe,
  });
  const startedAt = Date.now();
  const server = createServer({
    config,
    adapter,
    auth,
    bot,
    messages: createMessageLane({ auth, bot, logger }),
    logger,
    health: () => ({
      status: 'ok',
      version: VERSION,
      mode: config.localMode ? 'local' : 'authenticated',
      exchangeBackend: exchange.kind,
      storage: store.kind,
      instance: process.pid,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    }),
  });

  registerAlertRoutes(server, {
    token: config.alerts.token,
    seenSignatures,
    maxBodyBytes: config.alerts.maxBodyBytes,
    accept: (alerts) => dispatcher.accept(alerts),
    logger,
  });
  const playground = registerPlayground(server, { enabled: config.playground, localMode: config.localMode, exchange, audit, logger });

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
      dispatcher.start();
      rechecks.start();
      logger.info('Mail Flow Doctor is listening', { port: actual, mode: config.localMode ? 'local' : 'authenticated', exchangeBackend: exchange.kind });
      return actual;
    },
    async close() {
      await dispatcher.stop();
      await rechecks.stop();
      playground.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeAllConnections?.();
      await Promise.all([seenActivities.flush(), seenSignatures.flush()]);
      await store.close();
    },
  };
}

/** The error an alert is about: permanent before transient, connector errors first among equals. */
function worstError(errors: ReturnType<typeof parseErrors>) {
  return [...errors].sort((a, b) => Number(b.enhancedCode[0]) - Number(a.enhancedCode[0]))[0];
}

/** The configured Exchange backend: the simulated tenant (default) or Exchange Online. */
function createExchange(config: AppConfig, store: Store, logger: Logger): ExchangeBackend {
  if (config.exchangeBackend !== 'exchange-online') {
    return createSimulatedExchange(store, config.exchangeSimState ? readTenantFile(config.exchangeSimState) : SAMPLE_TENANT);
  }
  const eo = config.exchangeOnline!;
  let certificate;
  try {
    certificate = eo.certPath ? readCertificateFile(eo.certPath) : undefined;
  } catch (err) {
    throw new ConfigError([`EXCHANGE_CERT_PATH: ${(err as Error).message}`]);
  }
  return createExchangeOnlineBackend({
    tenantId: eo.tenantId,
    clientId: eo.clientId,
    clientSecret: eo.clientSecret,
    certificate,
    adminApiUrl: eo.adminApiUrl,
    authorityUrl: eo.authorityUrl,
    trustedCa: config.probe.trustedCa.length ? config.probe.trustedCa : undefined,
    logger,
  });
}

/** What Fix now would call, exactly: the InvokeCommand request for Exchange Online, the PowerShell line otherwise. */
function describeCall(exchange: ExchangeBackend, change: Change): string {
  const online = exchange as Partial<ReturnType<typeof createExchangeOnlineBackend>>;
  if (exchange.kind !== 'exchange-online' || !online.describeCall) return `Simulated tenant: ${powershellFor(change)}`;
  const input = change.kind === 'connector-enabled'
    ? plannedCalls.setOutboundConnectorEnabled(change.target, change.to)
    : plannedCalls.setAcceptedDomainType(change.target, change.to);
  const call = online.describeCall(input.cmdletName, input.parameters);
  return `${call.method} ${call.url}\n${Object.entries(call.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${call.body}`;
}

/** Values that must never reach a log line. */
export function secretsOf(config: AppConfig): string[] {
  const accountKey = config.storage.kind === 'azure-blob' ? /AccountKey=([^;]+)/i.exec(config.storage.connectionString)?.[1] : undefined;
  return [config.appPassword, config.exchangeOnline?.clientSecret ?? '', config.alerts.token, accountKey ?? '', config.storage.kind === 'azure-blob' ? config.storage.connectionString : ''].filter(Boolean);
}
