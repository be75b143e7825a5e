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
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" profiles the bot under load (written when it stops).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const bot = await startProcess(process.execPath, [...nodeArgs, path.join(ROOT, 'dist', 'index.js')], { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, /ready on http:\/\/localhost:(\d+)/);
  const floorUrl = `http://127.0.0.1:${floor.port}`;
  const botUrl = `http://127.0.0.1:${bot.port}`;

  // Warm both up, then measure each in turn.
  await load(floorUrl, body, 2);
  await load(botUrl, body, 2);
  connector.reset();
  const floorCpu = cpuMs(floor.child.pid!);
  const f = await load(floorUrl, body, DURATION_S);
  const floorCpuPerMessage = ((cpuMs(floor.child.pid!) - floorCpu) * 1000) / f.requests.total;
  const floorReplies = connector.count();
  connector.reset();
  const botCpu = cpuMs(bot.child.pid!);
  const b = await load(botUrl, body, DURATION_S);
  await new Promise((r) => setTimeout(r, 500));
  const botCpuPerMessage = ((cpuMs(bot.child.pid!) - botCpu) * 1000) / b.requests.total;
  const botReplies = connector.count();

  // Memory: RSS before and after 10,000 more messages.
  const rssBefore = rssMb(bot.child.pid!);
  await load(botUrl, body, 0, 10_000);
  const rssAfter10k = rssMb(bot.child.pid!);
  await load(botUrl, body, 0, 10_000);
  const rssAfter20k = rssMb(bot.child.pid!);

  const row = (name: string, r: autocannon.Result, replies: number) =>
    `${name.padEnd(8)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   ${String(r.requests.total).padStart(7)} requests   ${String(replies).padStart(7)} replies   ${r.non2xx} non-2xx   ${r.errors} errors`;
  console.log(`\nTeams activities with a 4.4.316 paste, ${CONNECTIONS} connections, ${DURATION_S} s each (${os.cpus().length} cores)\n`);
  console.log(row('floor', f, floorReplies));
  console.log(row('bot', b, botReplies));
  console.log(`\nratio bot/floor: ${(b.requests.average / f.requests.average).toFixed(2)} (throughput), p99 ${(b.latency.p99 / Math.max(1, f.latency.p99)).toFixed(2)}x`);
  console.log(`CPU per message: floor ${floorCpuPerMessage.toFixed(0)} µs, bot ${botCpuPerMessage.toFixed(0)} µs`);
  console.log(`every reply delivered: ${botReplies >= b.requests.total - b.non2xx && b.non2xx === 0 ? 'yes' : `NO (${botReplies} replies for ${b.requests.total} requests)`}`);
  console.log(`RSS: ${rssBefore.toFixed(0)} MB after the timed run, ${rssAfter10k.toFixed(0)} MB after 10,000 more messages, ${rssAfter20k.toFixed(0)} MB after 20,000`);
  console.log(`start to ready: bot ${bot.ms.toFixed(0)} ms (process spawn to "ready" line), floor ${floor.ms.toFixed(0)} ms\n`);

  bot.child.kill();
  await new Promise((r) => bot.child.once('exit', r));
  floor.child.kill();
  connector.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
