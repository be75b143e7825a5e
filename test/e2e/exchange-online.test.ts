import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../support/bot-harness';
import { ADMIN, cardInvoke, teamsMessage } from '../support/activities';
import { cardActions, visibleTexts } from '../support/validate-card';
import { startExchangeOnlineStandIn } from '../support/exchange-online-stand-in';
import { fakeResolver, startSmtp, type StandIn } from '../diagnostics/smtp-stand-ins';

const TENANT = '0e3f1b9c-6c1d-4a53-9d35-2f1c55a0b7de';
const CLIENT = '5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d';
const SECRET = 'app-client-secret-value-1234567890';

let exo: Awaited<ReturnType<typeof startExchangeOnlineStandIn>>;
let smtp: StandIn;
let caFile: string;
let bot: Harness | undefined;

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
        TlsSettings: 'CertificateValidation',
        ConnectorType: 'OnPremises',
      },
      {
        Name: 'Partner Fabrikam',
        Enabled: true,
        SmartHosts: ['smtp.fabrikam.com'],
        RecipientDomains: ['fabrikam.com'],
        TlsSettings: 'DomainValidation',
        TlsDomain: 'smtp.fabrikam.com',
        ConnectorType: 'Partner',
      },
      { Name: 'Partner Northwind', Enabled: false, SmartHosts: ['mx.northwind.example'], RecipientDomains: ['northwind.example'], TlsSettings: null },
    ],
    domains: [
      { Name: 'contoso.com', DomainName: 'contoso.com', DomainType: 'InternalRelay', Default: true },
      { Name: 'contoso.onmicrosoft.com', DomainName: 'contoso.onmicrosoft.com', DomainType: 'Authoritative' },
    ],
  });
  caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-exo-')), 'ca.pem');
  fs.writeFileSync(caFile, exo.ca);
  smtp = await startSmtp({ hideSTARTTLS: true }); // the on-premises server, still refusing TLS
});
afterAll(async () => {
  await exo?.close();
  await smtp?.close();
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const env = (extra: Record<string, string> = {}) => ({
  EXCHANGE_BACKEND: 'exchange-online',
  DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMEDIATION: 'true', // the test posts unauthenticated activities
  EXCHANGE_TENANT_ID: TENANT,
  EXCHANGE_CLIENT_ID: CLIENT,
  EXCHANGE_CLIENT_SECRET: SECRET,
  EXCHANGE_ADMIN_API_URL: exo.adminApiUrl,
  EXCHANGE_AUTHORITY_URL: exo.authorityUrl,
  NODE_EXTRA_CA_CERTS: caFile,
  PROBE_ALLOW_PRIVATE: 'true',
  PROBE_PORTS: '*',
  PROBE_TIMEOUT_MS: '1000',
  ...extra,
});
const start = (extra: Record<string, string> = {}, dataDir?: string) =>
  startBot(env(extra), { dataDir, resolver: fakeResolver({ 'mail.contoso.com': { a: ['127.0.0.1'] } }) });

const text = (card: any) => visibleTexts(card).join('\n');
const PASTE = () =>
  `450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=127.0.0.1:${smtp.port}]`;

async function command(h: Harness, t: string) {
  h.connector.clear();
  await h.post(teamsMessage(t, { serviceUrl: h.connector.url, from: ADMIN }));
  return text(h.connector.cards()[0].body.attachments[0].content);
}

async function confirmCard(h: Harness) {
  h.connector.clear();
  await h.post(teamsMessage(PASTE(), { serviceUrl: h.connector.url, from: ADMIN }));
  const card = h.connector.cards()[0];
  const fixNow = cardActions(card.body.attachments[0].content).find((a) => a.verb === 'fixNow');
  const res = await h.post(cardInvoke({ verb: 'fixNow', data: fixNow.data }, { serviceUrl: h.connector.url, replyToId: card.messageId, from: ADMIN }));
  return { messageId: card.messageId, confirm: res.body.value };
}

async function press(h: Harness, verb: string, data: any, messageId: string) {
  const res = await h.post(cardInvoke({ verb, data }, { serviceUrl: h.connector.url, replyToId: messageId, from: ADMIN }));
  expect(res.body.statusCode).toBe(200);
  return res.body.value;
}

const setCalls = () => exo.invocations.filter((i) => i.cmdletName.startsWith('Set-'));
const connector = (name: string) => exo.connectors.find((c) => c.Name === name)!;

describe('Fix now against Exchange Online (InvokeCommand stand-in, local token endpoint)', () => {
  it('lists connectors and accepted domains across pages, the same way as the simulated tenant', async () => {
    bot = await start();
    const t = await command(bot, 'connectors');
    expect(t).toMatch(/Outbound to on-premises\nEnabled/);
    expect(t).toMatch(/Partner Northwind\nDisabled/);
    expect(t).toContain('Smart hosts: smtp.fabrikam.com');
    expect(t).toContain('TLS: Trusted CA certificate for the domain');
    expect(t).toContain('contoso.com: Internal Relay (default)');
    expect(exo.tokenRequests.some((r) => r.credential === 'secret' && r.clientId === CLIENT)).toBe(true);
  });

  it('in dry-run mode shows exactly the call it would make, and makes none', async () => {
    bot = await start({ REMEDIATION_DRY_RUN: 'true' });
    const { messageId, confirm } = await confirmCard(bot);
    const disable = cardActions(confirm).find((a) => a.verb === 'applyFix' && a.title === 'Disable connector');
    const before = setCalls().length;
    const result = text(await press(bot, 'applyFix', disable.data, messageId));
    expect(result).toContain('Dry run: nothing was changed');
    expect(result).toContain(`POST ${exo.adminApiUrl}/adminapi/beta/${TENANT}/InvokeCommand`);
    expect(result).toContain('"CmdletName":"Set-OutboundConnector"');
    expect(result).toContain("Set-OutboundConnector -Identity 'Outbound to on-premises' -Enabled $false");
    expect(result).not.toContain(SECRET);
    expect(setCalls().length).toBe(before);
    expect(connector('Outbound to on-premises').Enabled).toBe(true);
    expect(await command(bot, 'audit')).toContain('dry run, nothing changed');
  });

  it('applies, records before and after, and undoes exactly', async () => {
    bot = await start();
    const { messageId, confirm } = await confirmCard(bot);
    const disable = cardActions(confirm).find((a) => a.verb === 'applyFix' && a.title === 'Disable connector');
    const result = await press(bot, 'applyFix', disable.data, messageId);
    expect(text(result)).toContain('Done: the outbound connector "Outbound to on-premises" was disabled');
    expect(text(result)).toContain('Before: Enabled');
    expect(text(result)).toContain('After: Disabled');
    expect(connector('Outbound to on-premises').Enabled).toBe(false);
    expect(setCalls().at(-1)).toMatchObject({ cmdletName: 'Set-OutboundConnector', parameters: { Identity: 'Outbound to on-premises', Enabled: false } });
    expect(await command(bot, 'connectors')).toMatch(/Outbound to on-premises\nDisabled/);
    const undo = cardActions(result).find((a) => a.verb === 'undoFix');
    expect(text(await press(bot, 'undoFix', undo.data, messageId))).toContain('Undone');
    expect(connector('Outbound to on-premises').Enabled).toBe(true);
    const audit = await command(bot, 'audit');
    expect(audit).toContain('applied');
    expect(audit).toContain('undone');
  });

  it("puts Exchange's refusal on the card in plain words, without a stack or a secret", async () => {
    bot = await start();
    exo.forbid('Set-OutboundConnector');
    try {
      const { messageId, confirm } = await confirmCard(bot);
      const disable = cardActions(confirm).find((a) => a.verb === 'applyFix' && a.title === 'Disable connector');
      const result = text(await press(bot, 'applyFix', disable.data, messageId));
      expect(result).toContain('The change failed');
      expect(result).toMatch(/Exchange\.ManageAsApp|role/);
      expect(result).not.toMatch(/at .*\.js:\d+/);
      expect(result).not.toContain(SECRET);
      expect(connector('Outbound to on-premises').Enabled).toBe(true);
    } finally {
      exo.allow('Set-OutboundConnector');
    }
  });

  it('re-checks after REMEDIATION_VERIFY_AFTER, even across a restart, and updates the card', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-recheck-'));
    bot = await start({ REMEDIATION_VERIFY_AFTER: '3s' }, dataDir);
    const { messageId, confirm } = await confirmCard(bot);
    const domain = cardActions(confirm).find((a) => a.verb === 'applyFix' && a.title === 'Change domain type');
    const applied = text(await press(bot, 'applyFix', domain.data, messageId));
    expect(applied).toContain('The bot will re-check at');
    await bot.restart(); // the re-check is in the store, not in memory
    await bot.connector.waitFor(
      () => bot!.connector.updates().some((u) => u.activityId === messageId && text(u.body.attachments[0].content).includes('Re-checked')),
      15_000,
    );
    const update = bot.connector
      .updates()
      .filter((u) => u.activityId === messageId)
      .at(-1)!;
    const t = text(update.body.attachments[0].content);
    expect(t).toContain('The change is still in place (Authoritative)');
    expect(t).toContain(`Still failing: a probe of mail.contoso.com:${smtp.port} gets what Microsoft 365 would report as 450 4.4.317`);
  }, 30_000);
});

describe('Exchange Online configuration', () => {
  it('fails at start with one clear error listing every missing setting', async () => {
    await expect(startBot({ EXCHANGE_BACKEND: 'exchange-online', EXCHANGE_CLIENT_ID: 'nope' })).rejects.toThrow(
      /EXCHANGE_TENANT_ID is missing[\s\S]*EXCHANGE_CLIENT_ID is not a GUID[\s\S]*EXCHANGE_CLIENT_SECRET or EXCHANGE_CERT_PATH/,
    );
  });
});
