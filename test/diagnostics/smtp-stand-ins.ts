/**
 * Real servers on 127.0.0.1 for the probe tests (port 0), and certificates generated per run.
 * Fault recipes from the domain notes §4.5: smtp-server for the SMTP cases, a raw net server for
 * behaviour smtp-server cannot produce (silence, an RST mid-session, a masked banner, a flood).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Resolver } from '../../src/diagnostics/types';

export interface StandIn {
  port: number;
  /** sockets the server has accepted and not yet seen closed */
  openConnections(): Promise<number>;
  /** connections ever accepted */
  accepted(): number;
  close(): Promise<void>;
}

/** `port`: 0 for any free one, or a port a test wants a server on again (nothing listening there now). */
export async function startSmtp(options: SMTPServerOptions = {}, port = 0): Promise<StandIn> {
  const smtp = new SMTPServer({ disableReverseLookup: true, logger: false, authOptional: true, closeTimeout: 200, ...options });
  smtp.on('error', () => {}); // resets and bad handshakes are what these tests cause on purpose
  return wrap(smtp.server, () => new Promise((resolve) => smtp.close(() => resolve())), port);
}

/** A plain TCP server whose behaviour per connection is the test's own. */
export async function startRaw(onConnection: (socket: Socket) => void): Promise<StandIn> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    onConnection(socket);
  });
  return wrap(server, () => new Promise((resolve) => server.close(() => resolve())));
}

async function wrap(server: Server, close: () => Promise<void>, port = 0): Promise<StandIn> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    openConnections: () => new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    accepted: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy(); // only matters when a test failed half-way
      await close();
    },
  };
}

/** A port nothing listens on: listen on 0, note the port, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Reads CRLF-terminated commands from a raw socket. */
export function onCommand(socket: Socket, handle: (command: string) => void): void {
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    for (let i = buffered.indexOf('\r\n'); i !== -1; i = buffered.indexOf('\r\n')) {
      const command = buffered.slice(0, i);
      buffered = buffered.slice(i + 2);
      handle(command);
    }
  });
}

export interface TestCertificates {
  ca: string;
  /** for localhost and 127.0.0.1, signed by the test CA */
  healthy: KeyCert;
  /** same names, signed by the CA, expired a month ago */
  expired: KeyCert;
  /** signed by the CA for mail.fabrikam.test only */
  otherName: KeyCert;
  /** for localhost and 127.0.0.1, signed by the CA, expiring in five days */
  expiresSoon: KeyCert;
  /** for localhost and 127.0.0.1, signed by its own key */
  selfSigned: KeyCert;
}
export interface KeyCert {
  key: string;
  cert: string;
}

const DAY = 24 * 60 * 60 * 1000;
const localNames = [
  { type: 2 as const, value: 'localhost' },
  { type: 7 as const, ip: '127.0.0.1' },
];

export async function makeCertificates(): Promise<TestCertificates> {
  // EC keys: a few milliseconds each, where RSA-2048 costs hundreds on a small CI machine
  const base = { keyType: 'ec' as const, algorithm: 'sha256' };
  const ca = await generate([{ name: 'commonName', value: 'Mail Flow Doctor Test CA' }], {
    ...base,
    notAfterDate: new Date(Date.now() + 3 * 365 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const signer = { key: ca.private, cert: ca.cert };
  const leaf = (
    cn: string,
    altNames: { type: 2 | 7; value?: string; ip?: string }[],
    extra: { notBeforeDate?: Date; notAfterDate?: Date; ca?: typeof signer } = {},
  ) =>
    generate([{ name: 'commonName', value: cn }], {
      ...base,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
      ...extra,
    }).then((p) => ({ key: p.private, cert: p.cert }));
  const [healthy, expired, otherName, selfSigned, expiresSoon] = await Promise.all([
    leaf('localhost', localNames, { ca: signer }),
    leaf('localhost', localNames, { ca: signer, notBeforeDate: new Date(Date.now() - 400 * DAY), notAfterDate: new Date(Date.now() - 30 * DAY) }),
    leaf('mail.fabrikam.test', [{ type: 2, value: 'mail.fabrikam.test' }], { ca: signer }),
    leaf('localhost', localNames),
    leaf('localhost', localNames, { ca: signer, notBeforeDate: new Date(Date.now() - 360 * DAY), notAfterDate: new Date(Date.now() + 5 * DAY + 3_600_000) }),
  ]);
  return { ca: ca.cert, healthy, expired, otherName, selfSigned, expiresSoon };
}

/**
 * A DNS stand-in: answers from a table, or with the Node error code given for a name. Reverse lookups
 * (PTR) are keyed by the address: `{ '127.0.0.1': { ptr: ['localhost'] } }`.
 */
export function fakeResolver(
  table: Record<string, { a?: string[]; aaaa?: string[]; mx?: { exchange: string; priority: number }[]; ptr?: string[]; error?: string; hang?: boolean }>,
): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const answer = <T>(host: string, syscall: string, pick: (e: (typeof table)[string]) => T[] | undefined): Promise<T[]> => {
    asked.push(`${syscall} ${host}`);
    const entry = table[host];
    if (entry?.hang) return new Promise(() => {});
    if (!entry) return Promise.reject(dnsError('ENOTFOUND', syscall, host));
    if (entry.error) return Promise.reject(dnsError(entry.error, syscall, host));
    const records = pick(entry);
    return records?.length ? Promise.resolve(records) : Promise.reject(dnsError('ENODATA', syscall, host));
  };
  return {
    asked,
    resolve4: (host) => answer(host, 'queryA', (e) => e.a),
    resolve6: (host) => answer(host, 'queryAaaa', (e) => e.aaaa),
    resolveMx: (host) => answer(host, 'queryMx', (e) => e.mx),
    reverse: (ip) => answer(ip, 'getHostByAddr', (e) => e.ptr),
  };
}

/** The shape node:dns/promises rejects with, e.g. `queryA ENOTFOUND nope.test`. */
function dnsError(code: string, syscall: string, hostname: string): Error {
  return Object.assign(new Error(`${syscall} ${code} ${hostname}`), { code, syscall, hostname });
}
