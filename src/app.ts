import type { AddressInfo } from 'node:net';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { createAlertControls } from './alerts/alert-controls';
import { createAlertDispatcher } from './alerts/alert-dispatcher';
import type { AlertGroup } from './alerts/alert-group';
import { createConversationRateLimit } from './alerts/conversation-rate-limit';
import { createSubscriptions } from './alerts/subscriptions';
import { worstError } from './alerts/worst-error';
import type { DiagnoseDeps } from './chat/diagnose';
import { startupWarnings, type Config } from './config';
import { createProbeLimiter, probeDestination, type Resolver } from './diagnostics';
import { registerAlertRoutes } from './http/alert-routes';
import { registerMicrosoftAlertRoutes } from './http/microsoft-alert-routes';
import { createBodyBudget } from './http/body-budget';
import { registerHostCheck } from './http/host-check';
import { createServer } from './http/server';
import { loadKnowledge } from './knowledge/load-knowledge';
import { createLogger, type Logger } from './log/logger';
import { parseErrors } from './parse/parse-errors';
import { registerPlayground } from './playground/playground-routes';
import { createAuditLog } from './remediation/audit-log';
import { createCertificateSightings } from './remediation/certificate-sightings';
import { tlsFixOffer } from './remediation/tls-fix-offer';
import { createExchange } from './remediation/backends/create-exchange';
import type { ExchangeBackend } from './remediation/backends/exchange-backend';
import { describeCall } from './remediation/describe-call';
import { createOperations, STALE_MS } from './remediation/operations';
import { createRecheckScheduler } from './remediation/recheck-scheduler';
import { runRecheck } from './remediation/run-recheck';
import { settleInterrupted } from './remediation/settle-interrupted';
import { renderAlertGroup } from './render/render-alert';
import type { DiagnosisCardData } from './render/diagnosis-card';
import { pastedErrorCard, type PasteDeps } from './chat/answer-paste';
import { createTenantReader } from './remediation/read-tenant';
import { createCardRenderer } from './render/render-card';
import { loadUiStrings } from './render/ui-strings';
import { createSeenActivities, createSeenKeys } from './store/seen-keys';
import { openSqliteStore } from './store/sqlite-store';
import { createStoreHealth } from './store/store-health';
import type { Store } from './store/store';
import { createSignals } from './signals/create-signals';
import { createMicrosoftApis } from './signals/microsoft-apis';
import { createIncidentReader } from './signals/incidents';
import { DEFAULT_QUEUE_WINDOW_MS, readQueue } from './signals/read-queue';
import { createSignalsWatch } from './signals/signals-watch';
import { createConnectorWatch } from './signals/connector-watch';
import { startAlertSubscription } from './signals/alert-subscription';
import { createManagementInbox } from './signals/management-inbox';
import { withQueue } from './signals/queue-for-alert';
import { ALLOW_LIST_TTL_MS, createAllowList } from './signals/allow-list';
import { createPeriodic } from './signals/periodic';
import { createFetchWithCa } from './remediation/backends/fetch-with-ca';
import type { SignalsSource } from './signals/signals-source';
import type { SignalCommandDeps } from './chat/signal-commands';
import { connectorsCard } from './chat/commands';
import { mayAct } from './remediation/roles';
import { signalsProblemCard } from './render/signals-problem';
import { allowListCard } from './render/allowlist-card';
import { MailFlowDoctorBot } from './teams/bot';
import { createAdapter } from './teams/create-adapter';
import { ignoreResentMessages } from './teams/ignore-resent';
import { refuseOtherTenants } from './teams/refuse-other-tenants';
import { createProactiveSender } from './teams/proactive-sender';

export interface AppOverrides {
  logger?: Logger;
  clock?: () => Date;
  store?: Store;
  exchange?: ExchangeBackend;
  /** Wraps the configured backend (tests slow it down or make it fail). */
  decorateExchange?: (backend: ExchangeBackend) => ExchangeBackend;
  /** DNS for diagnostics (tests answer with their own records). */
  resolver?: Resolver;
  /** Microsoft's signals (message trace, service health) instead of the configured ones. */
  signals?: SignalsSource;
  /** The bot's own Bot Framework credentials (tests sign replies without reaching Azure AD). */
  botCredentials?: ServiceClientCredentialsFactory;
}

