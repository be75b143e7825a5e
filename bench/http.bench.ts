/**
 * npm run bench — the bot against a conventional botbuilder bot and the node:http floor, in the same run:
 * Teams activities carrying a 4.4.316 paste (each naming a different server, each with its own id), posted
 * under concurrency with autocannon, replies captured by one local Bot Connector stand-in; the three servers
 * in turn for BENCH_ROUNDS rounds (3) of BENCH_SECONDS (10) each.
 * Reports requests/s, p50/p99 latency, CPU per message, RSS after 10,000 messages, the ratios bot /
 * conventional bot, and the time from `node dist/index.js` to ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { answerPaste } from '../src/chat/answer-paste';
import { explainCode } from '../src/knowledge/explain-code';
import { loadKnowledge } from '../src/knowledge/load-knowledge';
import { parseErrors } from '../src/parse/parse-errors';
import { diagnosisCardData } from '../src/render/diagnosis-card';
import { loadUiStrings } from '../src/render/ui-strings';
import { SAMPLE_TENANT } from '../src/remediation/backends/simulated-exchange';

const ROOT = path.join(__dirname, '..');
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
// The machine's speed drifts over a minute (other tenants, CPU boost): the servers are measured in turn,
// round after round, so that each sees the same conditions, and the ratios are taken over all rounds.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
// restify loads spdy, whose http-deceiver warns about process.binding (DEP0111) at start; not ours to fix.
const NODE_FLAGS = ['--disable-warning=DEP0111'];
// autocannon puts a fresh id wherever "[<id>]" stands: in the activity id (Teams' retries are answered
// once, so ids must differ) and in the server name, so that no two pastes are the same.
const PASTE =
  '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mx-[<id>].contoso.com] [LastAttemptedIP=203.0.113.5:25]';

/** The card data the bot makes for the bench paste: the conventional bot sends a card of the same size. */
async function sampleCardData(): Promise<string> {
  const knowledge = loadKnowledge();
  const ui = loadUiStrings();
  const [error] = parseErrors(PASTE.replace('[<id>]', '1234'));
  if (!error) throw new Error('the bench paste has no error');
  // The bot reads its simulated tenant for every card; the conventional bot is handed the same reading.
  const tenant = { view: { connectors: SAMPLE_TENANT.connectors, domains: SAMPLE_TENANT.acceptedDomains } };
  const explanation = explainCode(knowledge, 'en', error.enhancedCode);
  const data = diagnosisCardData({ error, explanation, knowledge: knowledge.en, ui: ui.en, now: new Date(), origin: 'paste', tenant });
  // Sanity: the same answer as the bot's own, so the two cards have the same size.
  const renderCard = () => ({ type: 'AdaptiveCard' as const, version: '1.5' });
  if (
    (await answerPaste([error], 'en', { knowledge, ui, renderCard, now: () => new Date(), readTenant: async () => tenant, readIncidents: async () => [] }))
      .length !== 1
  ) {
    throw new Error('the bench paste should get one card');
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-bench-card-')), 'card-data.json');
  fs.writeFileSync(file, JSON.stringify(data));
  return file;
}

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
  const fields = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  cpuUs: number;
  requests: number;
  replies: number;
  non2xx: number;
  errors: number;
}

/** Rounds of one server together: mean throughput and CPU per message, the middle p50 and the worst p99. */
function combine(runs: Measured[]): Measured {
  const sum = (pick: (m: Measured) => number) => runs.reduce((total, m) => total + pick(m), 0);
  const requests = sum((m) => m.requests);
  return {
    perSecond: sum((m) => m.perSecond) / runs.length,
    p50: runs.map((m) => m.p50).sort((x, y) => x - y)[Math.floor(runs.length / 2)] ?? 0,
    p99: Math.max(...runs.map((m) => m.p99)),
    cpuUs: sum((m) => m.cpuUs * m.requests) / requests,
    requests,
    replies: sum((m) => m.replies),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
  };
}

interface Server {
  name: string;
  child: ChildProcess;
  port: number;
  ms: number;
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('run npm run build first');
  const connector = await connectorStandIn();
  const body = activityBody(connector.url);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-bench-'));
  const quiet = { ...process.env, LOG_LEVEL: 'warn' };
  const ready = /ready (\d+)/;

