import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunningAzurite {
  /** Development-account connection string for the blob endpoint on loopback. */
  connectionString: string;
  stop(): Promise<void>;
}

/** The well-known Azurite development account: https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const LISTENING = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/;

/**
 * A real Azurite blob service on 127.0.0.1 with a port the OS picks (`--blobPort 0` is supported; Azurite
 * prints the port it got). Workspace in a temporary folder, telemetry off, removed again by stop().
 */
export async function startAzurite(timeoutMs = 15_000): Promise<RunningAzurite> {
  const location = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-azurite-'));
  const pkg = require.resolve('azurite/package.json');
  const main = path.join(path.dirname(pkg), (require(pkg) as { bin: Record<string, string> }).bin['azurite-blob']);
  const args = ['--blobHost', '127.0.0.1', '--blobPort', '0', '--location', location];
  args.push('--silent', '--skipApiVersionCheck', '--loose', '--disableTelemetry');
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(location, { recursive: true, force: true });
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = LISTENING.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited (${signal ?? code}) before listening:\n${output}`));
      });
    });
    return {
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
