import type { DiagnosticsFix } from '../render/diagnostics-card';
import { fixNowButtonData } from '../render/card-error';
import type { CertificateSighting } from './certificate-sightings';
import { fixesFor, type TenantView } from './route-of';

/**
 * The TLS-domain Fix now a finished probe makes possible: a connector of the tenant that delivers to the
 * probed host checks a TLS domain the (trusted, in-date) certificate does not carry. Pure.
 */
export function tlsFixOffer(target: { host: string; port: number }, seen: CertificateSighting, view: TenantView): DiagnosticsFix | undefined {
  const change = fixesFor(['connector-tls-domain'], { server: target.host, port: target.port }, view, seen).find((c) => c.kind === 'connector-tls-domain');
  if (!change || change.kind !== 'connector-tls-domain' || !change.to) return undefined;
  return {
    connector: change.target,
    from: change.from,
    to: change.to,
    data: fixNowButtonData({ code: '4.7.320', server: target.host, port: target.port }),
  };
}
