import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { startConnectorStandIn, type ConnectorStandIn } from '../support/connector-stand-in';
import { ADMIN, cardInvoke, teamsMessage } from '../support/activities';
import { cardActions, visibleTexts } from '../support/validate-card';

const TOKEN = 'scale-out-token-0123456789';
const PASTE = '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]';
const text = (c: any) => visibleTexts(c.body?.attachments?.[0]?.content ?? c).join('\n');

let azurite: RunningAzurite;
let connector: ConnectorStandIn;
let a: BotProcess;
let b: BotProcess;

async function post(bot: BotProcess, activity: object) {
  const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const body = await res.text();
  return { status: res.status, body: body ? JSON.parse(body) : undefined };
}

/** Two bot processes behind an imaginary load balancer, sharing one Azure Blob container (Azurite). */
beforeAll(async () => {
  azurite = await startAzurite();
  connector = await startConnectorStandIn({ enforceRateLimits: true });
  const env = (name: string) => ({
    STORAGE: 'azure-blob',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    AZURE_STORAGE_CONTAINER: 'scale-out',
    ALERT_WEBHOOK_TOKEN: TOKEN,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `mfd-${name}-`)),
  });
  [a, b] = await Promise.all([startBotProcess(env('a')), startBotProcess(env('b'))]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await connector?.close();
  await azurite?.stop();
});

describe('two instances on shared Azure Blob Storage', () => {
  it('fixes through instance B a card that instance A posted, and a double press on both applies once', async () => {
    connector.clear();
    await post(a, teamsMessage(PASTE, { serviceUrl: connector.url, from: ADMIN }));
    const card = connector.cards()[0];
    const fixNow = cardActions(card.body.attachments[0].content).find((x) => x.verb === 'fixNow');
    const confirm = await post(b, cardInvoke({ verb: 'fixNow', data: fixNow.data }, { serviceUrl: connector.url, replyToId: card.messageId, from: ADMIN }));
    const disable = cardActions(confirm.body.value).find((x) => x.verb === 'applyFix' && x.title === 'Disable connector');
    const [ra, rb] = await Promise.all([
      post(a, cardInvoke({ verb: 'applyFix', data: disable.data }, { serviceUrl: connector.url, replyToId: card.messageId, from: ADMIN })),
      post(b, cardInvoke({ verb: 'applyFix', data: disable.data }, { serviceUrl: connector.url, replyToId: card.messageId, from: ADMIN })),
    ]);
    const results = [text(ra.body.value), text(rb.body.value)];
    expect(results.some((t) => t.includes('Done: the outbound connector'))).toBe(true);
    expect(results.every((t) => /Done: the outbound connector|Working on it/.test(t))).toBe(true);

    connector.clear();
    await post(b, teamsMessage('connectors', { serviceUrl: connector.url, from: ADMIN }));
    expect(text(connector.cards()[0])).toMatch(/Outbound to Contoso on-premises\nDisabled/);
    connector.clear();
    await post(a, teamsMessage('audit', { serviceUrl: connector.url, from: ADMIN }));
    expect(text(connector.cards()[0]).match(/\napplied\n/g)).toHaveLength(1);
  }, 30_000);

  it('folds alerts posted to both instances into one card, without double posts, lost alerts or 429s', async () => {
    connector.clear();
    await post(a, teamsMessage('subscribe', { serviceUrl: connector.url, from: ADMIN, scope: 'channel' }));
    connector.clear();
    const send = (bot: BotProcess) =>
      fetch(`${bot.url}/api/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: PASTE }),
      });
    const responses = await Promise.all(Array.from({ length: 120 }, (_, i) => send(i % 2 ? a : b)));
    expect(responses.every((r) => r.status === 202)).toBe(true);
    await connector.waitFor(() => {
      const last = connector.calls.filter((c) => c.body?.attachments).at(-1);
      return !!last && text(last).includes('Occurrences: 120');
    }, 30_000);
    const posts = connector.calls.filter((c) => c.method === 'POST' && c.body?.attachments);
    expect(posts).toHaveLength(1);
    expect(new Set(connector.calls.filter((c) => c.body?.attachments).map((c) => c.messageId)).size).toBe(1);
    expect(connector.refused.filter((r) => r.status === 429)).toHaveLength(0);
  }, 60_000);
});
