import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { clip } from './text';
import type { CertificateInfo, StepResult } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A healthy certificate this close to expiry is worth a warning on the card. */
export const EXPIRY_WARNING_DAYS = 14;

export interface PeerFacts {
  cert: X509Certificate;
  /** tlsSocket.authorized: the chain (and, when SNI was sent, the name) verified against Node's roots plus trustedCa */
  authorized: boolean;
  /** tlsSocket.authorizationError: an OpenSSL code such as CERT_HAS_EXPIRED (Node tls docs, "X509 certificate error codes") */
  authorizationError?: string;
  /** the name EOP would check: the smart host as typed (or the MX host probed for a bare domain) */
  checkedName: string;
  now: number;
}

/**
 * Step 8, pure. With rejectUnauthorized:false Node checks the name only when SNI was sent (never for
 * an IP target), so the name is checked here for every target (X509Certificate#checkHost/checkIP,
 * the same rules as tls.checkServerIdentity).
 * Each problem is what EOP reports as 4.7.320 "Certificate validation failed": expired, subject
 * mismatch, no longer valid (connectors-mail-flow-intelligence). All problems go in the detail;
 * the outcome names the first in the order an admin would fix them.
 */
export function checkCertificate(peer: PeerFacts): { info: CertificateInfo; result: StepResult } {
  const { cert, now } = peer;
  const validFrom = Date.parse(cert.validFrom);
  const validTo = Date.parse(cert.validTo);
  const name = peer.checkedName.replace(/\.$/, '').toLowerCase();
  const nameMatches = Boolean(isIP(name) ? cert.checkIP(name) : cert.checkHost(name));
  const selfSigned = cert.checkIssued(cert) && safeVerify(cert);
  const daysLeft = Math.floor((validTo - now) / DAY_MS);
  // With a servername, Node runs checkServerIdentity even under rejectUnauthorized:false and reports
  // a wrong name as authorizationError ERR_TLS_CERT_ALTNAME_INVALID; it does so only after the chain
  // passed ("only called if the certificate passed all other checks"), so the chain is trusted then.
  const nameOnly = peer.authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID';
  const trusted = peer.authorized || nameOnly;
  const err = trusted ? undefined : peer.authorizationError;
  const info: CertificateInfo = {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    san: (cert.subjectAltName ?? '').split(/, (?=[A-Za-z][A-Za-z ]*:)/).filter(Boolean),
    validFrom: isoOrRaw(validFrom, cert.validFrom),
    validTo: isoOrRaw(validTo, cert.validTo),
    daysLeft,
    trusted,
    ...(err ? { trustError: err } : {}),
    nameMatches,
    checkedName: name,
    fingerprint256: cert.fingerprint256,
    selfSigned,
  };

  const problems: { outcome: string; text: string }[] = [];
  if (err === 'CERT_HAS_EXPIRED' || validTo < now) problems.push({ outcome: 'CERT_EXPIRED', text: `expired on ${info.validTo}` });
  if (err === 'CERT_NOT_YET_VALID' || validFrom > now) problems.push({ outcome: 'CERT_NOT_YET_VALID', text: `not valid before ${info.validFrom}` });
  if (!trusted && (err === 'DEPTH_ZERO_SELF_SIGNED_CERT' || selfSigned))
    problems.push({ outcome: 'SELF_SIGNED', text: 'self-signed, so no public CA vouches for it' });
  else if (!trusted && err !== 'CERT_HAS_EXPIRED' && err !== 'CERT_NOT_YET_VALID')
    problems.push({ outcome: 'UNTRUSTED', text: `chain not trusted (${err ?? 'unknown reason'})` });
  if (!nameMatches) problems.push({ outcome: 'NAME_MISMATCH', text: `not valid for ${name} (names: ${info.san.join(', ') || info.subject})` });

  const summary = `${info.subject} issued by ${info.issuer}; valid to ${info.validTo} (${daysLeft} days left)`;
  if (problems.length) {
    return {
      info,
      result: { status: 'fail', outcome: problems[0].outcome, detail: clip(`${problems.map((p) => p.text).join('; ')}. ${summary}`), eopCode: '4.7.320' },
    };
  }
  if (daysLeft < EXPIRY_WARNING_DAYS) {
    return { info, result: { status: 'warn', outcome: 'CERT_EXPIRES_SOON', detail: clip(`expires in ${daysLeft} days. ${summary}`) } };
  }
  return { info, result: { status: 'ok', outcome: 'OK', detail: clip(summary) } };
}

function safeVerify(cert: X509Certificate): boolean {
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false; // a key type Node cannot verify with: not provably self-signed
  }
}

const oneLine = (dn: string): string => clip(dn.split('\n').filter(Boolean).join(', '), 200);
const isoOrRaw = (ms: number, raw: string): string => (Number.isNaN(ms) ? raw : new Date(ms).toISOString());
