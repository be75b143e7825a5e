/**
 * npm run bench — the bot against a floor server that does only the unavoidable work, in the same run:
 * Teams activities carrying a 4.4.316 paste, posted under concurrency with autocannon, replies captured by
 * a local Bot Connector stand-in. Reports requests/s, p50/p99 latency, their ratio, RSS after 10,000
 * messages, and the time from start to ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const ROOT = path.join(__dirname, '..');
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
// autocannon puts a fresh id wherever "[<id>]" stands: in the activity id (Teams' retries are answered
// once, so ids must differ) and in the server name, so that no two pastes are the same.
const PASTE = '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mx-[<id>].contoso.com] [LastAttemptedIP=203.0.113.5:25]';

async function connectorStandIn() {
  let replies = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      replies++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"m"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, count: () => replies, reset: () => void (replies = 0), close: () => server.close() };
}

function activityBody(serviceUrl: string): string {
  return JSON.stringify({
    type: 'message',
    id: '[<id>]',
    channelId: 'msteams',
    serviceUrl,
    locale: 'en-US',
    text: PASTE,
    from: { id: '29:bench-user', name: 'Bench', aadObjectId: '11111111-2222-3333-4444-555555555555' },
    recipient: { id: '28:bench-bot', name: 'Mail Flow Doctor' },
    conversation: { id: 'a:bench-conversation', conversationType: 'personal', tenantId: 't' },
    channelData: { tenant: { id: 't' } },
  });
}

async function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; port: number; ms: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, port: Number(m[1]), ms: Number(process.hrtime.bigint() - started) / 1e6 });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`${cmd} exited with ${code}: ${out.slice(-2000)}`)));
  });
}

async function load(url: string, body: string, seconds: number, amount?: number) {
  return autocannon({
    url: `${url}/api/messages`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    idReplacement: true,
    connections: CONNECTIONS,
    ...(amount ? { amount } : { duration: seconds }),
  });
}

/** CPU time (user + system) a process has used so far, in ms. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('run npm run build first');
  const connector = await connectorStandIn();
  const body = activityBody(connector.url);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-bench-'));

  const floor = await startProcess(process.execPath, [path.join(ROOT, 'bench', 'floor-server.js'), '0'], process.env, /ready (\d+)/);
  const restifyFloor = await startProcess(process.execPath, [path.join(ROOT, 'bench', 'floor-server.js'), '0', 'restify'], process.env, /ready (\d+)/);
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" profiles the bot under load (written when it stops).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const bot = await startProcess(process.execPath, [...nodeArgs, path.join(ROOT, 'dist', 'index.js')], { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, /ready on http:\/\/localhost:(\d+)/);
  const url = (p: { port: number }) => `http://127.0.0.1:${p.port}`;

  /** One timed run: throughput and latency, replies the stand-in received, and the server's CPU per message. */
  async function measure(target: { port: number; child: ChildProcess }) {
    connector.reset();
    const cpu = cpuMs(target.child.pid!);
    const result = await load(url(target), body, DURATION_S);
    await new Promise((r) => setTimeout(r, 300));
    return { result, replies: connector.count(), cpuUs: ((cpuMs(target.child.pid!) - cpu) * 1000) / result.requests.total };
  }

  // Warm all three up, then measure each in turn.
  for (const target of [floor, restifyFloor, bot]) await load(url(target), body, 2);
  const f = await measure(floor);
  const rf = await measure(restifyFloor);
  const b = await measure(bot);

  // Memory: RSS before and after 10,000 more messages.
  const rssBefore = rssMb(bot.child.pid!);
  await load(url(bot), body, 0, 10_000);
  const rssAfter10k = rssMb(bot.child.pid!);
  await load(url(bot), body, 0, 10_000);
  const rssAfter20k = rssMb(bot.child.pid!);

  const row = (name: string, m: Awaited<ReturnType<typeof measure>>) =>
    `${name.padEnd(14)} ${m.result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(m.result.latency.p50).padStart(3)} ms   p99 ${String(m.result.latency.p99).padStart(3)} ms   ${m.cpuUs.toFixed(0).padStart(4)} µs CPU/msg   ${String(m.result.requests.total).padStart(7)} requests   ${String(m.replies).padStart(7)} replies   ${m.result.non2xx} non-2xx   ${m.result.errors} errors`;
  console.log(`\nTeams activities with a 4.4.316 paste, ${CONNECTIONS} connections, ${DURATION_S} s each (${os.cpus().length} cores)\n`);
  console.log(row('floor', f));
  console.log(row('restify floor', rf));
  console.log(row('bot', b));
  const ratio = (x: typeof f, y: typeof f) => (x.result.requests.average / y.result.requests.average).toFixed(2);
  console.log(`\nratio bot/floor: ${(b.result.requests.average / f.result.requests.average).toFixed(3)} (throughput), p99 ${(b.result.latency.p99 / Math.max(1, f.result.latency.p99)).toFixed(2)}x`);
  console.log(`ratio bot/restify floor: ${ratio(b, rf)}; restify floor/floor: ${ratio(rf, f)}`);
  const delivered = b.replies >= b.result.requests.total && b.result.non2xx === 0 && b.result.errors === 0;
  console.log(`every reply delivered: ${delivered ? 'yes' : `NO (${b.replies} replies for ${b.result.requests.total} requests)`}`);
  console.log(`RSS: ${rssBefore.toFixed(0)} MB after the timed run, ${rssAfter10k.toFixed(0)} MB after 10,000 more messages, ${rssAfter20k.toFixed(0)} MB after 20,000`);
  console.log(`start to ready: bot ${bot.ms.toFixed(0)} ms (process spawn to "ready" line), floor ${floor.ms.toFixed(0)} ms\n`);

  bot.child.kill();
  await new Promise((r) => bot.child.once('exit', r));
  floor.child.kill();
  restifyFloor.child.kill();
  connector.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
