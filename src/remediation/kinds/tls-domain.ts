import { certificateCovers } from '../../signals/connector-findings';
import { fill } from '../../render/text';
import type { OutboundConnector } from '../backends/exchange-backend';
import type { CertificateSighting } from '../certificate-sightings';
import { bareName, connectorsFor, withoutPort } from './connector-routing';
import type { RemediationKind } from './remediation-kind';

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * 4.7.320 with a subject mismatch, when the server's certificate is otherwise good: the connector checks
 * the certificate against its TlsDomain (TlsSettings DomainValidation), and the smart host serves a
 * certificate that is trusted and in date but for another name. Setting TlsDomain to the name the
 * certificate carries (Set-OutboundConnector -TlsDomain) lets Microsoft 365 deliver again. Proposed only
 * from a certificate the bot's own probe saw on that connector's smart host within the hour.
 */
export const tlsDomain: RemediationKind<'connector-tls-domain'> = {
  plan(input) {
    const seen = input.certificate;
    if (!seen || !seen.trusted || Date.parse(seen.validTo) <= Date.parse(seen.seenAt)) return [];
    return connectorsFor(input)
      .filter((c) => c.tlsSettings === 'DomainValidation' && servesFrom(c, seen) && !(c.tlsDomain && covers(seen, c.tlsDomain)))
      .flatMap((c) => {
        const name = nameFor(seen);
        return name ? [{ kind: 'connector-tls-domain' as const, target: c.name, from: c.tlsDomain ?? null, to: name }] : [];
      });
  },
  read: async (exchange, target) => {
    const c = (await exchange.listOutboundConnectors()).find((x) => sameName(x.name, target));
    return c ? (c.tlsDomain ?? null) : undefined;
  },
  apply: async (exchange, change) => (await exchange.setOutboundConnectorTlsDomain(change.target, change.to)).tlsDomain ?? null,
  cmdlet: (change) => ({ cmdletName: 'Set-OutboundConnector', parameters: { Identity: change.target, TlsDomain: change.to } }),
  describe: (change, ui) =>
    fill(ui[change.to ? 'change.connector-tls-domain' : 'change.connector-tls-domain.none'], { target: change.target, domain: change.to ?? '' }),
  button: (_change, ui) => ui['button.connector-tls-domain'],
  done: (change, ui) =>
    fill(ui[change.to ? 'done.connector-tls-domain' : 'done.connector-tls-domain.none'], { target: change.target, domain: change.to ?? '' }),
  undone: (change, ui) =>
    fill(ui[change.to ? 'undone.connector-tls-domain' : 'undone.connector-tls-domain.none'], { target: change.target, domain: change.to ?? '' }),
  why: (ui) => ui['change.tlsDomainWhy'],
  offer: (ui) => ui['offer.connector-tls-domain'],
};

/** The certificate was seen on one of the connector's own smart hosts: another server's says nothing of this one. */
function servesFrom(c: OutboundConnector, seen: CertificateSighting): boolean {
  return c.smartHosts.some((h) => withoutPort(bareName(h)) === seen.host);
}

function covers(seen: CertificateSighting, name: string): boolean {
  return certificateCovers({ san: seen.names.map((n) => `DNS:${n}`), subject: '' }, name);
}

/** The certificate's name for the smart host it was seen on (a wildcard as it is), else its first DNS name. */
function nameFor(seen: CertificateSighting): string | undefined {
  const dns = seen.names.filter((n) => !/^[\d.]+$/.test(n) && !n.includes(':'));
  return dns.find((n) => covers({ ...seen, names: [n] }, seen.host)) ?? dns[0];
}
