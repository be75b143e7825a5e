import type { Config } from '../config';
import { sampleSignals } from './sample-signals';
import type { SignalsSource } from './signals-source';
import { createSimulatedSignals } from './simulated-signals';

/**
 * The configured signals: Microsoft Graph with the Exchange backend's app registration, or the simulated
 * tenant's (EXCHANGE_SIM_STATE, else the built-in sample placed in time from `startedAt`).
 */
export function createSignals(config: Config, startedAt: Date): SignalsSource {
  return createSimulatedSignals({ file: config.exchangeSimState, sample: () => sampleSignals(startedAt) });
}
