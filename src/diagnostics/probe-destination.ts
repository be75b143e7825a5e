import { isIP, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { checkCertificate } from './check-certificate';
import { blameOwnDns, DEFAULT_DNS_CHECK_NAME } from './check-own-dns';
import { connectTcp } from './connect-tcp';
import { isPublicAddress } from './is-public-address';
import { judgeEhlo, judgeGreeting, judgeStarttlsOffer, judgeStarttlsReply } from './judge-session';
import { QUIT_WAIT_MS } from './limits';
import { lookupPtr } from './lookup-ptr';
import { normalizeHost } from './parse-target';
import { createDefaultResolver, resolveHost } from './resolve-host';
import { openChannel, type ReadResult, type SmtpChannel } from './smtp-channel';
import { startTls } from './start-tls';
import { createStepRecorder, type StepRecorder } from './step-recorder';
import { clip, describeError } from './text';
import { STEP_NAMES, type ProbeOptions, type ProbeReport, type Resolver, type StepResult } from './types';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_EHLO_NAME = 'mailflowdoctor.invalid';

/**
 * Walks the path EOP takes to a smart host — DNS, TCP, greeting, EHLO, STARTTLS, TLS, certificate —
 * and stops at the first step that would make EOP queue the mail, naming the EOP code it causes.
 * Between TCP and the greeting it notes the reverse DNS name of the address, a fact that changes no verdict.
 * Never throws: every failure, ours included, becomes a step. Every socket it opens is destroyed
 * before it returns.
 */
export async function probeDestination(input: { host: string; port: number }, opts: ProbeOptions): Promise<ProbeReport> {
  const host = normalizeHost(String(input?.host ?? '').replace(/^\[(.*)\]$/, '$1'));
  const port = Number(input?.port);
  const report: ProbeReport = {
    target: { host: host ?? clip(String(input?.host ?? ''), 260), port, isIp: host ? isIP(host) !== 0 : false },
    addresses: [],
    steps: [],
    healthy: false,
  };
  // what the probe is talking to, for the card's words about an error: the name until an address is chosen
  let peer = report.target.host;
  const steps = createStepRecorder(report, opts.onStep, () => peer);
  const sockets: Socket[] = [];
  const track = (socket: Socket): Socket => {
    socket.on('error', () => {}); // every error is read where it matters; this one keeps a late one from crashing the process
    sockets.push(socket);
    return socket;
  };
  const defaults = withDefaults(opts);
  // one resolver for every lookup of this probe (target, control name, PTR), cancelled when it ends
  const own = opts.resolver ? undefined : createDefaultResolver(defaults.timeoutMs);
  const session: Session = {
    opts: defaults,
    steps,
    report,
    track,
    resolver: opts.resolver ?? own!,
    talkingTo: (to) => {
      peer = to;
    },
  };

  try {
    if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
      report.refused = { reason: 'invalid-target', detail: 'not a valid host name or IP address and port' };
    } else {
      await runChecks(session, host, port);
    }
    if (session.channel?.usable && session.lastRead?.kind === 'reply' && session.lastRead.reply.code !== 421) {
      await quit(session.channel, session.opts.signal);
    }
  } catch (err) {
    // a bug of ours: report it as the step that was running, never throw at the caller
    const next = STEP_NAMES.find((name) => !report.steps.some((s) => s.name === name));
    if (next) await steps.run(next, () => ({ status: 'fail', outcome: 'PROBE_ERROR', detail: `internal error: ${describeError(err)}` }));
  } finally {
    for (const socket of sockets) socket.destroy();
    own?.cancel();
  }

  steps.skipRest(report.refused ? `not run: ${report.refused.detail}` : 'not run: an earlier step failed');
  report.healthy = !report.refused && report.steps.every((s) => s.status === 'ok' || s.status === 'warn');
  return report;
}

interface Session {
  opts: Required<Pick<ProbeOptions, 'timeoutMs' | 'allowPrivate' | 'allowedPorts' | 'trustedCa' | 'ehloName' | 'dnsCheckName'>> & ProbeOptions;
  steps: StepRecorder;
  report: ProbeReport;
  track: (socket: Socket) => Socket;
  resolver: Resolver;
  talkingTo(peer: string): void;
  channel?: SmtpChannel;
  lastRead?: ReadResult;
}

