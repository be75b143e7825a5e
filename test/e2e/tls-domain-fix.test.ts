/**
 * The second Fix now: a partner's smart host serves a certificate that is trusted and in date but for
 * another name than the connector's TlsDomain (4.7.320, subject mismatch). After the bot's own probe saw
 * it, Fix now sets the connector's TLS domain to the certificate's name, with confirm, undo, dry run and
 * re-check, on the simulated tenant and through the Exchange Online stand-in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { cardOf, command, press, textOf } from '../support/card-presses';
import { startExchangeOnlineStandIn } from '../support/exchange-online-stand-in';
import { cardActions } from '../support/validate-card';
import { fakeResolver, makeCertificates, startSmtp, type StandIn } from '../diagnostics/smtp-stand-ins';

let smtp: StandIn;
let caFile: string;
let dir: string;
let bot: Harness | undefined;
const resolver = fakeResolver({ 'mail.partner.test': { a: ['127.0.0.1'] }, '127.0.0.1': { ptr: ['localhost'] } });

beforeAll(async () => {
  const certs = await makeCertificates();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-tls-'));
  caFile = path.join(dir, 'ca.pem');
  fs.writeFileSync(caFile, certs.ca);
  smtp = await startSmtp({ ...certs.otherName }); // trusted, in date, for mail.fabrikam.test
});
afterAll(async () => smtp?.close());
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

function tenantFile(tlsDomain = 'smtp.partner.test') {
  const file = path.join(fs.mkdtempSync(path.join(dir, 'tenant-')), 'tenant.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      connectors: [
        {
          name: 'Fabrikam partner',
          enabled: true,
          smartHosts: ['mail.partner.test'],
          recipientDomains: ['fabrikam.test'],
          tlsSettings: 'DomainValidation',
          tlsDomain,
        },
      ],
      acceptedDomains: [{ domainName: 'contoso.com', domainType: 'Authoritative', default: true }],
      messageTraces: [],
      serviceHealthIssues: [],
    }),
  );
  return file;
}

const probeEnv = () => ({ PROBE_ALLOW_PRIVATE: 'true', PROBE_PORTS: '*', PROBE_TIMEOUT_MS: '1000', NODE_EXTRA_CA_CERTS: caFile });

/** `diagnose` the partner's host and return the finished card's message id and content. */
async function diagnose(h: Harness, host = 'mail.partner.test') {
  h.connector.clear();
  await h.post(teamsMessage(`diagnose ${host}:${smtp.port}`, { serviceUrl: h.connector.url, from: ADMIN }));
  const first = h.connector.cards()[0] ?? (await h.connector.waitFor(() => h.connector.cards().length > 0, 10_000), h.connector.cards()[0]);
  const final = () =>
    h.connector
      .updates()
      .filter((u) => u.activityId === first!.messageId)
      .find((u) => cardActions(u.body.attachments[0].content).some((a) => a.verb === 'runDiagnostics'));
  await h.connector.waitFor(() => !!final(), 10_000);
  return { messageId: first!.messageId, card: final()!.body.attachments[0].content };
}

