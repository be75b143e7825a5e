import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, teamsMessage } from '../support/activities';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { startConnectorStandIn, type ConnectorStandIn } from '../support/connector-stand-in';
import { cardActions, visibleTexts } from '../support/validate-card';

const MINUTE = 60_000;
const text = (c: any) => visibleTexts(c.body.attachments[0].content).join('\n');

/** A simulated tenant whose message trace and service health the test rewrites while the bot runs. */
function tenantFile() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-watch-')), 'tenant.json');
  const now = Date.now();
  const trace = (id: number, ageMs: number, recipient: string, toIP: string, status: string, reason?: string) => ({
    id: `00000000-0000-4000-a000-${String(id).padStart(12, '0')}`,
    messageId: `<w${id}@contoso.com>`,
    senderAddress: 'adele@contoso.com',
    recipientAddress: recipient,
    receivedDateTime: new Date(now - ageMs).toISOString(),
    status,
    toIP,
    ...(reason && { details: [{ id: `d${id}`, event: 'Defer', description: reason, dateTime: new Date(now - ageMs + MINUTE).toISOString() }] }),
  });
  const reason =
    '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mx.litware.example] [LastAttemptedIP=198.51.100.7:25]';
  const write = (o: { litware: number; delivered?: boolean; incident: { status: string; isResolved: boolean } }) =>
    fs.writeFileSync(
      file,
      JSON.stringify({
        connectors: [{ name: 'To Litware', enabled: true, smartHosts: ['mx.litware.example'], recipientDomains: ['litware.example'], tlsSettings: null }],
        acceptedDomains: [{ domainName: 'contoso.com', domainType: 'Authoritative', default: true }],
        messageTraces: [
          ...Array.from({ length: o.litware }, (_, i) =>
            trace(i, 40 * MINUTE - i * 1000, `u${i}@litware.example`, '198.51.100.7', o.delivered ? 'Delivered' : 'Pending', reason),
          ),
          // Younger than WATCH_MIN_AGE: no card for it.
          trace(90, 5 * MINUTE, 'x@woodgrove.example', '203.0.113.40', 'Pending'),
        ],
        serviceHealthIssues: [
          {
            id: 'EX777001',
            title: 'Delays sending to some external domains',
            impactDescription: 'Users may see delays.',
            classification: 'Incident',
            status: o.incident.status,
            service: 'Exchange Online',
            isResolved: o.incident.isResolved,
            startDateTime: new Date(now - 60 * MINUTE).toISOString(),
            lastModifiedDateTime: new Date(now).toISOString(),
            posts: [],
          },
        ],
      }),
    );
  return { file, write };
}