export interface App {
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
  readonly store: Store;
}

const VERSION = '0.1.0';
/** Bytes of bodies held at once before their sender is authenticated (8 activities of the 4 MiB maximum). */
const UNAUTHENTICATED_BODY_BUDGET = 32 * 1024 * 1024;

/** Builds every part from the configuration and wires them together; fakes for tests are passed in, never mocked. */
export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const clock = overrides.clock ?? (() => new Date());
  if (!overrides.store && config.storage.kind !== 'sqlite') throw new Error('open the shared store with openStore() and pass it to createApp');
  const store = overrides.store ?? openSqliteStore(config.dataDir);
  const configured = overrides.exchange ?? createExchange(config, store, logger);
  const exchange = overrides.decorateExchange ? overrides.decorateExchange(configured) : configured;
  const knowledge = loadKnowledge();
  const roles = { admins: config.adminUsers, readers: config.readerUsers };
  const ui = loadUiStrings();
  const renderCard = createCardRenderer();
  const { adapter } = createAdapter(config, logger, overrides.botCredentials);
  adapter.use(refuseOtherTenants(config.allowedTenants, logger), ignoreResentMessages(createSeenActivities(store), logger));
  const audit = createAuditLog(store, clock);
  const subscriptions = createSubscriptions(store);
  const sender = createProactiveSender(adapter, config.appId);
  // Simulated: the store is read per card (cheap, and a change shows at once); Exchange Online: once per 30 s.
  const readTenant = createTenantReader(exchange, logger, exchange.kind === 'simulated' ? 0 : 30_000);
  const microsoftApis = createMicrosoftApis(config, logger);
  const signals = overrides.signals ?? createSignals(config, microsoftApis, clock());
  // Simulated: read per card, as the tenant is; Graph: service health at most every 5 minutes.
  const incidents = createIncidentReader(signals, logger, signals.kind === 'simulated' ? 0 : 5 * 60_000);
  const readIncidents = () => incidents.read();
  const renderAlert = (group: AlertGroup, banner: DiagnosisCardData['banner'] = null) =>
    renderAlertGroup(group, { knowledge, ui, renderCard, now: clock(), readTenant, readIncidents }, banner);
  const signalDeps: SignalCommandDeps = {
    knowledge,
    ui,
    renderCard,
    now: clock,
    signals,
    connectors: () => exchange.listOutboundConnectors(),
    parse: parseErrors,
    readIncidents,
    problemCard: (err, locale) => signalsProblemCard(err, locale, { ui, renderCard }),
    connectorWatch: () => connectorWatch.latest(),
    watch: config.watch,
  };
  const allowList = createAllowList({
    store,
    fetch: config.probe.trustedCa.length ? createFetchWithCa(config.probe.trustedCa) : fetch,
    baseUrl: config.microsoft.endpointsUrl,
    clock,
    logger,
    accept: (alerts) => dispatcher.accept(alerts),
  });
  // Microsoft asks for the version at most hourly; one instance asks, and the store shares the answer.
  const allowListCheck = createPeriodic({
    store,
    lease: 'm365-endpoints',
    intervalMs: ALLOW_LIST_TTL_MS,
    clock: () => clock().getTime(),
    run: () =>
      allowList.read().then(
        () => undefined,
        (err) => logger.warn('could not check the Microsoft 365 IP web service', { err: err as Error }),
      ),
  });
  const paste: PasteDeps = { knowledge, ui, renderCard, now: clock, readTenant, readIncidents };
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
  const watch = createSignalsWatch({
    store,
    logger,
    clock: () => clock().getTime(),
    intervalMs: config.watch.intervalMs,
    minAgeMs: config.watch.minAgeMs,
    readQueue: (windowMs) => readQueue({ source: signals, connectors: () => exchange.listOutboundConnectors(), parse: parseErrors, now: clock }, windowMs),
    readIssues: () => signals.serviceHealthIssues(),
    accept: (alerts) => dispatcher.accept(alerts),
    conversations: async () => (await subscriptions.list()).map((s) => s.conversationId),
  });
  const readRecentQueue = () =>
    readQueue({ source: signals, connectors: () => exchange.listOutboundConnectors(), parse: parseErrors, now: clock }, DEFAULT_QUEUE_WINDOW_MS);
  // Microsoft 365's alert policies over the Management Activity API: only with a real tenant to read them from.
  const inbox =
    microsoftApis && config.microsoft.alertsAuthId
      ? createManagementInbox({
          store,
          logger,
          clock: () => clock().getTime(),
          fetchContent: (uri) => microsoftApis.management.get(uri, { permission: 'ActivityFeed.Read' }),
          enrich: async (alerts) => {
            const reading = await readRecentQueue().catch((err) => {
              logger.warn('could not read the queue for a Microsoft 365 alert', { err: err as Error });
              return undefined;
            });
            return reading ? alerts.map((a) => withQueue(a, worstError(parseErrors(a.text)), reading)) : alerts;
          },
          accept: (alerts) => dispatcher.accept(alerts),
        })
      : undefined;
  const probeOptions = {
    timeoutMs: config.probe.timeoutMs,
    allowPrivate: config.probe.allowPrivate,
    allowedPorts: config.probe.ports === '*' ? ('*' as const) : [...config.probe.ports],
    trustedCa: config.probe.trustedCa.length ? [...config.probe.trustedCa] : undefined,
    dnsCheckName: config.probe.dnsCheckName,
    resolver: overrides.resolver,
  };
  const certificates = createCertificateSightings(store, clock);
  const probe: DiagnoseDeps['probe'] = (target, onStep) =>
    probeDestination(target, {
      ...probeOptions,
      onStep: (step) => {
        if (step.status !== 'skipped') onStep(step);
      },
    });
  const connectorWatch = createConnectorWatch({
    store,
    logger,
    clock: () => clock().getTime(),
    intervalMs: config.watch.connectorIntervalMs,
    connectors: () => exchange.listOutboundConnectors(),
    probe: async (target) => {
      const report = await probeDestination(target, probeOptions);
      if (report.certificate) await certificates.record(target.host, report.certificate);
      return report;
    },
    accept: (alerts) => dispatcher.accept(alerts),
  });
  const operations = createOperations(store, clock);
  const rechecks = createRecheckScheduler({
    store,
    logger,
    run: (r) => runRecheck(r, { operations, exchange, probe, update: sender.update, renderCard, knowledge, ui, clock }),
  });
  const bot = new MailFlowDoctorBot({
    paste,
    commands: {
      knowledge,
      ui,
      renderCard,
      exchange,
      audit,
      now: clock,
      subscriptions,
      groupWindowMs: config.alerts.groupWindowMs,
      roles,
      signals: signalDeps,
      allowList,
    },
    actions: {
      exchange,
      knowledge,
      operations,
      audit,
      roles,
      renderCard,
      ui,
      deadlineMs: config.invokeDeadlineMs,
      logger,
      dryRun: config.remediationDryRun,
      describeCall: (change) => describeCall(exchange, change),
      cancelRecheck: (id) => rechecks.cancel(id),
      alertControls: createAlertControls(store, clock),
      renderAlert,
      showError: (error, locale, banner, audience) => pastedErrorCard(error, locale, paste, banner, audience),
      touchAlert: (group) => dispatcher.touch(group.key, group.conversationId),
      certificates,
      showAllowList: async (locale) => allowListCard(await allowList.read(), locale, { ui, renderCard }),
      validationPresses: createSeenKeys(store, 'validation-presses', 5 * 60_000),
      showConnectors: (locale, actor) => connectorsCard(locale, { ui, renderCard, exchange }, mayAct(roles, actor, 'admin')),
    },
    diagnose: {
      knowledge,
      ui,
      renderCard,
      logger,
      probe,
      afterProbe: async (host, port, report) => {
        if (!report.certificate) return undefined;
        const seen = await certificates.record(host, report.certificate);
        const tenant = await readTenant();
        return 'view' in tenant ? tlsFixOffer({ host, port }, seen, tenant.view) : undefined;
      },
      limiter: createProbeLimiter({ perUser: config.probe.perUserPerMinute, overall: config.probe.overallPerMinute, windowMs: 60_000 }),
    },
    conversations: store,
    sender,
    rechecks,
    verifyAfterMs: config.remediationVerifyAfterMs,
    now: clock,
    logger,
  });
  const startedAt = Date.now();
  const storeCheck = createStoreHealth(store, (err) => logger.error('the store failed its health check', { err: err as Error }));
  const bodyBudget = createBodyBudget(UNAUTHENTICATED_BODY_BUDGET);
  const server = createServer({
    config,
    adapter,
    bot,
    logger,
    bodyBudget,
    health: async () => {
      const storeHealth = await storeCheck.check();
      return {
        status: storeHealth.ok ? ('ok' as const) : ('failing' as const),
        ...(storeHealth.problem ? { problem: storeHealth.problem } : {}),
        version: VERSION,
        mode: config.localMode ? 'local' : 'authenticated',
        exchangeBackend: exchange.kind,
        storage: store.kind,
        instance: process.pid,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      };
    },
  });
  registerHostCheck(server, { config, logger });

  registerAlertRoutes(server, {
    token: config.alerts.token,
    seenSignatures: createSeenKeys(store, 'alert-signatures'),
    maxBodyBytes: config.alerts.maxBodyBytes,
    bodyBudget,
    accept: (alerts) => dispatcher.accept(alerts),
    logger,
  });
  registerMicrosoftAlertRoutes(server, {
    authId: config.microsoft.alertsAuthId,
    expect: microsoftApis && { origin: microsoftApis.management.origin, tenantId: microsoftApis.tenantId },
    maxBodyBytes: config.alerts.maxBodyBytes,
    bodyBudget,
    keep: async (items) => (inbox ? inbox.add(items) : 0),
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
      inbox?.start();
      if (config.microsoft.subscribeAtStart && microsoftApis) {
        const { alertsWebhookUrl: address, alertsAuthId: authId } = config.microsoft;
        startAlertSubscription(microsoftApis.management, microsoftApis.tenantId, { address, authId }).then(
          (s) =>
            logger.info('Management API subscription', {
              outcome: s.outcome,
              contentType: s.contentType,
              webhook: s.webhook.address,
              status: s.webhook.status,
            }),
          (err) => logger.warn('could not start the Management API subscription; run npm run subscribe-alerts to see why', { err: err as Error }),
        );
      }
      if (config.watch.enabled) {
        watch.start();
        connectorWatch.start();
        allowListCheck.start();
      }
      // Changes a crash caught half-way are finished from what Exchange shows (on a shared store, only those
      // older than any apply can take: another instance may be applying one right now).
      settleInterrupted({ operations, exchange, audit, renderCard, ui, update: sender.update, logger, clock, olderThanMs: store.shared ? STALE_MS : 0 }).catch(
        (err) => logger.warn('could not settle interrupted changes', { err: err as Error }),
      );
      logger.info('Mail Flow Doctor is listening', { port: actual, mode: config.localMode ? 'local' : 'authenticated', exchangeBackend: exchange.kind });
      return actual;
    },
    async close() {
      await watch.stop();
      await connectorWatch.stop();
      await allowListCheck.stop();
      await inbox?.stop();
      await dispatcher.stop();
      await rechecks.stop();
      playground.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeAllConnections?.();
      await store.close();
    },
  };
}

/** Values that must never reach a log line. */
export function secretsOf(config: Config): string[] {
  const accountKey = config.storage.kind === 'azure-blob' ? /AccountKey=([^;]+)/i.exec(config.storage.connectionString)?.[1] : undefined;
  return [
    config.appPassword,
    config.exchangeOnline?.clientSecret ?? '',
    config.alerts.token,
    config.microsoft.alertsAuthId,
    accountKey ?? '',
    config.storage.kind === 'azure-blob' ? config.storage.connectionString : '',
  ].filter(Boolean);
}
