import type { Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { probeDestination } from '../../src/diagnostics/probe-destination';
import type { ProbeOptions, ProbeReport, ProbeStep, StepName } from '../../src/diagnostics/types';
import { fakeResolver, freePort, makeCertificates, onCommand, startRaw, startSmtp, type StandIn, type TestCertificates } from './smtp-stand-ins';

let certs: TestCertificates;
beforeAll(async () => {
  certs = await makeCertificates();
});

/** Servers started by a test; each test checks they end with no open connection, then they close. */
const servers: StandIn[] = [];
const serve = async (server: Promise<StandIn>): Promise<StandIn> => {
  const started = await server;
  servers.push(started);
  return started;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  // with the servers closed, no TCP or TLS handle of the probe's may remain in the process
  await vi.waitFor(() => expect(process.getActiveResourcesInfo().filter((r) => /TCP|TLS/.test(r))).toEqual([]), { timeout: 2000, interval: 20 });
});

const local: ProbeOptions = { timeoutMs: 2000, allowPrivate: true, allowedPorts: '*' };
const localhostDns = () => fakeResolver({ localhost: { a: ['127.0.0.1'] }, '127.0.0.1': { ptr: ['localhost'] } });
/** A resolver that works: the control name DNS_CHECK_NAME resolves, so a failure is the target's own. */
const workingDns = (table: Parameters<typeof fakeResolver>[0]) => fakeResolver({ 'outlook.com': { a: ['52.96.0.1'] }, ...table });

