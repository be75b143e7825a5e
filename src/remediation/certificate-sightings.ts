/**
 * The certificates the bot's own probes saw lately, per host, kept in the store so that a Fix now press
 * (on any instance) proposes a TLS domain only from a certificate that was really served, never from what
 * a card's data says. A sighting is good for an hour: long enough to read the card and press, short
 * enough that a replaced certificate is probed again.
 */
import type { CertificateInfo } from '../diagnostics/types';
import { namesOf } from '../signals/connector-findings';
import type { Store } from '../store/store';

export const SIGHTING_TTL_MS = 60 * 60_000;
const COLLECTION = 'certificate-sightings';

export interface CertificateSighting {
  /** The smart host as the probe was given it, lower-cased. */
  host: string;
  /** The DNS names the certificate is for (SANs, else its CN). */
  names: string[];
  subject: string;
  trusted: boolean;
  /** ISO UTC */
  validTo: string;
  /** ISO UTC */
  seenAt: string;
}

export interface CertificateSightings {
  record(host: string, cert: CertificateInfo): Promise<CertificateSighting>;
  /** The latest sighting of `host` within SIGHTING_TTL_MS, if any. */
  recent(host: string): Promise<CertificateSighting | undefined>;
}

export function createCertificateSightings(store: Store, clock: () => Date): CertificateSightings {
  const keyOf = (host: string) => host.trim().toLowerCase().replace(/\.$/, '');
  return {
    async record(host, cert) {
      const sighting: CertificateSighting = {
        host: keyOf(host),
        names: namesOf(cert).slice(0, 50),
        subject: cert.subject.slice(0, 300),
        trusted: cert.trusted,
        validTo: cert.validTo,
        seenAt: clock().toISOString(),
      };
      await store.put(COLLECTION, sighting.host, sighting);
      return sighting;
    },
    async recent(host) {
      const found = (await store.get<CertificateSighting>(COLLECTION, keyOf(host)))?.value;
      return found && clock().getTime() - Date.parse(found.seenAt) <= SIGHTING_TTL_MS ? found : undefined;
    },
  };
}
