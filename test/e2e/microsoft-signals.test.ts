/**
 * The tenant's own signals over HTTPS stand-ins for Microsoft Graph and the Management Activity API, with
 * tokens from the Exchange stand-in's Entra ID: `queue` and `health` read Graph (paging, 10-day windows,
 * 429, 403), and Microsoft 365's alert policies arrive by webhook, are fetched and become channel cards.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { startExchangeOnlineStandIn } from '../support/exchange-online-stand-in';
import { startMicrosoftApisStandIn } from '../support/microsoft-apis-stand-in';
import { cardActions, visibleTexts } from '../support/validate-card';

const TENANT = '3b1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const CLIENT = '9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const SECRET = 'signals-client-secret-value-0987654321';
const AUTH_ID = 'mfd-alerts-9f8e7d6c5b4a3210';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let exo: Awaited<ReturnType<typeof startExchangeOnlineStandIn>>;
let ms: Awaited<ReturnType<typeof startMicrosoftApisStandIn>>;
let caFile: string;
let bot: Harness | undefined;
const now = Date.now();
const iso = (ageMs: number) => new Date(now - ageMs).toISOString();
const REASON = '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.10:25]';

function trace(id: number, ageMs: number, recipient: string, toIP: string, status = 'pending') {
  return {
    id: `6f1d2e3c-0000-4000-a000-${String(id).padStart(12, '0')}`,
    messageId: `<m${id}@contoso.com>`,
    senderAddress: `sender${id % 3}@contoso.com`,
    recipientAddress: recipient,
    subject: `Order ${id}`,
    status,
    receivedDateTime: iso(ageMs),
    fromIP: '198.51.100.20',
    toIP,
    size: 4096,
  };
}

beforeAll(async () => {
  exo = await startExchangeOnlineStandIn({
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: SECRET,
    connectors: [
      {
        Name: 'Outbound to on-premises',
        Enabled: true,
        SmartHosts: ['mail.contoso.com'],
        RecipientDomains: ['contoso.com'],
        TlsSettings: null,
        ConnectorType: 'OnPremises',
      },
    ],
    domains: [{ Name: 'contoso.com', DomainName: 'contoso.com', DomainType: 'InternalRelay', Default: true }],
  });
  const traces = [
    trace(1, 5 * HOUR, 'a@contoso.com', '203.0.113.10'),
    trace(2, 3 * HOUR, 'b@contoso.com', '203.0.113.10'),
    trace(3, 2 * HOUR, 'c@contoso.com', '203.0.113.10'),
    trace(4, 1 * HOUR, 'd@contoso.com', '203.0.113.10', 'delivered'),
    trace(5, 12 * DAY, 'e@fabrikam.example', '192.0.2.44'),
  ];
  const defer = (id: number, ageMs: number) => [
    {
      id: `r${id}`,
      event: 'Receive',
      action: null,
      description: 'Message received by: AM0PR01MB0001.eurprd01.prod.outlook.com',
      dateTime: iso(ageMs),
      data: null,
    },
    { id: `d${id}`, event: 'Defer', action: null, description: REASON, dateTime: iso(ageMs - 10 * 60_000), data: null },
  ];
  ms = await startMicrosoftApisStandIn({
    tenantId: TENANT,
    tokenValid: (token, scope) => exo.tokenValid(token, scope),
    messageTraces: traces,
    details: {
      [`${traces[0]!.id}|a@contoso.com`]: defer(1, 5 * HOUR),
      [`${traces[2]!.id}|c@contoso.com`]: defer(3, 2 * HOUR),
    },
    issues: [
      {
        id: 'EX901234',
        title: 'Delays delivering to on-premises servers',
        impactDescription: 'Users may see delays sending to hybrid destinations.',
        classification: 'incident',
        status: 'serviceDegradation',
        service: 'Exchange Online',
        isResolved: false,
        startDateTime: iso(6 * HOUR),
        lastModifiedDateTime: iso(HOUR),
        posts: [],
      },
    ],
  });
  exo.acceptScope(`${ms.graphUrl}/.default`);
  exo.acceptScope(`${ms.managementUrl}/.default`);
  caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-ms-')), 'ca.pem');
  fs.writeFileSync(caFile, `${exo.ca}\n${ms.ca}`);
});
afterAll(async () => {
  await exo?.close();
  await ms?.close();
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const env = (extra: Record<string, string> = {}) => ({
  EXCHANGE_BACKEND: 'exchange-online',
  DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMEDIATION: 'true',
  EXCHANGE_TENANT_ID: TENANT,
  EXCHANGE_CLIENT_ID: CLIENT,
  EXCHANGE_CLIENT_SECRET: SECRET,
  EXCHANGE_ADMIN_API_URL: exo.adminApiUrl,
  EXCHANGE_AUTHORITY_URL: exo.authorityUrl,
  GRAPH_API_URL: ms.graphUrl,
  MANAGEMENT_API_URL: ms.managementUrl,
  NODE_EXTRA_CA_CERTS: caFile,
  ...extra,
});
const text = (card: any) => visibleTexts(card).join('\n');

async function command(h: Harness, t: string) {
  h.connector.clear();
  await h.post(teamsMessage(t, { serviceUrl: h.connector.url, from: ADMIN }));
  await h.connector.waitFor(() => h.connector.cards().length > 0, 10_000);
  return h.connector.cards()[0]!.body.attachments[0].content;
}

const traceQueries = () => ms.graphRequests.filter((r) => r.path === '/v1.0/admin/exchange/tracing/messageTraces');

describe('queue and health over Microsoft Graph', () => {
  it('reads every page of the pending trace and the DEFER details, groups by connector and shows the open incident', async () => {
    bot = await startBot(env());
    const before = traceQueries().length;
    const card = await command(bot, 'queue');
    const t = text(card);
    expect(t).toContain('Outbound to on-premises');
    expect(t).toContain('Messages: 3, recipients: 3');
    expect(t).toContain('4.4.316');
    expect(t).toContain('mail.contoso.com');
    expect(t).not.toContain('fabrikam');
    expect(t).toContain('Microsoft is working on EX901234');
    // Three pending rows at two a page: the second page came from @odata.nextLink.
    const queries = traceQueries().slice(before);
    expect(queries.some((q) => q.query.get('$skiptoken') === '2')).toBe(true);
    expect(queries.every((q) => /status eq 'pending'/.test(q.query.get('$filter') ?? ''))).toBe(true);
    const health = text(await command(bot, 'health'));
    expect(health).toContain('EX901234');
    expect(health).toContain('Delays delivering to on-premises servers');
    assertCardsValid(bot.connector);
  });

  it('splits a 14-day queue into windows of at most 10 days and finds the older destination', async () => {
    bot = await startBot(env());
    const before = traceQueries().length;
    const t = text(await command(bot, 'queue 14d'));
    expect(t).toContain('fabrikam.example');
    expect(t).toContain('in 2 queries of at most 10 days');
    const windows = traceQueries()
      .slice(before)
      .filter((q) => !q.query.get('$skiptoken'))
      .map((q) => q.window!);
    expect(windows).toHaveLength(2);
    for (const w of windows) expect(Date.parse(w.end) - Date.parse(w.start)).toBeLessThanOrEqual(10 * DAY);
    expect(Date.parse(windows[1]!.end) - Date.parse(windows[0]!.start)).toBeGreaterThanOrEqual(14 * DAY - 60_000);
  });

  it('waits out a 429 with its Retry-After and answers', async () => {
    bot = await startBot(env());
    ms.answerNext('/v1.0/admin/exchange/tracing/messageTraces', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } },
    });
    const before = traceQueries().length;
    const started = Date.now();
    const t = text(await command(bot, 'queue'));
    expect(t).toContain('Messages: 3, recipients: 3');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(traceQueries().length - before).toBeGreaterThanOrEqual(3); // the refused one, then both pages
  });

  it('names the missing permission and the service principal step when Graph answers 403', async () => {
    bot = await startBot(env());
    ms.answerNext('/v1.0/admin/exchange/tracing/messageTraces', {
      status: 403,
      body: { error: { code: 'Forbidden', message: 'Missing role permissions on the request.' } },
    });
    const t = text(await command(bot, 'queue'));
    expect(t).toContain('ExchangeMessageTrace.Read.All');
    expect(t).toContain('New-MgServicePrincipal -AppId 8bd644d1-64a1-4d4b-ae52-2e0cbf64e373');
    expect(t).not.toContain(SECRET);
  });
});

/** An alert policy record as the schema describes it (no real "Messages have been delayed" record is published: synthetic). */
function alertRecord(operation: 'AlertTriggered' | 'AlertUpdated', status: string, alertId = '5a0e6d9f-1c2b-4e3d-8f7a-6b5c4d3e2f10') {
  return {
    CreationTime: new Date().toISOString().replace(/\.\d+Z$/, ''),
    Id: crypto.randomUUID(),
    Operation: operation,
    OrganizationId: TENANT,
    RecordType: 40,
    UserKey: 'SecurityComplianceAlerts',
    UserType: 4,
    Version: 1,
    Workload: 'SecurityComplianceCenter',
    UserId: 'SecurityComplianceAlerts',
    AlertId: alertId,
    AlertType: 'System',
    Name: 'Messages have been delayed',
    PolicyId: '0f3c1e2d-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
    Status: status,
    Severity: 'High',
    Category: 'MailFlow',
    Source: 'Office 365 Security & Compliance',
    Comments: 'New alert',
    Data: JSON.stringify({ an: 'Messages have been delayed', od: 'Mail to contoso.com is queued', tdc: '2413' }),
    AlertEntityId: '',
    EntityType: '',
  };
}

