import { describe, expect, it } from 'vitest';
import { powershellFor } from '../../src/remediation/change';
import { planFixes, routesTo } from '../../src/remediation/plan-fixes';
import type { OutboundConnector } from '../../src/remediation/backends/exchange-backend';

const connector = (name: string, smartHosts: string[], extra: Partial<OutboundConnector> = {}): OutboundConnector => ({
  name, smartHosts, enabled: true, recipientDomains: [], tlsSettings: null, ...extra,
});

describe('planFixes', () => {
  it('matches the connector by smart host name or IP, and prefers its own InternalRelay domain', () => {
    const plan = planFixes(
      { server: 'MAIL.contoso.com.', ip: '203.0.113.5' },
      [connector('A', ['mail.contoso.com'], { recipientDomains: ['contoso.com'] }), connector('B', ['smtp.fabrikam.com'])],
      [{ domainName: 'contoso.com', domainType: 'InternalRelay' }, { domainName: 'other.com', domainType: 'InternalRelay' }, { domainName: 'x.com', domainType: 'Authoritative' }],
    );
    expect(plan.matchedConnectors).toEqual(['A']);
    expect(plan.changes).toEqual([
      { kind: 'connector-enabled', target: 'A', from: true, to: false },
      { kind: 'accepted-domain-type', target: 'contoso.com', from: 'InternalRelay', to: 'Authoritative' },
    ]);
  });

  it('offers a choice of enabled connectors when none routes to the server', () => {
    const plan = planFixes({ server: 'nowhere.example' }, [connector('A', ['a.example']), connector('B', ['b.example'], { enabled: false })], []);
    expect(plan.matchedConnectors).toEqual([]);
    expect(plan.choosable).toEqual(['A']);
  });

  it('matches an IP inside a CIDR smart host and not outside it', () => {
    const c = connector('Range', ['198.51.100.0/24']);
    expect(routesTo(c, { ip: '198.51.100.77' })).toBe(true);
    expect(routesTo(c, { ip: '198.51.101.77' })).toBe(false);
    expect(routesTo(c, { ip: '###.###.###.###' })).toBe(false);
  });

  it('never matches a disabled connector', () => {
    const plan = planFixes({ server: 'a.example' }, [connector('A', ['a.example'], { enabled: false })], []);
    expect(plan.changes).toEqual([]);
  });
});

describe('powershellFor', () => {
  it('quotes identities so that a quote in a name cannot break out', () => {
    expect(powershellFor({ kind: 'connector-enabled', target: "O'Brien's relay", from: true, to: false })).toBe("Set-OutboundConnector -Identity 'O''Brien''s relay' -Enabled $false");
    expect(powershellFor({ kind: 'accepted-domain-type', target: 'contoso.com', from: 'InternalRelay', to: 'Authoritative' })).toBe("Set-AcceptedDomain -Identity 'contoso.com' -DomainType Authoritative");
  });
});