describe('Set the TLS domain (simulated tenant)', () => {
  it("offers the certificate's name after diagnostics, confirms with the PowerShell line, applies and undoes exactly", async () => {
    bot = await startBot({ EXCHANGE_SIM_STATE: tenantFile(), ...probeEnv() }, { resolver });
    const { messageId, card } = await diagnose(bot);
    const t = textOf(card);
    expect(t).toContain('4.7.320');
    expect(t).toContain(
      'the connector "Fabrikam partner" checks it for smtp.partner.test (TLS domain). Fix now sets the connector\'s TLS domain to mail.fabrikam.test',
    );
    const fixNow = cardActions(card).find((a) => a.verb === 'fixNow');
    expect(fixNow).toBeDefined();

    const confirm = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    expect(textOf(confirm)).toContain('Set the TLS domain of the outbound connector "Fabrikam partner" to mail.fabrikam.test');
    expect(textOf(confirm)).toContain("Set-OutboundConnector -Identity 'Fabrikam partner' -TlsDomain 'mail.fabrikam.test'");
    const apply = cardActions(confirm).find((a) => a.verb === 'applyFix');
    expect(apply.title).toBe('Set TLS domain');

    const result = cardOf(await press(bot, 'applyFix', apply.data, messageId));
    expect(textOf(result)).toContain('the TLS domain of the outbound connector "Fabrikam partner" was set to mail.fabrikam.test');
    expect(textOf(result)).toContain('Before: smtp.partner.test');
    expect(textOf(result)).toContain('After: mail.fabrikam.test');
    expect(await command(bot, 'connectors')).toContain('mail.fabrikam.test');
    // Microsoft 365's own test of the connector, after the change.
    expect(cardActions(result).some((a) => a.verb === 'validateConnector')).toBe(true);

    const undo = cardActions(result).find((a) => a.verb === 'undoFix');
    const undone = cardOf(await press(bot, 'undoFix', undo.data, messageId));
    expect(textOf(undone)).toContain('is smtp.partner.test again');
    expect(await command(bot, 'connectors')).toContain('smtp.partner.test');
    expect(await command(bot, 'audit')).toMatch(/TLS domain[\s\S]*applied[\s\S]*undone|undone[\s\S]*applied/);
    assertCardsValid(bot.connector);
  }, 30_000);

  it('proposes nothing for a host the bot has not probed, whatever the press says', async () => {
    bot = await startBot({ EXCHANGE_SIM_STATE: tenantFile(), ...probeEnv() }, { resolver });
    const res = await bot.post(teamsMessage('explain 4.7.320', { serviceUrl: bot.connector.url, from: ADMIN }));
    expect(res.status).toBe(200);
    const forged = { verb: 'fixNow', code: '4.7.320', server: 'mail.partner.test', ip: '', port: 25, recipient: '' };
    const answer = cardOf(await press(bot, 'fixNow', forged, 'forged-card'));
    expect(cardActions(answer).some((a) => a.verb === 'applyFix')).toBe(false);
    expect(await command(bot, 'connectors')).toContain('smtp.partner.test');
  });

  it('offers nothing when the connector already checks the name the certificate carries', async () => {
    bot = await startBot({ EXCHANGE_SIM_STATE: tenantFile('mail.fabrikam.test'), ...probeEnv() }, { resolver });
    const { card } = await diagnose(bot);
    expect(cardActions(card).some((a) => a.verb === 'fixNow')).toBe(false);
  });

  it('in dry-run mode shows the call and changes nothing', async () => {
    bot = await startBot({ EXCHANGE_SIM_STATE: tenantFile(), REMEDIATION_DRY_RUN: 'true', ...probeEnv() }, { resolver });
    const { messageId, card } = await diagnose(bot);
    const confirm = cardOf(await press(bot, 'fixNow', cardActions(card).find((a) => a.verb === 'fixNow').data, messageId));
    const result = textOf(cardOf(await press(bot, 'applyFix', cardActions(confirm).find((a) => a.verb === 'applyFix').data, messageId)));
    expect(result).toContain('Dry run: nothing was changed');
    expect(result).toContain("Set-OutboundConnector -Identity 'Fabrikam partner' -TlsDomain 'mail.fabrikam.test'");
    expect(await command(bot, 'connectors')).toContain('smtp.partner.test');
  });

  it('re-checks as Microsoft 365 judges the connector, and says the certificate now passes', async () => {
    bot = await startBot({ EXCHANGE_SIM_STATE: tenantFile(), REMEDIATION_VERIFY_AFTER: '1s', ...probeEnv() }, { resolver });
    const { messageId, card } = await diagnose(bot);
    const confirm = cardOf(await press(bot, 'fixNow', cardActions(card).find((a) => a.verb === 'fixNow').data, messageId));
    await press(bot, 'applyFix', cardActions(confirm).find((a) => a.verb === 'applyFix').data, messageId);
    const rechecked = () => bot!.connector.updates().find((u) => u.activityId === messageId && textOf(u.body.attachments[0].content).includes('Re-checked'));
    await bot.connector.waitFor(() => !!rechecked(), 15_000);
    const t = textOf(rechecked()!.body.attachments[0].content);
    expect(t).toContain('The change is still in place (mail.fabrikam.test)');
    expect(t).not.toContain('Still failing');
  }, 30_000);
});

describe('Set the TLS domain (Exchange Online stand-in)', () => {
  const TENANT = '7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
  const CLIENT = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e';
  const SECRET = 'tls-domain-client-secret-1234567890';
  let exo: Awaited<ReturnType<typeof startExchangeOnlineStandIn>>;
  let bothCa: string;
  beforeAll(async () => {
    exo = await startExchangeOnlineStandIn({
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: SECRET,
      connectors: [
        {
          Name: 'Fabrikam partner',
          Enabled: true,
          SmartHosts: ['mail.partner.test'],
          RecipientDomains: ['fabrikam.test'],
          TlsSettings: 'DomainValidation',
          TlsDomain: 'smtp.partner.test',
          ConnectorType: 'Partner',
        },
      ],
      domains: [{ Name: 'contoso.com', DomainName: 'contoso.com', DomainType: 'Authoritative', Default: true }],
    });
    bothCa = path.join(dir, 'both.pem');
    fs.writeFileSync(bothCa, `${fs.readFileSync(caFile, 'utf8')}\n${exo.ca}`);
  });
  afterAll(async () => exo?.close());

  it('sends Set-OutboundConnector -TlsDomain, and Undo sends the old domain back', async () => {
    bot = await startBot(
      {
        EXCHANGE_BACKEND: 'exchange-online',
        DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMEDIATION: 'true',
        EXCHANGE_TENANT_ID: TENANT,
        EXCHANGE_CLIENT_ID: CLIENT,
        EXCHANGE_CLIENT_SECRET: SECRET,
        EXCHANGE_ADMIN_API_URL: exo.adminApiUrl,
        EXCHANGE_AUTHORITY_URL: exo.authorityUrl,
        ...probeEnv(),
        NODE_EXTRA_CA_CERTS: bothCa,
      },
      { resolver },
    );
    const { messageId, card } = await diagnose(bot);
    const confirm = cardOf(await press(bot, 'fixNow', cardActions(card).find((a) => a.verb === 'fixNow').data, messageId));
    const result = cardOf(await press(bot, 'applyFix', cardActions(confirm).find((a) => a.verb === 'applyFix').data, messageId));
    expect(textOf(result)).toContain('was set to mail.fabrikam.test');
    const sets = () => exo.invocations.filter((i) => i.cmdletName === 'Set-OutboundConnector');
    expect(sets().at(-1)!.parameters).toEqual({ Identity: 'Fabrikam partner', TlsDomain: 'mail.fabrikam.test' });
    expect(exo.connectors[0]!.TlsDomain).toBe('mail.fabrikam.test');
    await press(bot, 'undoFix', cardActions(result).find((a) => a.verb === 'undoFix').data, messageId);
    expect(sets().at(-1)!.parameters).toEqual({ Identity: 'Fabrikam partner', TlsDomain: 'smtp.partner.test' });
    expect(exo.connectors[0]!.TlsDomain).toBe('smtp.partner.test');
  }, 30_000);
});
