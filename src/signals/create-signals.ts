import type { Config } from '../config';
import { createGraphSignals } from './graph-signals';
import type { MicrosoftApis } from './microsoft-apis';
import { createRequestBudget } from './request-budget';
import { sampleSignals } from './sample-signals';
import type { SignalsSource } from './signals-source';
import { createSimulatedSignals } from './simulated-signals';

/** The message trace's own limit: "100 query requests … within a 5 minute running window". */
const TRACE_REQUESTS = 100;
const TRACE_WINDOW_MS = 5 * 60_000;

/**
 * The configured signals: Microsoft Graph with the Exchange backend's app registration, or the simulated
 * tenant's (EXCHANGE_SIM_STATE, else the built-in sample placed in time from `startedAt`).
 */
export function createSignals(config: Config, apis: MicrosoftApis | undefined, startedAt: Date): SignalsSource {
  if (apis) return createGraphSignals(apis.graph, createRequestBudget(TRACE_REQUESTS, TRACE_WINDOW_MS));
  return createSimulatedSignals({ file: config.exchangeSimState, sample: () => sampleSignals(startedAt) });
}
