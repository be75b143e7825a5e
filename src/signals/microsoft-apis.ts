import { ConfigError, type Config } from '../config';
import type { Logger } from '../log/logger';
import { createTokenSource, readCertificateFile } from '../remediation/backends/exchange-token';
import { createFetchWithCa } from '../remediation/backends/fetch-with-ca';
import { createGraphClient, type GraphClient } from './graph-client';

export interface MicrosoftApis {
  graph: GraphClient;
  management: GraphClient;
  tenantId: string;
}

/**
 * Graph and the Management API with the Exchange backend's app registration (one registration, one
 * consent), each with its own token (`{GRAPH_API_URL}/.default`, `{MANAGEMENT_API_URL}/.default`).
 * Undefined with the simulated backend: there is no tenant to ask.
 */
export function createMicrosoftApis(config: Config, logger: Logger): MicrosoftApis | undefined {
  const eo = config.exchangeOnline;
  if (config.exchangeBackend !== 'exchange-online' || !eo) return undefined;
  let certificate;
  try {
    certificate = eo.certPath ? readCertificateFile(eo.certPath) : undefined;
  } catch (err) {
    throw new ConfigError([`EXCHANGE_CERT_PATH: ${(err as Error).message}`]);
  }
  const trustedCa = config.probe.trustedCa.length ? config.probe.trustedCa : undefined;
  const fetchFn = trustedCa ? createFetchWithCa(trustedCa) : fetch;
  const client = (baseUrl: string) =>
    createGraphClient({
      baseUrl,
      fetch: fetchFn,
      logger,
      token: createTokenSource({
        tenantId: eo.tenantId,
        clientId: eo.clientId,
        clientSecret: eo.clientSecret,
        certificate,
        adminApiUrl: eo.adminApiUrl,
        scope: `${baseUrl}/.default`,
        authorityUrl: eo.authorityUrl,
        trustedCa,
        logger,
      }),
    });
  return { graph: client(config.microsoft.graphApiUrl), management: client(config.microsoft.managementApiUrl), tenantId: eo.tenantId };
}