async function runChecks(s: Session, host: string, port: number): Promise<void> {
  const { opts, steps, report } = s;
  const { timeoutMs, signal } = opts;

  // Policy before DNS: a port we would never probe costs no lookup.
  if (opts.allowedPorts !== '*' && !opts.allowedPorts.includes(port)) {
    report.refused = { reason: 'port-not-allowed', detail: `port ${port} is not in PROBE_PORTS (${opts.allowedPorts.join(', ')})` };
    return;
  }

  // 1. dns
  let checkedName = host;
  const dns = await steps.run('dns', async () => {
    if (report.target.isIp) {
      report.addresses = [host];
      return { status: 'ok', outcome: 'IP', detail: `${host} is an IP address; no DNS lookup` };
    }
    const found = await resolveHost(host, s.resolver, timeoutMs, signal);
    report.addresses = found.addresses;
    checkedName = found.mxHost ?? host;
    if (found.result.status !== 'fail') return found.result;
    const ours = await blameOwnDns(found.result, host, opts.dnsCheckName, s.resolver, timeoutMs, signal);
    if (ours) report.botDnsBroken = { checkName: opts.dnsCheckName };
    return ours ?? found.result;
  });
  if (dns.status === 'fail') return;

  // 2. address policy, after resolution: a public name may point at 127.0.0.1 or the cloud metadata address
  if (!opts.allowPrivate) {
    const internal = report.addresses.filter((a) => !isPublicAddress(a));
    if (internal.length) {
      report.refused = {
        reason: 'private-address',
        detail: `${host} is or resolves to ${internal.join(', ')}, which is not a public address; probing internal networks is off (PROBE_ALLOW_PRIVATE)`,
      };
      return;
    }
  }

  // 3. tcp: the first IPv4 address, else the first IPv6 one
  const address = report.addresses.find((a) => isIP(a) === 4) ?? report.addresses[0];
  let socket: Socket | undefined;
  report.triedAddress = address;
  s.talkingTo(address);
  const tcp = await steps.run('tcp', async () => {
    const connected = await connectTcp(address, port, timeoutMs, s.track, signal);
    socket = connected.socket;
    return connected.result;
  });

  // ptr: of the address connected to or tried, so a refused connection still says whose address it was
  if (tcp.outcome !== 'ABORTED') {
    await steps.run('ptr', async () => {
      const reverse = await lookupPtr(address, s.resolver, timeoutMs, signal);
      report.ptrNames = reverse.names;
      return reverse.result;
    });
  }
  if (tcp.status === 'fail' || !socket) return;
  report.connectedAddress = address;
  s.channel = openChannel(socket);
  const read = async (): Promise<ReadResult> => (s.lastRead = await s.channel!.read(timeoutMs, signal));

  // 4. banner
  const banner = await steps.run('banner', async () => {
    const greeting = await read();
    if (greeting.kind === 'reply') report.banner = clip(greeting.reply.raw);
    return judgeGreeting(greeting, timeoutMs, port);
  });
  if (banner.status === 'fail') return;

  // 5. ehlo
  let capabilities: string[] = [];
  const ehlo = await steps.run('ehlo', async () => {
    s.channel!.send(`EHLO ${opts.ehloName}`);
    const verdict = judgeEhlo(await read(), timeoutMs);
    capabilities = verdict.capabilities ?? [];
    if (verdict.capabilities) report.ehloCapabilities = verdict.capabilities;
    return verdict;
  });
  if (ehlo.status === 'fail') return;

  // 6. starttls
  const starttls = await steps.run('starttls', async (): Promise<StepResult> => {
    const notOffered = judgeStarttlsOffer(capabilities, banner.outcome === 'FIREWALL_MASKED_BANNER');
    report.starttlsOffered = !notOffered;
    if (notOffered) return notOffered;
    s.channel!.send('STARTTLS');
    return judgeStarttlsReply(await read(), timeoutMs);
  });
  if (starttls.status === 'fail') return;

  // 7. tls: from here the plain socket belongs to TLS
  s.channel.detach();
  s.channel = undefined;
  let tlsSocket: TLSSocket | undefined;
  const tls = await steps.run('tls', async () => {
    const secured = await startTls(socket!, checkedName, opts.trustedCa, timeoutMs, s.track, signal);
    tlsSocket = secured.tlsSocket;
    if (tlsSocket) report.tlsProtocol = tlsSocket.getProtocol() ?? undefined;
    return secured.result;
  });
  if (tls.status === 'fail' || !tlsSocket) return;
  s.channel = openChannel(tlsSocket);

  // 8. certificate
  await steps.run('certificate', () => {
    const cert = tlsSocket!.getPeerX509Certificate();
    if (!cert) return { status: 'fail', outcome: 'NO_CERTIFICATE', detail: 'the server presented no certificate', eopCode: '4.7.320' };
    // typed as Error, but Node sets the OpenSSL code string (tls docs: tlsSocket.authorizationError)
    const authError = tlsSocket!.authorizationError as unknown;
    const checked = checkCertificate({
      cert,
      authorized: tlsSocket!.authorized,
      authorizationError: authError ? String((authError as { code?: string }).code ?? authError) : undefined,
      checkedName,
      now: Date.now(),
    });
    report.certificate = checked.info;
    return checked.result;
  });
}

/** RFC 5321 §4.1.1.10: QUIT, wait briefly for 221, then close; the caller destroys the socket anyway. */
async function quit(channel: SmtpChannel, signal?: AbortSignal): Promise<void> {
  channel.send('QUIT');
  await channel.read(QUIT_WAIT_MS, signal);
}

function withDefaults(opts: ProbeOptions): Session['opts'] {
  const timeoutMs = Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_TIMEOUT_MS;
  // the EHLO argument goes on the wire: only a plain host name, so nothing can be injected after it
  const ehloName = opts.ehloName && normalizeHost(opts.ehloName) === opts.ehloName.toLowerCase() && !isIP(opts.ehloName) ? opts.ehloName : DEFAULT_EHLO_NAME;
  return {
    ...opts,
    timeoutMs,
    allowPrivate: opts.allowPrivate === true,
    allowedPorts: opts.allowedPorts === '*' ? '*' : Array.isArray(opts.allowedPorts) ? opts.allowedPorts : [25, 465, 587, 2525],
    trustedCa: opts.trustedCa ?? [],
    ehloName,
    dnsCheckName: (opts.dnsCheckName && normalizeHost(opts.dnsCheckName)) || DEFAULT_DNS_CHECK_NAME,
  };
}
