/**
 * What the connector watch makes of one probe of a smart host, judged as Microsoft 365 will judge it with
 * the connector's own TLS settings. Pure. Each finding names the code Microsoft 365 will report, so its
 * card explains and offers what the chat card for that code does.
 */
import type { CertificateInfo, EopCode, ProbeReport } from '../diagnostics/types';
import type { OutboundConnector } from '../remediation/backends/exchange-backend';

/** Days before expiry at which a warning is posted, once each. */
export const EXPIRY_THRESHOLDS = [30, 14, 7, 1] as const;

export type FindingKind = 'expiring' | 'expired' | 'name-mismatch' | 'untrusted' | 'no-starttls' | 'refused' | 'timeout' | 'closed' | 'not-in-dns';

export interface ConnectorFinding {
  /** One card per connector and finding (and expiry threshold): the alert's id. */
  key: string;
  connector: string;
  kind: FindingKind;
  code: EopCode;
  host: string;
  address?: string;
  port: number;
  /** For an expiring certificate: the threshold crossed (30, 14, 7, 1 days). */
  threshold?: number;
  /** The name the certificate should carry (TlsDomain, else the smart host). */
  expectedName?: string;
  certificate?: CertificateInfo;
  /** What the probe saw, as it said it. */
  detail: string;
}

export interface SmartHostProbe {
  host: string;
  port: number;
  /** The address probed; absent when the name did not resolve. */
  address?: string;
  report: ProbeReport;
}

const NETWORK: Record<string, { kind: FindingKind; code: EopCode } | undefined> = {
  '4.4.312': { kind: 'not-in-dns', code: '4.4.312' },
  '4.4.315': { kind: 'timeout', code: '4.4.315' },
  '4.4.316': { kind: 'refused', code: '4.4.316' },
  '4.4.318': { kind: 'closed', code: '4.4.318' },
};

/** The findings of one probe (none when Microsoft 365 would deliver). */
export function judgeSmartHost(connector: OutboundConnector, probe: SmartHostProbe): ConnectorFinding[] {
  const { report } = probe;
  const base = { connector: connector.name, host: probe.host, ...(probe.address && { address: probe.address }), port: probe.port };
  const key = (kind: string) => `${connector.name}|${kind}|${probe.host}`;
  const failed = report.steps.find((s) => s.status === 'fail');
  if (report.refused) return [];
  if (failed && failed.name !== 'certificate') {
    if (failed.name === 'starttls' && failed.outcome === 'STARTTLS_NOT_OFFERED') {
      // Without a TLS setting Microsoft 365 sends in the clear when STARTTLS is not offered.
      return connector.tlsSettings ? [{ ...base, key: key('no-starttls'), kind: 'no-starttls', code: '4.4.317', detail: failed.detail }] : [];
    }
    const network = report.eopCode ? NETWORK[report.eopCode] : undefined;
    if (network) return [{ ...base, key: key(network.kind), ...network, detail: failed.detail }];
    return report.eopCode ? [{ ...base, key: key('closed'), kind: 'closed', code: report.eopCode, detail: failed.detail }] : [];
  }
  const cert = report.certificate;
  if (!cert || !connector.tlsSettings || connector.tlsSettings === 'EncryptionOnly') return [];
  const findings: ConnectorFinding[] = [];
  const withCert = { ...base, certificate: cert, code: '4.7.320' as const };
  if (cert.daysLeft < 0 || Date.parse(cert.validTo) < Date.now()) {
    findings.push({ ...withCert, key: key('expired'), kind: 'expired', detail: `expired on ${cert.validTo}` });
  } else {
    const threshold = [...EXPIRY_THRESHOLDS].reverse().find((t) => cert.daysLeft < t);
    if (threshold !== undefined)
      findings.push({ ...withCert, key: key(`expiring-${threshold}`), kind: 'expiring', threshold, detail: `expires on ${cert.validTo}` });
  }
  if (!cert.trusted) findings.push({ ...withCert, key: key('untrusted'), kind: 'untrusted', detail: cert.trustError ?? 'the chain is not trusted' });
  const expectedName = connector.tlsSettings === 'DomainValidation' && connector.tlsDomain ? connector.tlsDomain : isName(probe.host) ? probe.host : undefined;
  if (expectedName && !certificateCovers(cert, expectedName)) {
    findings.push({
      ...withCert,
      key: key('name-mismatch'),
      kind: 'name-mismatch',
      expectedName,
      detail: `the certificate is for ${namesOf(cert).join(', ') || cert.subject}`,
    });
  }
  return findings;
}

/** The DNS names (and IPs) a certificate is for: its SANs, else its subject's CN. */
export function namesOf(cert: Pick<CertificateInfo, 'san' | 'subject'>): string[] {
  const san = cert.san.map((s) => /^(?:DNS|IP Address):(.+)$/i.exec(s.trim())?.[1]?.toLowerCase()).filter((s): s is string => !!s);
  if (san.length) return san;
  const cn = /(?:^|[,\n/])\s*CN=([^,\n/]+)/i.exec(cert.subject)?.[1];
  return cn ? [cn.trim().toLowerCase()] : [];
}

/** TLS's rule (RFC 6125): exact, or a `*` standing for the whole leftmost label only. */
export function certificateCovers(cert: Pick<CertificateInfo, 'san' | 'subject'>, name: string): boolean {
  const wanted = name.trim().toLowerCase().replace(/\.$/, '');
  return namesOf(cert).some((n) => {
    if (n === wanted) return true;
    if (!n.startsWith('*.')) return false;
    const dot = wanted.indexOf('.');
    return dot > 0 && wanted.slice(dot) === n.slice(1);
  });
}

const isName = (host: string) => !/^[\d.]+$/.test(host) && !host.includes(':');
