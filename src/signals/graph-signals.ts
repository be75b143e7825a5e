/**
 * The tenant's signals from Microsoft Graph v1.0 (microsoft-signals.md §1b, §1d): the message trace and
 * its per-recipient details, and service health issues. The trace calls share one budget of 100 requests
 * per 5 minutes, Microsoft's own limit for them.
 */
import type { CallPurpose, GraphClient } from './graph-client';
import { isExchangeService, readAll, readHealthIssue, readMessageTrace, readTraceDetail } from './read-graph-json';
import type { RequestBudget } from './request-budget';
import type { MessageTrace, SignalsSource } from './signals-source';
import { traceWindows } from './trace-windows';

const TRACE: CallPurpose = { permission: 'ExchangeMessageTrace.Read.All', servicePrincipal: true };
const HEALTH: CallPurpose = { permission: 'ServiceHealth.Read.All' };

/** An OData string literal: quotes doubled. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export function createGraphSignals(client: GraphClient, budget: RequestBudget): SignalsSource {
  return {
    kind: 'graph',
    async messageTraces(query) {
      const rows: MessageTrace[] = [];
      const seen = new Set<string>();
      for (const w of traceWindows(query.start, query.end)) {
        const filter = [
          `receivedDateTime ge ${w.start.toISOString()}`,
          `receivedDateTime le ${w.end.toISOString()}`,
          ...(query.status ? [`status eq ${literal(query.status)}`] : []),
          ...(query.recipientAddress ? [`recipientAddress eq ${literal(query.recipientAddress)}`] : []),
        ].join(' and ');
        const url = client.url(`/v1.0/admin/exchange/tracing/messageTraces?$filter=${encodeURIComponent(filter)}&$top=1000`);
        for (const row of readAll(await client.getAll(url, TRACE, budget), readMessageTrace)) {
          // Windows meet at their edges: a row on one comes back twice.
          const key = `${row.id}|${row.recipientAddress}`;
          if (!seen.has(key)) rows.push(row);
          seen.add(key);
        }
      }
      return rows;
    },
    async traceDetails(trace) {
      const url = client.url(
        `/v1.0/admin/exchange/tracing/messageTraces/${encodeURIComponent(trace.id)}/getDetailsByRecipient(recipientAddress=${encodeURIComponent(literal(trace.recipientAddress))})`,
      );
      return readAll(await client.getAll(url, TRACE, budget), readTraceDetail);
    },
    async serviceHealthIssues() {
      // Filtered here: a $filter on service is not documented for this list (microsoft-signals.md §1d).
      const all = readAll(await client.getAll(client.url('/v1.0/admin/serviceAnnouncement/issues'), HEALTH), readHealthIssue);
      return all.filter((i) => isExchangeService(i.service));
    },
  };
}
