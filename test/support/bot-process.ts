import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

export interface BotProcess {
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
  /** kill -9: the process ends at once, with nothing closed or written down. */
  kill(): Promise<void>;
}

/** The bot as users run it: its own process (src/index.ts, compiled on the fly by tsx), port 0, settings from the environment. */
export async function startBotProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<BotProcess> {
  // tsx as a loader in this very process (not its CLI, which runs the bot in a child): `pid` is the bot's.
  const child: ChildProcess = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', path.join(ROOT, 'src', 'index.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', WATCH: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start in time:\n${out.slice(-3000)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ready on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code}:\n${out.slice(-3000)}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
