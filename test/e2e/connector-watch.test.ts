import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, teamsMessage } from '../support/activities';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { cardActions, visibleTexts } from '../support/validate-card';
import { fakeResolver, freePort, makeCertificates, startSmtp, type StandIn } from '../diagnostics/smtp-stand-ins';

const text = (c: any) => visibleTexts(c.body.attachments[0].content).join('\n');

/**
 * Five partners' smart hosts on loopback: a certificate expiring in five days, one for another name, no
 * STARTTLS, nothing listening, and a healthy one. The connector watch checks them every second.
 */
describe('the connector watch', () => {
  let bot: Harness;
  const servers: StandIn[] = [];
  let refusedPort = 0;
  beforeAll(async () => {
    const certs = await makeCertificates();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-cw-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), certs.ca);
    const soon = await startSmtp({ ...certs.expiresSoon });
    const wrongName = await startSmtp({ ...certs.otherName });
    const noTls = await startSmtp({ hideSTARTTLS: true });
    const healthy = await startSmtp({ ...certs.healthy });
    servers.push(soon, wrongName, noTls, healthy);
    refusedPort = await freePort();
    const connector = (name: string, smartHost: string, tlsSettings: string | null, tlsDomain?: string) => ({
      name,
      enabled: true,
      smartHosts: [smartHost],
      recipientDomains: [`${name.toLowerCase().replace(/\W+/g, '')}.example`],
      tlsSettings,
      ...(tlsDomain && { tlsDomain }),
    });
    fs.writeFileSync(
      path.join(dir, 'tenant.json'),
      JSON.stringify({
        connectors: [
          connector('Expiring partner', `localhost:${soon.port}`, 'DomainValidation', 'localhost'),
          connector('Renamed partner', `127.0.0.1:${wrongName.port}`, 'DomainValidation', 'smtp.partner.test'),
          connector('Plain partner', `127.0.0.1:${noTls.port}`, 'CertificateValidation'),
          connector('Closed partner', `127.0.0.1:${refusedPort}`, null),
          connector('Healthy partner', `localhost:${healthy.port}`, 'DomainValidation', 'localhost'),
          { ...connector('Disabled partner', '127.0.0.1:1', null), enabled: false },
        ],
        acceptedDomains: [{ domainName: 'contoso.com', domainType: 'Authoritative', default: true }],
        messageTraces: [],
        serviceHealthIssues: [],
      }),
    );
    bot = await startBot(
      {
        EXCHANGE_SIM_STATE: path.join(dir, 'tenant.json'),
        WATCH: 'on',
        WATCH_INTERVAL: '1h',
        CONNECTOR_WATCH_INTERVAL: '1s',
        PROBE_ALLOW_PRIVATE: 'true',
        PROBE_PORTS: '*',
        PROBE_TIMEOUT_MS: '500',
        NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      },
      { resolver: fakeResolver({ localhost: { a: ['127.0.0.1'] }, '127.0.0.1': { ptr: ['localhost'] } }) },
    );
    await bot.post(teamsMessage('subscribe', { serviceUrl: bot.connector.url, from: ADMIN, scope: 'channel' }));
  }, 30_000);
  afterAll(async () => {
    await bot?.stop();
    await Promise.all(servers.map((s) => s.close()));
  });

  const posts = () => bot.connector.cards().filter((c) => !c.activityId && !text(c).includes('now receives'));
  const postFor = (connector: string) => posts().find((c) => text(c).includes(connector))!;

  it('posts one card per connector and finding, each with the code Microsoft 365 will report', async () => {
    await bot.connector.waitFor(() => posts().length >= 4, 15_000);
    assertCardsValid(bot.connector);
    expect(text(postFor('Expiring partner'))).toMatch(
      /The certificate of localhost \(127\.0\.0\.1\) expires on .* \(in 5 days\): from then on Microsoft 365 reports 4\.7\.320/,
    );
    expect(text(postFor('Renamed partner'))).toContain('is for mail.fabrikam.test, not smtp.partner.test: Microsoft 365 reports 4.7.320');
    // A trusted, in-date certificate for another name: Fix now sets the connector's TLS domain to it.
    expect(cardActions(postFor('Renamed partner').body.attachments[0].content).some((a) => a.verb === 'fixNow')).toBe(true);
    expect(cardActions(postFor('Expiring partner').body.attachments[0].content).some((a) => a.verb === 'fixNow')).toBe(false);
    expect(text(postFor('Plain partner'))).toContain('does not offer STARTTLS, and Plain partner requires TLS: Microsoft 365 reports 4.4.317');
    expect(text(postFor('Closed partner'))).toContain('refuses connections on the SMTP port: Microsoft 365 reports 4.4.316');
    // Under the finding, the diagnosis of that code, as a paste of it would get.
    expect(text(postFor('Closed partner'))).toContain('4.4.316');
    expect(cardActions(postFor('Closed partner').body.attachments[0].content).some((a) => a.verb === 'runDiagnostics')).toBe(true);
    expect(posts().some((c) => text(c).includes('Healthy partner'))).toBe(false);
    expect(posts().some((c) => text(c).includes('Disabled partner'))).toBe(false);
  }, 20_000);

  it('does not post a finding again at every check', async () => {
    const before = posts().length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(posts()).toHaveLength(before);
    expect(before).toBe(4);
  });

  it('marks a finding resolved once it clears', async () => {
    const card = postFor('Closed partner');
    servers.push(await startSmtp({}, refusedPort));
    await bot.connector.waitFor(
      () => bot.connector.updates().some((u) => u.activityId === card.messageId && text(u).includes('Cleared at the latest check')),
      15_000,
    );
  }, 20_000);

  it('lists the latest result per connector with watch', async () => {
    bot.connector.clear();
    await bot.post(teamsMessage('watch', { serviceUrl: bot.connector.url, from: ADMIN }));
    const shown = text(bot.connector.cards()[0]);
    expect(shown).toContain('Last check');
    expect(shown).toMatch(/Healthy partner\**\s*- localhost \(127\.0\.0\.1\): OK, certificate valid until .* \(364 days\)/);
    expect(shown).toMatch(/Expiring partner\**\s*- localhost \(127\.0\.0\.1\): 4\.7\.320 expiring/);
    // A connector that does not check certificates is not told about its server's.
    expect(shown).toMatch(/Closed partner\**\s*- 127\.0\.0\.1: OK\**/);
    expect(shown).not.toContain('Disabled partner');
  });
});