  const floor: Server = {
    name: 'node:http floor',
    ...(await startProcess(process.execPath, [path.join(ROOT, 'bench', 'floor-server.js'), '0'], quiet, ready)),
  };
  const conventional: Server = {
    name: 'conventional bot',
    ...(await startProcess(process.execPath, [...NODE_FLAGS, path.join(ROOT, 'bench', 'conventional-bot.js'), '0', await sampleCardData()], quiet, ready)),
  };
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" profiles the bot under load (written when it stops).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const bot: Server = {
    name: 'bot',
    ...(await startProcess(
      process.execPath,
      [...NODE_FLAGS, ...nodeArgs, path.join(ROOT, 'dist', 'index.js')],
      { ...quiet, PORT: '0', DATA_DIR: dataDir, PLAYGROUND: 'false' },
      /ready on http:\/\/localhost:(\d+)/,
    )),
  };
  const servers = [floor, conventional, bot];
  const url = (p: { port: number }) => `http://127.0.0.1:${p.port}`;

  /** One timed run: throughput and latency, replies the stand-in received, and the server's CPU per message. */
  async function measure(target: Server): Promise<Measured> {
    connector.reset();
    const cpu = cpuMs(target.child.pid!);
    const result = await load(url(target), body, DURATION_S);
    await new Promise((r) => setTimeout(r, 300));
    const requests = result.requests.total;
    return {
      perSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      cpuUs: ((cpuMs(target.child.pid!) - cpu) * 1000) / requests,
      requests,
      replies: connector.count(),
      non2xx: result.non2xx,
      errors: result.errors,
    };
  }

  // Warm each up, then measure each in turn, ROUNDS times.
  for (const target of servers) await load(url(target), body, 2);
  const rounds: Measured[][] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const round: Measured[] = [];
    for (const target of servers) round.push(await measure(target));
    rounds.push(round);
  }
  const [f, c, b] = servers.map((_, i) => combine(rounds.map((r) => r[i]!))) as [Measured, Measured, Measured];

  // Memory: RSS after 10,000 more messages, for both bots.
  const rss10k = async (target: Server) => {
    await load(url(target), body, 0, 10_000);
    return rssMb(target.child.pid!);
  };
  const rssConventional = await rss10k(conventional);
  const rssBot = await rss10k(bot);

  const row = (name: string, m: Measured) =>
    `${name.padEnd(17)} ${m.perSecond.toFixed(0).padStart(7)} req/s   p50 ${String(m.p50).padStart(3)} ms   p99 ${String(m.p99).padStart(3)} ms   ${m.cpuUs.toFixed(0).padStart(4)} µs CPU/msg   ${String(m.requests).padStart(7)} requests   ${String(m.replies).padStart(7)} replies   ${m.non2xx} non-2xx   ${m.errors} errors`;
  console.log(`\nTeams activities with a 4.4.316 paste, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s each (${os.cpus().length} cores)\n`);
  console.log(row(floor.name, f));
  console.log(row(conventional.name, c));
  console.log(row(bot.name, b));
  const byRound = rounds.map((r) => (r[2]!.perSecond / r[1]!.perSecond).toFixed(3)).join(', ');
  console.log(
    `\nbot / conventional bot: throughput ${(b.perSecond / c.perSecond).toFixed(3)} (by round ${byRound}), p99 ${(b.p99 / Math.max(1, c.p99)).toFixed(2)}x, CPU/msg ${(b.cpuUs / c.cpuUs).toFixed(2)}x`,
  );
  console.log(`conventional bot / floor: throughput ${(c.perSecond / f.perSecond).toFixed(3)}`);
  for (const [name, m] of [
    ['bot', b],
    ['conventional bot', c],
  ] as const) {
    const delivered = m.replies >= m.requests && m.non2xx === 0 && m.errors === 0;
    console.log(`every reply delivered (${name}): ${delivered ? 'yes' : `NO (${m.replies} replies for ${m.requests} requests, ${m.non2xx} non-2xx)`}`);
  }
  console.log(
    `RSS after 10,000 more messages: bot ${rssBot.toFixed(0)} MB, conventional bot ${rssConventional.toFixed(0)} MB (${(rssBot / rssConventional).toFixed(2)}x)`,
  );
  console.log(`start to ready (process spawn to "ready" line): bot ${bot.ms.toFixed(0)} ms, conventional bot ${conventional.ms.toFixed(0)} ms\n`);

  for (const target of servers) {
    target.child.kill();
    await new Promise((r) => target.child.once('exit', r));
  }
  connector.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
