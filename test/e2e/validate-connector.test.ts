import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeBackend } from '../../src/remediation/backends/exchange-backend';
import { startBot, type Harness } from '../support/bot-harness';
import { ADMIN, STRANGER, teamsMessage } from '../support/activities';
import { cardActions } from '../support/validate-card';
import { cardOf, command, press, textOf } from '../support/card-presses';
import { startExchangeOnlineStandIn } from '../support/exchange-online-stand-in';

const TENANT = '0e3f1b9c-6c1d-4a53-9d35-2f1c55a0b7de';
const CLIENT = '5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d';
const SECRET = 'app-client-secret-value-1234567890';

let exo: Awaited<ReturnType<typeof startExchangeOnlineStandIn>>;
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
      },
      { Name: 'Partner Northwind', Enabled: false, SmartHosts: ['mx.northwind.example'], RecipientDomains: ['northwind.example'], TlsSettings: null },
    ],
    domains: [
      { Name: 'contoso.com', DomainName: 'contoso.com', DomainType: 'Authoritative', Default: true },
      { Name: 'contoso.onmicrosoft.com', DomainName: 'contoso.onmicrosoft.com', DomainType: 'Authoritative' },
    ],
  });
  caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-validate-')), 'ca.pem');
  fs.writeFileSync(caFile, exo.ca);
});
afterAll(async () => exo?.close());
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const env = () => ({
  EXCHANGE_BACKEND: 'exchange-online',
  DANGEROUSLY_ALLOW_UNAUTHENTICATED_REMEDIATION: 'true',
  EXCHANGE_TENANT_ID: TENANT,
  EXCHANGE_CLIENT_ID: CLIENT,
  EXCHANGE_CLIENT_SECRET: SECRET,
  EXCHANGE_ADMIN_API_URL: exo.adminApiUrl,
  EXCHANGE_AUTHORITY_URL: exo.authorityUrl,
  NODE_EXTRA_CA_CERTS: caFile,
});
const start = (extra: Record<string, string> = {}) => startBot({ ...env(), ...extra });

async function connectorsCard(h: Harness) {
  h.connector.clear();
  await h.post(teamsMessage('connectors', { serviceUrl: h.connector.url, from: ADMIN }));
  const call = h.connector.cards()[0]!;
  return { card: call.body.attachments[0].content, messageId: call.messageId };
}

async function confirmation(h: Harness) {
  const { card, messageId } = await connectorsCard(h);
  const validate = cardActions(card).filter((a) => a.verb === 'validateConnector');
  expect(validate.map((a) => a.data.connector)).toEqual(['Outbound to on-premises']); // enabled ones only
  const confirm = cardOf(await press(h, 'validateConnector', validate[0].data, messageId));
  return { confirm, messageId };
}

const validations = () => exo.invocations.filter((i) => i.cmdletName === 'Validate-OutboundConnector');
const send = (h: Harness, confirm: any, messageId: string, recipients: string, from = ADMIN) => {
  const button = cardActions(confirm).find((a) => a.verb === 'confirmValidate');
  return press(h, 'confirmValidate', { ...button.data, recipients }, messageId, { from });
};

