/**
 * App-only tokens for the Exchange Online admin API (domain notes §2.3, §3): MSAL client credentials with
 * a secret or a certificate, scope `{adminApiUrl}/.default`, a tenant-specific authority. One
 * ConfidentialClientApplication per backend keeps the token in memory; MSAL hands back the cached one
 * until 5 minutes before it expires, so asking before every call costs nothing.
 */
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import type * as Msal from '@azure/msal-node';
import type { Logger } from '../../log/logger';
import type { ExchangeError } from './exchange-backend';
import { tokenError } from './exchange-error-words';
import { withSystemRoots } from './fetch-with-ca';

export interface CertificateCredential {
  /** PKCS#8 PEM */
  privateKeyPem: string;
  /** SHA-1 of the certificate, hex upper-case, as the Entra portal shows it */
  thumbprint: string;
  /** SHA-256 of the certificate, hex upper-case; MSAL prefers it (x5t#S256) */
  thumbprintSha256?: string;
}

export interface TokenSourceOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificate?: CertificateCredential;
  adminApiUrl: string;
  /** What the token is for; `{adminApiUrl}/.default` when absent (Graph and the Management API name theirs). */
  scope?: string;
  authorityUrl: string;
  /** extra PEM CA certificates to trust for the authority (a private proxy, a test stand-in) */
  trustedCa?: readonly string[];
  logger?: Logger;
}

export interface TokenSource {
  /** `fresh` skips MSAL's cache: after a 401, because roles are read from a new token only (§3). */
  getToken(fresh?: boolean): Promise<string>;
}

export function createTokenSource(opts: TokenSourceOptions): TokenSource {
  // Loaded here, not at start-up: only the exchange-online backend needs MSAL (about 20 ms to load).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConfidentialClientApplication, LogLevel } = require('@azure/msal-node') as typeof Msal;
  const authorityHost = new URL(opts.authorityUrl).host;
  const secrets = [opts.clientSecret ?? ''];
  const config: Msal.Configuration = {
    auth: {
      clientId: opts.clientId,
      authority: `${opts.authorityUrl}/${opts.tenantId}`,
      // A known authority skips instance discovery (a call to login.microsoftonline.com), so a sovereign
      // cloud or a local stand-in is used as given.
      knownAuthorities: [authorityHost],
      ...(opts.certificate
        ? {
            clientCertificate: opts.certificate.thumbprintSha256
              ? { thumbprintSha256: opts.certificate.thumbprintSha256, privateKey: opts.certificate.privateKeyPem }
              : { thumbprint: opts.certificate.thumbprint, privateKey: opts.certificate.privateKeyPem },
          }
        : { clientSecret: opts.clientSecret }),
    },
    system: {
      ...(opts.trustedCa?.length ? { customAgentOptions: { ca: withSystemRoots(opts.trustedCa) } } : {}),
      loggerOptions: {
        logLevel: LogLevel.Warning,
        piiLoggingEnabled: false,
        loggerCallback: (level, message, containsPii) => {
          if (!containsPii) opts.logger?.warn('msal', { level: LogLevel[level], detail: message });
        },
      },
    },
  };
  const app = new ConfidentialClientApplication(config);
  const scopes = [opts.scope ?? `${opts.adminApiUrl}/.default`];

  return {
    async getToken(fresh = false) {
      let result;
      try {
        result = await app.acquireTokenByClientCredential({ scopes, skipCache: fresh });
      } catch (err) {
        const error: ExchangeError = tokenError(err, authorityHost, secrets);
        opts.logger?.warn('exchange-online: no token', { authority: authorityHost, code: error.code, reason: error.message });
        throw error;
      }
      if (!result?.accessToken) throw tokenError(new Error('empty token response'), authorityHost, secrets);
      return result.accessToken;
    },
  };
}

/**
 * Reads a PEM file holding the private key and its certificate (EXCHANGE_CERT_PATH), checks that they
 * belong together, and computes the thumbprints. Throws one plain sentence naming what is wrong.
 */
export function readCertificateFile(file: string): CertificateCredential & { certificatePem: string; notAfter: Date } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`The certificate file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unknown error'}).`);
  }
  return parseCertificatePem(text, file);
}

/** The pure part of readCertificateFile: `where` names the source in error messages. */
export function parseCertificatePem(text: string, where: string): CertificateCredential & { certificatePem: string; notAfter: Date } {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) {
    throw new Error(`The private key in ${where} is encrypted; export it without a passphrase (for example: openssl pkcs12 -in app.pfx -nodes -out app.pem).`);
  }
  const keyBlock = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(text)?.[0];
  const certBlocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!keyBlock) throw new Error(`${where} has no private key; it must hold the private key and the certificate, both PEM.`);
  if (!certBlocks.length) throw new Error(`${where} has no certificate; it must hold the private key and the certificate, both PEM.`);
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: keyBlock, format: 'pem' });
  } catch {
    throw new Error(`The private key in ${where} cannot be read as PEM.`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(
      `The private key in ${where} is ${key.asymmetricKeyType}; Microsoft Entra ID client assertions are signed with RSA, so use an RSA certificate.`,
    );
  }
  const certs = certBlocks.map((pem) => ({ pem, x509: new X509Certificate(pem) }));
  const own = certs.find((c) => c.x509.checkPrivateKey(key));
  if (!own) throw new Error(`None of the certificates in ${where} belongs to its private key.`);
  const fingerprint = (algorithm: 'sha1' | 'sha256') => crypto.createHash(algorithm).update(own.x509.raw).digest('hex').toUpperCase();
  return {
    privateKeyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    thumbprint: fingerprint('sha1'),
    thumbprintSha256: fingerprint('sha256'),
    certificatePem: own.pem,
    notAfter: new Date(own.x509.validTo),
  };
}