function step(report: ProbeReport, name: StepName): ProbeStep {
  const found = report.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} step in ${JSON.stringify(report.steps)}`);
  return found;
}

/** The probe leaves nothing open: the server sees every connection closed. */
async function expectNoOpenConnections(server: StandIn): Promise<void> {
  await vi.waitFor(async () => expect(await server.openConnections()).toBe(0), { timeout: 2000, interval: 20 });
}

describe('probeDestination against a real server on loopback', () => {
  it('reports a closed port as refused: 4.4.316', async () => {
    const report = await probeDestination({ host: '127.0.0.1', port: await freePort() }, local);
    expect(report.eopCode).toBe('4.4.316');
    expect(step(report, 'tcp')).toMatchObject({ status: 'fail', outcome: 'REFUSED' });
    expect(report.healthy).toBe(false);
    expect(step(report, 'banner').status).toBe('skipped');
  });

  it('reports a server that accepts but never greets as timed out: 4.4.315', async () => {
    const silent = await serve(startRaw(() => {}));
    const started = Date.now();
    const report = await probeDestination({ host: '127.0.0.1', port: silent.port }, { ...local, timeoutMs: 300 });
    expect(report.eopCode).toBe('4.4.315');
    expect(step(report, 'tcp').status).toBe('ok');
    expect(step(report, 'banner')).toMatchObject({ status: 'fail', outcome: 'TIMEOUT' });
    expect(step(report, 'banner').detail).toMatch(/connected but no greeting within 300 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
    await expectNoOpenConnections(silent);
  });

  it('reports a 421 greeting as cannot connect: 4.4.317, with the reply as received', async () => {
    const busy = await serve(
      startSmtp({
        onConnect(_session, callback) {
          callback(Object.assign(new Error('Service not available, closing transmission channel'), { responseCode: 421 }));
        },
      }),
    );
    const report = await probeDestination({ host: '127.0.0.1', port: busy.port }, local);
    expect(report.eopCode).toBe('4.4.317');
    expect(step(report, 'banner')).toMatchObject({ status: 'fail', outcome: 'BANNER_421' });
    expect(report.banner).toMatch(/^421 .*Service not available/);
    await expectNoOpenConnections(busy);
  });

  it('reports a server without STARTTLS as cannot connect: 4.4.317, and does not try TLS', async () => {
    const plain = await serve(startSmtp({ hideSTARTTLS: true }));
    const report = await probeDestination({ host: '127.0.0.1', port: plain.port }, local);
    expect(report.eopCode).toBe('4.4.317');
    expect(step(report, 'ehlo').status).toBe('ok');
    expect(step(report, 'starttls')).toMatchObject({ status: 'fail', outcome: 'STARTTLS_NOT_OFFERED' });
    expect(report.starttlsOffered).toBe(false);
    expect(report.ehloCapabilities).toContain('PIPELINING');
    expect(step(report, 'tls').status).toBe('skipped');
    expect(report.certificate).toBeUndefined();
    await expectNoOpenConnections(plain);
  });

  it('reports a reset after EHLO as closed abruptly: 4.4.318', async () => {
    const resetter = await serve(
      startRaw((socket) => {
        socket.write('220 relay.test ESMTP\r\n');
        onCommand(socket, (command) => {
          if (command.startsWith('EHLO')) socket.resetAndDestroy();
        });
      }),
    );
    const report = await probeDestination({ host: '127.0.0.1', port: resetter.port }, local);
    expect(report.eopCode).toBe('4.4.318');
    expect(step(report, 'banner').status).toBe('ok');
    expect(step(report, 'ehlo')).toMatchObject({ status: 'fail', outcome: 'RESET' });
    expect(step(report, 'ehlo').detail).toMatch(/ECONNRESET/);
    await expectNoOpenConnections(resetter);
  });

  it('passes a healthy server with a CA-signed certificate, reporting its expiry, and says QUIT', async () => {
    const healthy = await serve(startSmtp({ ...certs.healthy }));
    const report = await probeDestination({ host: 'localhost', port: healthy.port }, { ...local, resolver: localhostDns(), trustedCa: [certs.ca] });
    expect(report.steps.filter((s) => s.status !== 'ok')).toEqual([]);
    expect(report.healthy).toBe(true);
    expect(report.eopCode).toBeUndefined();
    expect(report.starttlsOffered).toBe(true);
    expect(report.connectedAddress).toBe('127.0.0.1');
    expect(report.ptrNames).toEqual(['localhost']);
    expect(report.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
    expect(report.certificate).toMatchObject({
      trusted: true,
      nameMatches: true,
      checkedName: 'localhost',
      selfSigned: false,
      issuer: 'CN=Mail Flow Doctor Test CA',
    });
    expect(report.certificate!.daysLeft).toBeGreaterThan(300);
    expect(Date.parse(report.certificate!.validTo)).toBeGreaterThan(Date.now());
    expect(step(report, 'certificate').detail).toMatch(/days left/);
    await expectNoOpenConnections(healthy);
  });

  it('checks an IP target against the IP addresses in the certificate', async () => {
    const healthy = await serve(startSmtp({ ...certs.healthy }));
    const report = await probeDestination({ host: '127.0.0.1', port: healthy.port }, { ...local, trustedCa: [certs.ca] });
    expect(report.healthy).toBe(true);
    expect(report.certificate).toMatchObject({ nameMatches: true, checkedName: '127.0.0.1', san: ['DNS:localhost', 'IP Address:127.0.0.1'] });
  });

  it('does not trust the same certificate without its CA: 4.7.320 UNTRUSTED', async () => {
    const healthy = await serve(startSmtp({ ...certs.healthy }));
    const report = await probeDestination({ host: 'localhost', port: healthy.port }, { ...local, resolver: localhostDns() });
    expect(report.eopCode).toBe('4.7.320');
    expect(step(report, 'certificate')).toMatchObject({ status: 'fail', outcome: 'UNTRUSTED' });
    expect(report.certificate).toMatchObject({ trusted: false, trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    await expectNoOpenConnections(healthy);
  });

  it('reports an expired certificate: 4.7.320 CERT_EXPIRED', async () => {
    const server = await serve(startSmtp({ ...certs.expired }));
    const report = await probeDestination({ host: 'localhost', port: server.port }, { ...local, resolver: localhostDns(), trustedCa: [certs.ca] });
    expect(report.eopCode).toBe('4.7.320');
    expect(step(report, 'certificate')).toMatchObject({ status: 'fail', outcome: 'CERT_EXPIRED' });
    expect(report.certificate!.daysLeft).toBeLessThan(0);
    expect(report.certificate!.trustError).toBe('CERT_HAS_EXPIRED');
    await expectNoOpenConnections(server);
  });

  it('reports a certificate for another name: 4.7.320 NAME_MISMATCH', async () => {
    const server = await serve(startSmtp({ ...certs.otherName }));
    const report = await probeDestination({ host: 'localhost', port: server.port }, { ...local, resolver: localhostDns(), trustedCa: [certs.ca] });
    expect(report.eopCode).toBe('4.7.320');
    expect(step(report, 'certificate')).toMatchObject({ status: 'fail', outcome: 'NAME_MISMATCH' });
    expect(step(report, 'certificate').detail).toMatch(/not valid for localhost.*mail\.fabrikam\.test/);
    expect(report.certificate).toMatchObject({ trusted: true, nameMatches: false, checkedName: 'localhost', san: ['DNS:mail.fabrikam.test'] });
    await expectNoOpenConnections(server);
  });

  it('reports a self-signed certificate: 4.7.320 SELF_SIGNED', async () => {
    const server = await serve(startSmtp({ ...certs.selfSigned }));
    const report = await probeDestination({ host: 'localhost', port: server.port }, { ...local, resolver: localhostDns(), trustedCa: [certs.ca] });
    expect(report.eopCode).toBe('4.7.320');
    expect(step(report, 'certificate')).toMatchObject({ status: 'fail', outcome: 'SELF_SIGNED' });
    expect(report.certificate).toMatchObject({ selfSigned: true, trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT', nameMatches: true });
    await expectNoOpenConnections(server);
  });

  it('warns about a banner masked by firewall inspection, then finds STARTTLS stripped too; QUITs politely', async () => {
    const commands: string[] = [];
    const asa = await serve(
      startRaw((socket: Socket) => {
        socket.write('220 ***********************\r\n');
        onCommand(socket, (command) => {
          commands.push(command);
          if (command.startsWith('EHLO')) socket.write('250-****************\r\n250-PIPELINING\r\n250 8BITMIME\r\n');
          if (command === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
        });
      }),
    );
    const report = await probeDestination({ host: '127.0.0.1', port: asa.port }, local);
    expect(step(report, 'banner')).toMatchObject({ status: 'warn', outcome: 'FIREWALL_MASKED_BANNER' });
    expect(step(report, 'ehlo').status).toBe('ok');
    expect(step(report, 'starttls')).toMatchObject({ status: 'fail', outcome: 'STARTTLS_NOT_OFFERED' });
    expect(step(report, 'starttls').detail).toMatch(/firewall/);
    expect(report.eopCode).toBe('4.4.317');
    expect(commands).toEqual(['EHLO mailflowdoctor.invalid', 'QUIT']);
    await expectNoOpenConnections(asa);
  });

  it('stops reading a line that never ends, well within the timeout, and closes', async () => {
    const flood = await serve(
      startRaw((socket) => {
        const chunk = Buffer.alloc(16 * 1024, 'A');
        const pump = (): void => {
          while (!socket.destroyed && socket.write(chunk));
          if (!socket.destroyed) socket.once('drain', pump);
        };
        pump();
      }),
    );
    const started = Date.now();
    const report = await probeDestination({ host: '127.0.0.1', port: flood.port }, { ...local, timeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(step(report, 'banner')).toMatchObject({ status: 'fail', outcome: 'LINE_TOO_LONG' });
    expect(report.eopCode).toBe('4.4.317');
    await expectNoOpenConnections(flood);
  });

  it('stops reading an endless multi-line greeting at the session byte limit', async () => {
    const flood = await serve(
      startRaw((socket) => {
        const chunk = Buffer.from('220-still greeting you\r\n'.repeat(500));
        const pump = (): void => {
          while (!socket.destroyed && socket.write(chunk));
          if (!socket.destroyed) socket.once('drain', pump);
        };
        pump();
      }),
    );
    const report = await probeDestination({ host: '127.0.0.1', port: flood.port }, { ...local, timeoutMs: 5000 });
    expect(step(report, 'banner')).toMatchObject({ status: 'fail', outcome: 'TOO_MUCH_DATA' });
    await expectNoOpenConnections(flood);
  });

  it('calls onStep once per step, in order, with what ends up in the report', async () => {
    const healthy = await serve(startSmtp({ ...certs.healthy }));
    const seen: ProbeStep[] = [];
    const report = await probeDestination({ host: '127.0.0.1', port: healthy.port }, { ...local, trustedCa: [certs.ca], onStep: (s) => seen.push(s) });
    expect(seen.map((s) => s.name)).toEqual(['dns', 'tcp', 'ptr', 'banner', 'ehlo', 'starttls', 'tls', 'certificate']);
    expect(seen).toEqual(report.steps);
    expect(step(report, 'dns').outcome).toBe('IP');
  });

  it('lists the steps that did not run as skipped, after the failing one, and onStep hears them too', async () => {
    const seen: string[] = [];
    const report = await probeDestination(
      { host: '127.0.0.1', port: await freePort() },
      { ...local, resolver: fakeResolver({}), onStep: (s) => seen.push(`${s.name}:${s.status}`) },
    );
    expect(seen).toEqual(['dns:ok', 'tcp:fail', 'ptr:warn', 'banner:skipped', 'ehlo:skipped', 'starttls:skipped', 'tls:skipped', 'certificate:skipped']);
    expect(report.steps.map((s) => `${s.name}:${s.status}`)).toEqual(seen);
  });

  it('never lets the EHLO name carry extra commands', async () => {
    const commands: string[] = [];
    const server = await serve(
      startRaw((socket: Socket) => {
        socket.write('220 relay.test ESMTP\r\n');
        onCommand(socket, (command) => {
          commands.push(command);
          socket.write(command === 'QUIT' ? '221 bye\r\n' : '250 relay.test\r\n');
        });
      }),
    );
    await probeDestination({ host: '127.0.0.1', port: server.port }, { ...local, ehloName: 'x.test\r\nRCPT TO:<a@b.test>' });
    expect(commands).toEqual(['EHLO mailflowdoctor.invalid', 'QUIT']);
  });

  it('survives an onStep that throws', async () => {
    const report = await probeDestination(
      { host: '127.0.0.1', port: await freePort() },
      {
        ...local,
        onStep: () => {
          throw new Error('card update failed');
        },
      },
    );
    expect(report.eopCode).toBe('4.4.316');
  });

  it('stops at once when the caller aborts, without an EOP code', async () => {
    const silent = await serve(startRaw(() => {}));
    const controller = new AbortController();
    const probe = probeDestination({ host: '127.0.0.1', port: silent.port }, { ...local, timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const report = await probe;
    expect(step(report, 'banner')).toMatchObject({ status: 'fail', outcome: 'ABORTED' });
    expect(report.eopCode).toBeUndefined();
    await expectNoOpenConnections(silent);
  });
});

describe('probeDestination DNS step (fake resolver)', () => {
  it('reports a name that does not exist as NXDOMAIN: 4.4.312', async () => {
    const report = await probeDestination({ host: 'nope.contoso.test', port: 25 }, { ...local, resolver: workingDns({}) });
    expect(report.eopCode).toBe('4.4.312');
    expect(step(report, 'dns')).toMatchObject({ status: 'fail', outcome: 'NXDOMAIN' });
    expect(step(report, 'dns').detail).toMatch(/ENOTFOUND/);
    expect(step(report, 'tcp').status).toBe('skipped');
  });

  it('reports a failing DNS server as SERVFAIL: 4.4.312', async () => {
    const report = await probeDestination(
      { host: 'mail.contoso.test', port: 25 },
      { ...local, resolver: workingDns({ 'mail.contoso.test': { error: 'ESERVFAIL' } }) },
    );
    expect(report.eopCode).toBe('4.4.312');
    expect(step(report, 'dns').outcome).toBe('SERVFAIL');
  });

  it('reports an unreachable DNS server (ECONNREFUSED from a query) as a DNS failure, not a refused port', async () => {
    const report = await probeDestination(
      { host: 'mail.contoso.test', port: 25 },
      { ...local, resolver: workingDns({ 'mail.contoso.test': { error: 'ECONNREFUSED' } }) },
    );
    expect(report.eopCode).toBe('4.4.312');
    expect(step(report, 'dns').outcome).toBe('NO_DNS_SERVER');
  });

  it('gives up on a DNS server that never answers after its own timeout: 4.4.312 DNS_TIMEOUT', async () => {
    const started = Date.now();
    const report = await probeDestination(
      { host: 'slow.contoso.test', port: 25 },
      { ...local, timeoutMs: 100, resolver: workingDns({ 'slow.contoso.test': { hang: true } }) },
    );
    expect(report.eopCode).toBe('4.4.312');
    expect(step(report, 'dns')).toMatchObject({ status: 'fail', outcome: 'DNS_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('follows the lowest-priority MX of a bare mail domain and checks the certificate against that host', async () => {
    const healthy = await serve(startSmtp({ ...certs.healthy }));
    const resolver = fakeResolver({
      'contoso.test': {
        mx: [
          { exchange: 'backup.contoso.test', priority: 20 },
          { exchange: 'localhost', priority: 10 },
        ],
      },
      localhost: { a: ['127.0.0.1'] },
    });
    const report = await probeDestination({ host: 'contoso.test', port: healthy.port }, { ...local, resolver, trustedCa: [certs.ca] });
    expect(step(report, 'dns')).toMatchObject({ status: 'ok' });
    expect(step(report, 'dns').detail).toMatch(/no A\/AAAA record; probing its MX localhost \(priority 10\)/);
    expect(report.addresses).toEqual(['127.0.0.1']);
    expect(report.healthy).toBe(true);
    expect(report.certificate?.checkedName).toBe('localhost');
    expect(resolver.asked).not.toContain('queryA backup.contoso.test');
  });

  it('reports a domain with neither address nor MX: 4.4.312', async () => {
    const report = await probeDestination({ host: 'empty.contoso.test', port: 25 }, { ...local, resolver: fakeResolver({ 'empty.contoso.test': {} }) });
    expect(report.eopCode).toBe('4.4.312');
    expect(step(report, 'dns').outcome).toBe('NO_ADDRESS');
  });
});

describe('probeDestination policy', () => {
  it('refuses a public-looking name that resolves to loopback, without connecting', async () => {
    const server = await serve(startSmtp({ ...certs.healthy }));
    const report = await probeDestination(
      { host: 'mail.contoso.com', port: server.port },
      { timeoutMs: 2000, allowPrivate: false, allowedPorts: '*', resolver: fakeResolver({ 'mail.contoso.com': { a: ['203.0.113.9', '127.0.0.1'] } }) },
    );
    expect(report.refused).toMatchObject({ reason: 'private-address' });
    expect(report.refused!.detail).toMatch(/127\.0\.0\.1/);
    expect(report.eopCode).toBeUndefined();
    expect(report.healthy).toBe(false);
    expect(step(report, 'tcp').status).toBe('skipped');
    expect(server.accepted()).toBe(0);
    expect(await server.openConnections()).toBe(0);
  });

  it('refuses a private IP typed directly', async () => {
    const report = await probeDestination({ host: '10.1.2.3', port: 25 }, { timeoutMs: 2000, allowPrivate: false, allowedPorts: [25] });
    expect(report.refused?.reason).toBe('private-address');
    expect(report.connectedAddress).toBeUndefined();
  });

  it('refuses a port outside the allowed list before any DNS lookup', async () => {
    const resolver = fakeResolver({ 'mail.contoso.com': { a: ['198.51.100.7'] } });
    const report = await probeDestination(
      { host: 'mail.contoso.com', port: 8080 },
      { timeoutMs: 2000, allowPrivate: false, allowedPorts: [25, 465, 587, 2525], resolver },
    );
    expect(report.refused).toMatchObject({ reason: 'port-not-allowed' });
    expect(report.eopCode).toBeUndefined();
    expect(report.healthy).toBe(false);
    expect(resolver.asked).toEqual([]);
    expect(report.steps.every((s) => s.status === 'skipped')).toBe(true);
  });

  it('refuses an invalid target instead of throwing', async () => {
    const report = await probeDestination({ host: 'mail contoso\r\nQUIT', port: 25 }, local);
    expect(report.refused?.reason).toBe('invalid-target');
    const badPort = await probeDestination({ host: 'mail.contoso.com', port: 70000 }, local);
    expect(badPort.refused?.reason).toBe('invalid-target');
  });
});
