/**
 * The simulated tenant's message trace and service health: the `messageTraces` and `serviceHealthIssues`
 * of EXCHANGE_SIM_STATE (Graph's JSON, each trace with an optional `details` array), else the built-in
 * sample. The file is read again when it changes, so a test or a playground user can edit the queue of a
 * running bot. Everything goes through read-graph-json.ts, as Graph's answers do.
 */
import fs from 'node:fs';
import { readAll, readHealthIssue, readMessageTrace, readTraceDetail } from './read-graph-json';
import type { SignalsSource } from './signals-source';
import { traceWindows } from './trace-windows';

export interface SimulatedSignalsState {
  messageTraces?: unknown[];
  serviceHealthIssues?: unknown[];
}

export interface SimulatedSignalsOptions {
  /** EXCHANGE_SIM_STATE; without one, `sample` is used. */
  file?: string;
  sample: () => SimulatedSignalsState;
  /** Called with the windows of each trace query (tests check the 10-day split). */
  onQuery?: (window: { start: Date; end: Date }) => void;
}

export function createSimulatedSignals(opts: SimulatedSignalsOptions): SignalsSource {
  let cached: { mtimeMs: number; state: SimulatedSignalsState } | undefined;
  const sample = opts.sample();
  const state = (): SimulatedSignalsState => {
    if (!opts.file) return sample;
    const mtimeMs = fs.statSync(opts.file).mtimeMs;
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, state: readSignalsFile(opts.file) };
    return cached.state;
  };
  const rawTrace = (id: string, recipient: string) =>
    (state().messageTraces ?? []).find((t) => {
      const o = t as Record<string, unknown>;
      return o?.id === id && String(o.recipientAddress ?? '').toLowerCase() === recipient.toLowerCase();
    }) as Record<string, unknown> | undefined;

  return {
    kind: 'simulated',
    async messageTraces(query) {
      const rows = readAll(state().messageTraces, readMessageTrace);
      const out = [];
      // The same 10-day windows Graph needs, so the simulated tenant shows what a long `queue 30d` reads.
      for (const window of traceWindows(query.start, query.end)) {
        opts.onQuery?.(window);
        const from = window.start.getTime();
        const to = window.end.getTime();
        for (const row of rows) {
          const t = Date.parse(row.receivedDateTime);
          // Windows meet at their edges: a row exactly on one belongs to the earlier window only.
          if (t < from || t > to || (t === from && from !== query.start.getTime())) continue;
          if (query.status && row.status !== query.status.toLowerCase()) continue;
          if (query.recipientAddress && row.recipientAddress !== query.recipientAddress.toLowerCase()) continue;
          out.push(row);
        }
      }
      return out;
    },
    async traceDetails(trace) {
      return readAll(rawTrace(trace.id, trace.recipientAddress)?.details, readTraceDetail);
    },
    async serviceHealthIssues() {
      return readAll(state().serviceHealthIssues, readHealthIssue);
    },
  };
}

/** The signals part of an EXCHANGE_SIM_STATE file; throws one error naming what is wrong. */
export function readSignalsFile(file: string): SimulatedSignalsState {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`EXCHANGE_SIM_STATE ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  for (const name of ['messageTraces', 'serviceHealthIssues'] as const) {
    if (o[name] !== undefined && !Array.isArray(o[name])) throw new Error(`EXCHANGE_SIM_STATE ${file}: "${name}" must be an array`);
  }
  return { messageTraces: o.messageTraces as unknown[] | undefined, serviceHealthIssues: o.serviceHealthIssues as unknown[] | undefined };
}