describe('the watch (one instance)', () => {
  let bot: Harness | undefined;
  afterEach(async () => bot?.stop());

  it('posts a card per late destination and per incident, updates them in place, and marks them resolved', async () => {
    const tenant = tenantFile();
    tenant.write({ litware: 1, incident: { status: 'investigating', isResolved: false } });
    bot = await startBot({ EXCHANGE_SIM_STATE: tenant.file, WATCH: 'on', WATCH_INTERVAL: '1s', WATCH_MIN_AGE: '15m' });
    await bot.post(teamsMessage('subscribe', { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }));
    const posts = () => bot!.connector.cards().filter((c) => !c.activityId && !text(c).includes('now receives'));
    await bot.connector.waitFor(() => posts().length === 2, 10_000);
    assertCardsValid(bot.connector);
    const queueCard = posts().find((c) => text(c).includes('Microsoft 365 is holding mail for To Litware'))!;
    const incidentCard = posts().find((c) => text(c).includes('Microsoft incident EX777001'))!;
    expect(queueCard).toBeDefined();
    expect(incidentCard).toBeDefined();
    expect(text(queueCard)).toContain('Waiting: Messages: 1, recipients: 1');
    expect(text(queueCard)).toContain('4.4.316');
    expect(text(queueCard)).toContain('Microsoft is working on EX777001');
    expect(posts().map(text).join('\n')).not.toContain('woodgrove');
    // The diagnosis of the deferral reason comes with it: Fix now for the connector that routes there.
    expect(cardActions(queueCard.body.attachments[0].content).some((a) => a.verb === 'fixNow')).toBe(true);

    const updatesOf = (c: any) => bot!.connector.updates().filter((u) => u.activityId === c.messageId);
    tenant.write({ litware: 3, incident: { status: 'serviceDegradation', isResolved: false } });
    await bot.connector.waitFor(() => updatesOf(queueCard).some((u) => text(u).includes('Messages: 3, recipients: 3')), 10_000);
    await bot.connector.waitFor(() => updatesOf(incidentCard).some((u) => text(u).includes('serviceDegradation')), 10_000);

    tenant.write({ litware: 3, delivered: true, incident: { status: 'serviceRestored', isResolved: true } });
    await bot.connector.waitFor(() => updatesOf(queueCard).some((u) => text(u).includes('The queue for To Litware')), 10_000);
    await bot.connector.waitFor(() => updatesOf(incidentCard).some((u) => text(u).includes('Resolved by Microsoft: EX777001')), 10_000);
    const drained = updatesOf(queueCard).find((u) => text(u).includes('has drained'))!;
    expect(cardActions(drained.body.attachments[0].content).map((a) => a.verb)).not.toContain('ackAlert');
    // One card each, all along.
    expect(posts()).toHaveLength(2);
  }, 40_000);

  it('stays quiet with WATCH=off', async () => {
    const tenant = tenantFile();
    tenant.write({ litware: 2, incident: { status: 'investigating', isResolved: false } });
    bot = await startBot({ EXCHANGE_SIM_STATE: tenant.file, WATCH: 'off', WATCH_INTERVAL: '1s' });
    await bot.post(teamsMessage('subscribe', { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }));
    await new Promise((r) => setTimeout(r, 2500));
    expect(bot.connector.cards().filter((c) => !c.activityId && !text(c).includes('now receives'))).toHaveLength(0);
  });
});

describe('the watch on two instances sharing Azure Blob Storage', () => {
  let azurite: RunningAzurite;
  let connector: ConnectorStandIn;
  let a: BotProcess;
  let b: BotProcess;
  const tenant = tenantFile();
  beforeAll(async () => {
    tenant.write({ litware: 2, incident: { status: 'investigating', isResolved: false } });
    azurite = await startAzurite();
    connector = await startConnectorStandIn({ enforceRateLimits: true });
    const env = (name: string) => ({
      STORAGE: 'azure-blob',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_CONTAINER: 'watch',
      EXCHANGE_SIM_STATE: tenant.file,
      WATCH: 'on',
      WATCH_INTERVAL: '1s',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `mfd-watch-${name}-`)),
    });
    [a, b] = await Promise.all([startBotProcess(env('a')), startBotProcess(env('b'))]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await connector?.close();
    await azurite?.stop();
  });

  it('posts each card once, and keeps updating that one card', async () => {
    await fetch(`${a.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsMessage('subscribe', { serviceUrl: connector.url, from: ADMIN, scope: 'channel' })),
    });
    const posts = () => connector.cards().filter((c) => !c.activityId && !text(c).includes('now receives'));
    await connector.waitFor(() => posts().length >= 2, 15_000);
    tenant.write({ litware: 4, incident: { status: 'investigating', isResolved: false } });
    await connector.waitFor(() => connector.updates().some((u) => text(u).includes('Messages: 4, recipients: 4')), 15_000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(
      posts()
        .filter((c) => text(c).includes('holding mail for To Litware'))
        .map(text),
    ).toHaveLength(1);
    expect(posts().filter((c) => text(c).includes('Microsoft incident EX777001'))).toHaveLength(1);
    expect(connector.refused.filter((r) => r.status === 429)).toHaveLength(0);
  }, 40_000);
});
