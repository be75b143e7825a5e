import { ConfigError, type Config } from '../../config';
import type { Logger } from '../../log/logger';
import type { Store } from '../../store/store';
import type { ExchangeBackend } from './exchange-backend';
import { createExchangeOnlineBackend } from './exchange-online';
import { readCertificateFile } from './exchange-token';
import { createSimulatedExchange, readTenantFile, SAMPLE_TENANT } from './simulated-exchange';

/** The configured Exchange backend: the simulated tenant (default) or Exchange Online. */
export function createExchange(config: Config, store: Store, logger: Logger): ExchangeBackend {
  if (config.exchangeBackend !== 'exchange-online' || !config.exchangeOnline) {
    return createSimulatedExchange(store, config.exchangeSimState ? readTenantFile(config.exchangeSimState) : SAMPLE_TENANT);
  }
  const eo = config.exchangeOnline;
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
