import { describe, expect, it } from 'vitest';
import { explainCode } from '../../src/knowledge/explain-code';
import { LOCALES, loadKnowledge } from '../../src/knowledge/load-knowledge';
import type { OutboundConnector } from '../../src/remediation/backends/exchange-backend';
import { createSimulatedExchange, SAMPLE_TENANT } from '../../src/remediation/backends/simulated-exchange';
import { inverseOf, type Change } from '../../src/remediation/change';
import { applySetting, describeChange, isChangeKind, planChanges, powershellFor, readSetting, remediationKinds } from '../../src/remediation/kinds';
import { routesTo } from '../../src/remediation/kinds/connector-routing';
import { loadUiStrings } from '../../src/render/ui-strings';
import { openSqliteStore } from '../../src/store/sqlite-store';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const connector = (name: string, smartHosts: string[], extra: Partial<OutboundConnector> = {}): OutboundConnector => ({
  name,
  smartHosts,
  enabled: true,
  recipientDomains: [],
  tlsSettings: null,
  ...extra,
});
const ALL = Object.keys(remediationKinds) as (keyof typeof remediationKinds)[];
const ui = loadUiStrings();

describe('planning Fix now from the table of kinds', () => {
  it('matches the connector by smart host name or IP, and prefers its own InternalRelay domain', () => {
    const changes = planChanges(ALL, {
      destination: { server: 'MAIL.contoso.com.', ip: '203.0.113.5' },
      connectors: [connector('A', ['mail.contoso.com'], { recipientDomains: ['contoso.com'] }), connector('B', ['smtp.fabrikam.com'])],
      domains: [
        { domainName: 'contoso.com', domainType: 'InternalRelay' },
        { domainName: 'other.com', domainType: 'InternalRelay' },
        { domainName: 'x.com', domainType: 'Authoritative' },
      ],
    });
    expect(changes).toEqual([
      { kind: 'connector-enabled', target: 'A', from: true, to: false },
      { kind: 'accepted-domain-type', target: 'contoso.com', from: 'InternalRelay', to: 'Authoritative' },
    ]);
  });

  it('plans only the kinds it is given, in their order', () => {
    const input = {
      destination: { server: 'a.example' },
      connectors: [connector('A', ['a.example'])],
      domains: [{ domainName: 'a.example', domainType: 'InternalRelay' as const }],
    };
    expect(planChanges(['accepted-domain-type'], input).map((c) => c.kind)).toEqual(['accepted-domain-type']);
    expect(planChanges([], input)).toEqual([]);
  });

  it('plans for the connector a user chose when none routes to the server', () => {
    const chosen = connector('Chosen', ['10.0.0.1'], { recipientDomains: ['fabrikam.com'] });
    const changes = planChanges(ALL, {
      destination: {},
      connectors: [chosen],
      domains: [{ domainName: 'fabrikam.com', domainType: 'InternalRelay' }],
      chosenConnector: chosen,
    });
    expect(changes.map((c) => c.target)).toEqual(['Chosen', 'fabrikam.com']);
  });

  it('matches an IP inside a CIDR smart host and not outside it', () => {
    const c = connector('Range', ['198.51.100.0/24']);
    expect(routesTo(c, { ip: '198.51.100.77' })).toBe(true);
    expect(routesTo(c, { ip: '198.51.101.77' })).toBe(false);
    expect(routesTo(c, { ip: '###.###.###.###' })).toBe(false);
  });

  it('never proposes to disable a disabled connector', () => {
    expect(
      planChanges(['connector-enabled'], {
        destination: { server: 'a.example' },
        connectors: [connector('A', ['a.example'], { enabled: false })],
        domains: [],
      }),
    ).toEqual([]);
  });
});

