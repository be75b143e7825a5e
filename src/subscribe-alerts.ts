/**
 * npm run subscribe-alerts: starts the Management Activity API subscription that sends Microsoft 365's
 * alert policy records to this bot (MICROSOFT_ALERTS_WEBHOOK_URL, with MICROSOFT_ALERTS_AUTH_ID), using the
 * Exchange backend's app registration. Prints what Microsoft answered; exits 1 with the reason otherwise.
 */
import { ConfigError, loadConfig } from './config';
import { secretsOf } from './app';
import { createLogger } from './log/logger';
import { startAlertSubscription } from './signals/alert-subscription';
import { createMicrosoftApis } from './signals/microsoft-apis';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const { alertsAuthId, alertsWebhookUrl } = config.microsoft;
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const apis = createMicrosoftApis(config, logger);
  if (!apis || !alertsAuthId || !alertsWebhookUrl) {
    process.stderr.write(
      'npm run subscribe-alerts needs EXCHANGE_BACKEND=exchange-online (with its app registration), MICROSOFT_ALERTS_AUTH_ID and MICROSOFT_ALERTS_WEBHOOK_URL.\n',
    );
    return 1;
  }
  try {
    const s = await startAlertSubscription(apis.management, apis.tenantId, { address: alertsWebhookUrl, authId: alertsAuthId });
    const said = { started: 'Subscription started', already: 'Subscription already points here', moved: 'Subscription moved here' }[s.outcome];
    process.stdout.write(`${said}: ${s.contentType} → ${s.webhook.address} (subscription ${s.status}, webhook ${s.webhook.status}).\n`);
    process.stdout.write('Microsoft may take up to 12 hours to send the first records.\n');
    return 0;
  } catch (err) {
    process.stderr.write(`The subscription was not started: ${(err as Error).message}\n`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`npm run subscribe-alerts failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
