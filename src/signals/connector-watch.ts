/**
 * The connector watch: every CONNECTOR_WATCH_INTERVAL one instance probes each enabled outbound
 * connector's smart hosts (every address they resolve to) with the diagnostics, judges what it sees
 * against the connector's TLS settings (connector-findings.ts), and raises a card per connector and
 * finding through the alert dispatcher: posted when it appears, updated when it changes, resolved when it
 * clears. An expiring certificate is a new card once per threshold (30, 14, 7, 1 days), not every interval.
 */
import type { IncomingAlert } from '../alerts/normalise-alert';
import { parseTarget } from '../diagnostics/parse-target';
import type { ProbeReport } from '../diagnostics/types';
import type { Logger } from '../log/logger';
import type { OutboundConnector } from '../remediation/backends/exchange-backend';
import { updateDocument, type Store } from '../store/store';
import { type ConnectorFinding, judgeSmartHost, type SmartHostProbe } from './connector-findings';
import { createPeriodic } from './periodic';

const STATE = 'connector-watch';
const LEASE = 'connector-watch';
/** Addresses probed per smart host at most (a name with dozens of records is probed on its first ones). */
const MAX_ADDRESSES = 4;

/** The latest reading, for `watch`: per connector, what each address showed. */
export interface ConnectorWatchResult {
  checkedAt: string;
  connectors: Array<{
    name: string;
    /** The connector checks the certificate (CertificateValidation, DomainValidation). */
    checksCertificate: boolean;
    probes: Array<{ host: string; address?: string; port: number; healthy: boolean; refused?: string; daysLeft?: number; validTo?: string }>;
    findings: ConnectorFinding[];
  }>;
}

interface State {
  /** Findings raised, by key: what was last posted of each. */
  raised: Record<string, string>;
  latest?: ConnectorWatchResult;
}

export interface ConnectorWatchDeps {
  store: Store;
  logger: Logger;
  clock: () => number;
  intervalMs: number;
  connectors(): Promise<OutboundConnector[]>;
  probe(target: { host: string; port: number }): Promise<ProbeReport>;
  accept(alerts: IncomingAlert[]): Promise<unknown>;
}

export function createConnectorWatch(deps: ConnectorWatchDeps) {
  async function tick(): Promise<void> {
    try {
      const previous = (await deps.store.get<State>(STATE, 'state'))?.value ?? { raised: {} };
      const latest = await readConnectors();
      const findings = latest.connectors.flatMap((c) => c.findings);
      const raised: Record<string, string> = {};
      const alerts: IncomingAlert[] = [];
      for (const f of findings) {
        const signature = `${f.code}|${f.detail}|${f.address ?? ''}`;
        raised[f.key] = signature;
        if (previous.raised[f.key] !== signature) alerts.push(findingAlert(f, 'firing'));
      }
      for (const key of Object.keys(previous.raised)) {
        if (!(key in raised)) alerts.push({ source: 'connector-watch', externalId: key, status: 'resolved', title: key, text: '', endedAt: latest.checkedAt });
      }
      if (alerts.length) await deps.accept(alerts);
      await updateDocument<State>(deps.store, STATE, 'state', () => ({ raised, latest }));
    } catch (err) {
      deps.logger.error('the connector watch failed; it tries again next interval', { err: err as Error });
    }
  }

  async function readConnectors(): Promise<ConnectorWatchResult> {
    const connectors = (await deps.connectors()).filter((c) => c.enabled);
    const out: ConnectorWatchResult['connectors'] = [];
    for (const connector of connectors) {
      const probes: SmartHostProbe[] = [];
      for (const smartHost of connector.smartHosts) {
        // Exchange's smart hosts are names or IPs on port 25; a simulated tenant may give host:port.
        const target = parseTarget(smartHost);
        if ('error' in target) continue;
        const first = await deps.probe(target);
        probes.push({ host: target.host, port: target.port, address: first.triedAddress, report: first });
        for (const address of first.addresses.filter((a) => a !== first.triedAddress).slice(0, MAX_ADDRESSES - 1)) {
          probes.push({ host: target.host, port: target.port, address, report: await deps.probe({ host: address, port: target.port }) });
        }
      }
      out.push({
        name: connector.name,
        checksCertificate: connector.tlsSettings === 'CertificateValidation' || connector.tlsSettings === 'DomainValidation',
        probes: probes.map((p) => ({
          host: p.host,
          ...(p.address && { address: p.address }),
          port: p.port,
          healthy: p.report.healthy,
          ...(p.report.refused && { refused: p.report.refused.detail }),
          ...(p.report.certificate && { daysLeft: p.report.certificate.daysLeft, validTo: p.report.certificate.validTo }),
        })),
        // The probe by name checks the certificate against the smart host; an address's own probe, against the address.
        findings: dedupe(probes.flatMap((p) => judgeSmartHost(connector, p))),
      });
    }
    return { checkedAt: new Date(deps.clock()).toISOString(), connectors: out };
  }

  const periodic = createPeriodic({ store: deps.store, lease: LEASE, intervalMs: deps.intervalMs, clock: deps.clock, run: tick });
  return {
    start: periodic.start,
    stop: periodic.stop,
    tick,
    /** The latest reading (any instance's), for `watch`. */
    async latest(): Promise<ConnectorWatchResult | undefined> {
      return (await deps.store.get<State>(STATE, 'state'))?.value.latest;
    },
  };
}

/** One finding per key: the first address that showed it stands for the others. */
function dedupe(findings: ConnectorFinding[]): ConnectorFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(f.key) && seen.add(f.key));
}

const WORDS: Record<ConnectorFinding['code'], string> = {
  '4.4.312': '450 4.4.312 DNS query failed',
  '4.4.315': '450 4.4.315 Connection timed out',
  '4.4.316': '450 4.4.316 Connection refused',
  '4.4.317': '451 4.4.317 Cannot connect to remote server',
  '4.4.318': '450 4.4.318 Connection was closed abruptly',
  '4.7.320': '451 4.7.320 Certificate validation failed',
};

/**
 * The finding as an alert. Its text is the line Microsoft 365 will write for it, so the dispatcher's parser
 * reads the same code, server and IP into the diagnosis a paste of that line would get.
 */
function findingAlert(f: ConnectorFinding, status: 'firing'): IncomingAlert {
  const ip = f.address ? ` [LastAttemptedIP=${f.address}:${f.port}]` : '';
  return {
    source: 'connector-watch',
    externalId: f.key,
    status,
    title: `${f.connector}: ${f.kind}`,
    text: `${WORDS[f.code]} [LastAttemptedServerName=${f.host}]${ip}`,
    finding: f,
  };
}
