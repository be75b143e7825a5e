import { ConfigError, loadConfig } from './config';
import { createApp, secretsOf } from './app';
import { createLogger } from './log/logger';
import { openStore } from './store/open-store';
import { describeOpenError } from './store/open-error';
import { playgroundUrl } from './playground/playground-url';

/** Composition root: configuration → parts → listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  let store;
  try {
    store = await openStore(config, logger);
  } catch (err) {
    process.stderr.write(`${describeOpenError(err, config)}\n`);
    process.exit(1);
  }
  const app = createApp(config, { logger, store });
  // Background work (card updates, alert delivery, re-checks) logs its own failures; anything that still
  // escapes is logged here rather than taking the bot down mid-delivery.
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { err: err as Error }));
  const port = await app.listen(config.port, config.host);
  const playground = playgroundUrl(config, port);
  process.stdout.write(
    `\nMail Flow Doctor is ready on http://localhost:${port}\n` +
      `  Bot endpoint: POST http://localhost:${port}/api/messages\n` +
      `  Alerts:       POST http://localhost:${port}/api/alerts\n` +
      (config.microsoft.alertsAuthId ? `  Microsoft 365 alerts: POST http://localhost:${port}/api/alerts/microsoft\n` : '') +
      `  Health:       GET  http://localhost:${port}/healthz\n` +
      (playground ? `  Playground:   ${playground}   (try the bot in your browser)\n` : '') +
      '\n',
  );
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`Mail Flow Doctor failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