describe('Verify from Microsoft 365 (Validate-OutboundConnector)', () => {
  it('offers Validate on enabled connectors, says real test mail is sent, runs the cmdlet and shows each task', async () => {
    bot = await start();
    const { confirm, messageId } = await confirmation(bot);
    const t = textOf(confirm);
    expect(t).toContain('This sends real test mail from O365ConnectorValidation@contoso.onmicrosoft.com');
    expect(t).toContain('Smart hosts: mail.contoso.com');
    expect(JSON.stringify(confirm)).toContain('"value":"postmaster@contoso.com"');
    const before = validations().length;
    const result = textOf(cardOf(await send(bot, confirm, messageId, 'postmaster@contoso.com, admin@contoso.com')));
    expect(validations().length).toBe(before + 1);
    // Pressed again (or Teams sends the invoke again): no second test mail.
    const again = textOf(cardOf(await send(bot, confirm, messageId, 'postmaster@contoso.com, admin@contoso.com')));
    expect(again).toContain('was sent from this card a moment ago');
    expect(validations().length).toBe(before + 1);
    expect(validations().at(-1)!.parameters).toEqual({ Identity: 'Outbound to on-premises', Recipients: ['postmaster@contoso.com', 'admin@contoso.com'] });
    expect(result).toContain('Every check passed for "Outbound to on-premises"');
    expect(result).toContain('✅ \nSMTP EHLO\n 250-Hello');
    expect(result).toContain('does not mark the connector as validated');
    expect(await command(bot, 'audit')).toContain(
      'connector "Outbound to on-premises", test mail to postmaster@contoso.com, admin@contoso.com: 6 tasks passed',
    );
  });

  it('answers a slow test with a working card whose Send test button is disabled, then updates the card with the result', async () => {
    const slowValidation = (inner: ExchangeBackend): ExchangeBackend => ({
      kind: inner.kind,
      listOutboundConnectors: () => inner.listOutboundConnectors(),
      listAcceptedDomains: () => inner.listAcceptedDomains(),
      validateOutboundConnector: async (name, recipients) => {
        await new Promise((r) => setTimeout(r, 800));
        return inner.validateOutboundConnector(name, recipients);
      },
      setOutboundConnectorEnabled: (name, enabled) => inner.setOutboundConnectorEnabled(name, enabled),
      setOutboundConnectorTlsDomain: (name, domain) => inner.setOutboundConnectorTlsDomain(name, domain),
      setAcceptedDomainType: (d, t) => inner.setAcceptedDomainType(d, t),
    });
    bot = await startBot({ ...env(), INVOKE_DEADLINE_MS: '150' }, { decorateExchange: slowValidation });
    const { confirm, messageId } = await confirmation(bot);
    bot.connector.clear();
    const working = cardOf(await send(bot, confirm, messageId, 'postmaster@contoso.com'));
    expect(textOf(working)).toContain('Microsoft 365 is testing "Outbound to on-premises"');
    expect(cardActions(working)).toEqual([expect.objectContaining({ title: 'Send test', verb: 'confirmValidate', isEnabled: false })]);
    await bot.connector.waitFor(
      () => bot!.connector.updates().some((u) => textOf(u.body.attachments[0].content).includes('Every check passed for "Outbound to on-premises"')),
      5000,
    );
    const result = bot.connector.updates().at(-1)!;
    expect(result.activityId).toBe(messageId);
    expect(cardActions(result.body.attachments[0].content).every((a) => a.isEnabled !== false)).toBe(true);
  });

  it('shows an answer of an unknown shape as it came, escaped nowhere it could become markup', async () => {
    bot = await start();
    const { confirm, messageId } = await confirmation(bot);
    exo.answerNext('Validate-OutboundConnector', { status: 200, body: { value: [{ Outcome: '<b>Resolve task failed</b>', Code: 7 }, 'plain words'] } });
    const result = textOf(cardOf(await send(bot, confirm, messageId, 'postmaster@contoso.com')));
    expect(result).toContain('not with tasks the bot recognises');
    expect(result).toContain('{"Outcome":"<b>Resolve task failed</b>","Code":7}');
    expect(result).toContain('plain words');
  });

  it('in dry-run mode shows the exact call and makes none', async () => {
    bot = await start({ REMEDIATION_DRY_RUN: 'true' });
    const { confirm, messageId } = await confirmation(bot);
    const before = validations().length;
    const result = textOf(cardOf(await send(bot, confirm, messageId, 'postmaster@contoso.com')));
    expect(result).toContain('Dry run: no test mail was sent');
    expect(result).toContain(`POST ${exo.adminApiUrl}/adminapi/beta/${TENANT}/InvokeCommand`);
    expect(result).toContain('"CmdletName":"Validate-OutboundConnector"');
    expect(result).toContain("Validate-OutboundConnector -Identity 'Outbound to on-premises' -Recipients 'postmaster@contoso.com'");
    expect(result).not.toContain(SECRET);
    expect(validations().length).toBe(before);
  });

  it('refuses a non-admin and a bad address, sending nothing; Cancel goes back to the connectors', async () => {
    bot = await start({ ADMIN_USERS: ADMIN.aadObjectId, READER_USERS: '*' });
    const { confirm, messageId } = await confirmation(bot);
    const before = validations().length;
    expect(textOf(cardOf(await send(bot, confirm, messageId, 'postmaster@contoso.com', STRANGER)))).toContain('Not allowed');
    expect(textOf(cardOf(await send(bot, confirm, messageId, 'not-an-address')))).toContain('not-an-address');
    expect(validations().length).toBe(before);
    const cancel = cardActions(confirm).find((a) => a.verb === 'cancelValidate');
    expect(textOf(cardOf(await press(bot, 'cancelValidate', cancel.data, messageId)))).toContain('Outbound connectors');
  });
});

describe('the Fix now result card', () => {
  it('offers Verify from Microsoft 365 after an undo re-enables the connector', async () => {
    const { pasteAndGetCard, confirmButtons } = await import('../support/card-presses');
    bot = await startBot({});
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const disable = confirmButtons(confirmCard).find((a) => a.title === 'Disable connector');
    const applied = cardOf(await press(bot, 'applyFix', disable.data, messageId));
    expect(cardActions(applied).some((a) => a.verb === 'validateConnector')).toBe(false); // disabled: nothing to test
    const undo = cardActions(applied).find((a) => a.verb === 'undoFix');
    const undone = cardOf(await press(bot, 'undoFix', undo.data, messageId));
    const verify = cardActions(undone).find((a) => a.verb === 'validateConnector');
    expect(verify).toMatchObject({ title: 'Verify from Microsoft 365', data: { connector: 'Outbound to Contoso on-premises' } });
    const confirm = textOf(cardOf(await press(bot, 'validateConnector', verify.data, messageId)));
    expect(confirm).toContain('This sends real test mail');
  });
});