describe('each kind describes itself', () => {
  it('quotes identities so that a quote in a name cannot break out of the PowerShell line', () => {
    expect(powershellFor({ kind: 'connector-enabled', target: "O'Brien's relay", from: true, to: false })).toBe(
      "Set-OutboundConnector -Identity 'O''Brien''s relay' -Enabled $false",
    );
    expect(powershellFor({ kind: 'accepted-domain-type', target: 'contoso.com', from: 'InternalRelay', to: 'Authoritative' })).toBe(
      "Set-AcceptedDomain -Identity 'contoso.com' -DomainType Authoritative",
    );
  });

  it.each(LOCALES)('has a sentence in %s for every kind and direction', (locale) => {
    const changes: Change[] = [
      { kind: 'connector-enabled', target: 'Outbound to Contoso', from: true, to: false },
      { kind: 'connector-enabled', target: 'Outbound to Contoso', from: false, to: true },
      { kind: 'accepted-domain-type', target: 'contoso.com', from: 'InternalRelay', to: 'Authoritative' },
    ];
    for (const change of changes) {
      expect(describeChange(change, ui[locale])).toContain(change.target);
      expect(describeChange(change, ui[locale])).not.toContain('{');
    }
  });

  it('applies, reads back and undoes each kind on the simulated tenant', async () => {
    const store = openSqliteStore(fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-kinds-')));
    const exchange = createSimulatedExchange(store, SAMPLE_TENANT);
    const [connectorName] = (await exchange.listOutboundConnectors()).map((c) => c.name);
    const domain = (await exchange.listAcceptedDomains()).find((d) => d.domainType === 'InternalRelay')!.domainName;
    const changes: Change[] = [
      { kind: 'connector-enabled', target: connectorName!, from: true, to: false },
      { kind: 'accepted-domain-type', target: domain, from: 'InternalRelay', to: 'Authoritative' },
    ];
    for (const change of changes) {
      expect(await readSetting(exchange, change)).toBe(change.from);
      expect(await applySetting(exchange, change)).toBe(change.to);
      expect(await readSetting(exchange, change)).toBe(change.to);
      expect(await applySetting(exchange, inverseOf(change))).toBe(change.from);
      expect(await readSetting(exchange, change)).toBe(change.from);
    }
    expect(await readSetting(exchange, { ...changes[0]!, target: 'no such connector' })).toBeUndefined();
    await store.close();
  });
});

describe('the knowledge files name the kinds each code offers', () => {
  const knowledge = loadKnowledge();
  it('names only kinds in the table, and the same kinds in every locale', () => {
    const codes = new Set(LOCALES.flatMap((l) => Object.keys(knowledge[l].codes)));
    for (const code of codes) {
      const [first, ...others] = LOCALES.map((l) => knowledge[l].codes[code]?.remediations ?? []);
      for (const kind of first!) expect(isChangeKind(kind), `${code}: ${kind}`).toBe(true);
      for (const other of others) expect(other, code).toEqual(first);
    }
  });

  it('offers both fixes of the article for 4.4.316 and its expired form, and none for other codes', () => {
    expect(explainCode(knowledge, 'en', '4.4.316').remediations).toEqual(['connector-enabled', 'accepted-domain-type']);
    expect(explainCode(knowledge, 'ru', '5.4.316').remediations).toEqual(['connector-enabled', 'accepted-domain-type']);
    expect(explainCode(knowledge, 'en', '4.4.317').remediations).toEqual([]);
    expect(explainCode(knowledge, 'en', '9.9.9').remediations).toEqual([]);
  });
});

describe('a knowledge file naming a kind the table does not have', () => {
  it('stops start-up with the code and the kind, instead of failing on a press', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-kb-'));
    const real = path.join(__dirname, '../../src/knowledge/locales');
    for (const locale of LOCALES) {
      const file = JSON.parse(fs.readFileSync(path.join(real, `${locale}.json`), 'utf8'));
      file.codes['4.4.316'].remediations = ['connector-enabled', 'reboot-the-server'];
      fs.writeFileSync(path.join(dir, `${locale}.json`), JSON.stringify(file));
    }
    expect(() => loadKnowledge(dir)).toThrow(/4\.4\.316 names Fix now kinds that remediation\/kinds does not have: reboot-the-server/);
  });
});

describe('the TLS-domain kind', () => {
  const seen = (over: Record<string, unknown> = {}) => ({
    host: 'mail.partner.test',
    names: ['mail.fabrikam.test'],
    subject: 'CN=mail.fabrikam.test',
    trusted: true,
    validTo: '2027-06-01T00:00:00.000Z',
    seenAt: '2026-12-03T08:00:00.000Z',
    ...over,
  });
  const partner = (extra: Partial<OutboundConnector> = {}) =>
    connector('Partner', ['mail.partner.test'], { tlsSettings: 'DomainValidation', tlsDomain: 'smtp.partner.test', ...extra });
  const plan = (certificate: ReturnType<typeof seen> | undefined, connectors = [partner()]) =>
    planChanges(['connector-tls-domain'], { destination: { server: 'mail.partner.test' }, connectors, domains: [], certificate });

  it("proposes the certificate's name for a DomainValidation connector whose TlsDomain it does not carry", () => {
    expect(plan(seen())).toEqual([{ kind: 'connector-tls-domain', target: 'Partner', from: 'smtp.partner.test', to: 'mail.fabrikam.test' }]);
  });

  it('prefers the name that covers the smart host, a wildcard as it is', () => {
    const wildcard = seen({ names: ['other.example', '*.partner.test'] });
    expect(plan(wildcard, [partner({ tlsDomain: 'partner.test' })])[0]!.to).toBe('*.partner.test');
    // smtp.partner.test is covered by *.partner.test already: nothing to change.
    expect(plan(wildcard)).toEqual([]);
  });

  it('proposes nothing without a sighting, for an untrusted or expired certificate, one seen elsewhere, or only IP names', () => {
    expect(plan(undefined)).toEqual([]);
    expect(plan(seen({ trusted: false }))).toEqual([]);
    expect(plan(seen({ validTo: '2026-12-01T00:00:00.000Z' }))).toEqual([]);
    expect(plan(seen({ host: 'mx.elsewhere.test' }))).toEqual([]);
    expect(plan(seen({ names: ['203.0.113.9'] }))).toEqual([]);
  });

  it('proposes nothing when the connector does not check names, or already checks this one', () => {
    expect(plan(seen(), [partner({ tlsSettings: 'CertificateValidation' })])).toEqual([]);
    expect(plan(seen(), [partner({ tlsDomain: 'mail.fabrikam.test' })])).toEqual([]);
    expect(plan(seen(), [partner({ enabled: false })])).toEqual([]);
  });

  it('writes the PowerShell line, and $null to clear', () => {
    const change: Change = { kind: 'connector-tls-domain', target: "Partner's", from: null, to: 'mail.fabrikam.test' };
    expect(powershellFor(change)).toBe("Set-OutboundConnector -Identity 'Partner''s' -TlsDomain 'mail.fabrikam.test'");
    expect(powershellFor(inverseOf(change))).toBe("Set-OutboundConnector -Identity 'Partner''s' -TlsDomain $null");
  });
});
