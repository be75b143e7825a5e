import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBotProcess } from '../support/bot-process';

const TOKEN = 'alert-token-0123456789abcdef';

describe('a signed alert replayed after the bot was killed', () => {
  it('is refused by the restarted bot: the signature was written down before the 202', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-replay-'));
    const env = { DATA_DIR: dataDir, ALERT_WEBHOOK_TOKEN: TOKEN };
    const body = JSON.stringify({ text: '450 4.4.316 Connection refused [LastAttemptedServerName=mail.contoso.com]' });
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/json',
      'x-timestamp': ts,
      'x-signature-256': `sha256=${crypto.createHmac('sha256', TOKEN).update(`${ts}.${body}`).digest('hex')}`,
    };
    const send = (url: string) => fetch(`${url}/api/alerts`, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
    let bot = await startBotProcess(env);
    try {
      expect((await send(bot.url)).status).toBe(202);
      await bot.kill(); // kill -9 right after the answer: nothing closed, nothing flushed
      bot = await startBotProcess(env);
      const replay = await send(bot.url);
      expect(replay.status).toBe(401);
      expect(((await replay.json()) as any).error.message).toContain('already received');
    } finally {
      await bot.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
