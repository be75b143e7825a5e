import type { Logger } from '../log/logger';
import { ExchangeError, type ExchangeBackend } from './backends/exchange-backend';
import type { TenantView } from './route-of';

/** The tenant as read for a card, or why it could not be read (the card says so instead of guessing). */
export type TenantReading = { view: TenantView } | { error: string };

export type ReadTenant = () => Promise<TenantReading>;

/**
 * Reads connectors and accepted domains for the cards, at most once per `ttlMs`: a burst of pastes costs
 * two Exchange calls, not two per paste. A card may so be up to `ttlMs` behind a change made elsewhere;
 * Fix now itself always reads the tenant afresh before it proposes anything.
 */
export function createTenantReader(exchange: ExchangeBackend, logger: Logger, ttlMs = 30_000, clock: () => number = Date.now): ReadTenant {
  let cached: { at: number; reading: Promise<TenantReading> } | undefined;
  const read = async (): Promise<TenantReading> => {
    try {
      const [connectors, domains] = await Promise.all([exchange.listOutboundConnectors(), exchange.listAcceptedDomains()]);
      return { view: { connectors, domains } };
    } catch (err) {
      if (!(err instanceof ExchangeError)) logger.warn('could not read the tenant for a card', { err: err as Error });
      cached = undefined; // a failure is not kept: the next paste tries again
      return { error: err instanceof ExchangeError ? err.message : 'Exchange did not answer.' };
    }
  };
  return () => {
    const now = clock();
    if (!cached || now - cached.at >= ttlMs) {
      const entry = { at: now, reading: read() };
      cached = entry;
    }
    return cached.reading;
  };
}