async function notify(h: Harness, body: unknown, headers: Record<string, string> = { 'webhook-authid': AUTH_ID }) {
  const res = await fetch(`${h.url}/api/alerts/microsoft`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe("Microsoft 365's alert policies over the Management Activity API", () => {
  it('answers the validation request, refuses a wrong or missing auth id, and turns the content into one card updated on resolve', async () => {
    bot = await startBot(env({ MICROSOFT_ALERTS_AUTH_ID: AUTH_ID }));
    await bot.post(teamsMessage('subscribe', { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }));

    const validation = await notify(bot, { validationCode: 'a1b2c3d4' }, { 'webhook-validationcode': 'a1b2c3d4' });
    expect(validation.status).toBe(200);
    expect((await notify(bot, [ms.publish([])], {})).status).toBe(401);
    expect((await notify(bot, [ms.publish([])], { 'webhook-authid': 'someone-elses-auth-id-000' })).status).toBe(401);

    // A blob holds every workload's records: only the mail-flow alert becomes a card.
    const unrelated = {
      ...alertRecord('AlertTriggered', 'Active', 'b7c6d5e4-0000-4000-8000-000000000001'),
      Category: 'ThreatManagement',
      Name: 'Malware campaign detected',
    };
    const entity = { ...alertRecord('AlertTriggered', 'Active'), Operation: 'AlertEntityGenerated' };
    const sharepoint = {
      CreationTime: new Date().toISOString(),
      Id: crypto.randomUUID(),
      Operation: 'FileAccessed',
      RecordType: 6,
      UserId: 'adele@contoso.com',
    };
    const first = ms.publish([sharepoint, unrelated, alertRecord('AlertTriggered', 'Active'), entity]);
    const accepted = await notify(bot, [first]);
    expect(accepted.status).toBe(200);
    // Microsoft may send the same notification again: it is taken once.
    expect(JSON.parse((await notify(bot, [first])).text)).toMatchObject({ received: 1, new: 0 });

    const posts = () => bot!.connector.cards().filter((c) => !c.activityId && !text(c.body.attachments[0].content).includes('now receives'));
    await bot.connector.waitFor(() => posts().length === 1, 15_000);
    const card = posts()[0]!.body.attachments[0].content;
    const t = text(card);
    expect(t).toContain('Microsoft 365 alert: Messages have been delayed (Active)');
    expect(t).toContain('Outbound to on-premises');
    expect(t).toContain('Messages: 3, recipients: 3');
    expect(t).toContain('4.4.316');
    expect(t).not.toContain('Malware campaign');
    // The destination's deferral reason gives the diagnosis, with Fix now for the connector that routes there.
    expect(cardActions(card).some((a) => a.verb === 'fixNow')).toBe(true);
    expect(cardActions(card).some((a) => a.url === 'https://security.microsoft.com/alerts')).toBe(true);
    const content = ms.managementRequests.filter((r) => r.path.includes('/activity/feed/audit/'));
    expect(content.some((r) => r.path.endsWith(first.contentId))).toBe(true);

    await notify(bot, [ms.publish([alertRecord('AlertUpdated', 'Resolved')])]);
    const messageId = posts()[0]!.messageId;
    await bot.connector.waitFor(
      () => bot!.connector.updates().some((u) => u.activityId === messageId && text(u.body.attachments[0].content).includes('closed the alert')),
      15_000,
    );
    expect(posts()).toHaveLength(1);
    assertCardsValid(bot.connector);
  }, 40_000);

  it('keeps nothing whose content is elsewhere or malformed, and takes nothing when no auth id is configured', async () => {
    bot = await startBot(env({ MICROSOFT_ALERTS_AUTH_ID: AUTH_ID }));
    const elsewhere = { ...ms.publish([]), contentUri: 'https://attacker.example/api/v1.0/x/activity/feed/audit/1' };
    const refused = await notify(bot, [elsewhere]);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('MANAGEMENT_API_URL');
    expect((await notify(bot, '{not json')).status).toBe(400);
    expect((await notify(bot, { contentUri: 'x' })).status).toBe(422);
    expect(ms.managementRequests.some((r) => r.path.includes('attacker'))).toBe(false);
    await bot.stop();

    bot = await startBot(env());
    const off = await notify(bot, [ms.publish([alertRecord('AlertTriggered', 'Active')])]);
    expect(off.status).toBe(403);
    expect(off.text).toContain('MICROSOFT_ALERTS_AUTH_ID');
  });

  it('npm run subscribe-alerts starts the subscription with the webhook address and auth id, and says so when it already points there', async () => {
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/subscribe-alerts.ts'], {
        env: {
          ...process.env,
          ...env({ MICROSOFT_ALERTS_AUTH_ID: AUTH_ID, MICROSOFT_ALERTS_WEBHOOK_URL: 'https://bot.contoso.com/api/alerts/microsoft' }),
          DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-sub-')),
        },
      });
    const first = await run();
    expect(first.stdout).toContain('Subscription started: Audit.General → https://bot.contoso.com/api/alerts/microsoft');
    expect(ms.subscriptions).toContainEqual(expect.objectContaining({ contentType: 'Audit.General', status: 'enabled' }));
    expect(ms.subscriptions[0]!.webhook).toMatchObject({ address: 'https://bot.contoso.com/api/alerts/microsoft', authId: AUTH_ID });
    const start = ms.managementRequests.find((r) => r.path.endsWith('/subscriptions/start'))!;
    expect(start.query.get('PublisherIdentifier')).toBe(TENANT);
    const again = await run();
    expect(again.stdout).toContain('Subscription already points here');
    expect(first.stdout + again.stdout).not.toContain(AUTH_ID);
    expect(first.stdout + again.stdout).not.toContain(SECRET);
  }, 30_000);
});
