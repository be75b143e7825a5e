import { fill } from '../../render/text';
import { connectorsFor, domainOf } from './connector-routing';
import type { RemediationKind } from './remediation-kind';

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * 4.4.316, the article's second fix: make the accepted domain behind the connector Authoritative instead of
 * Internal Relay, so Microsoft 365 answers for its recipients instead of relaying them on-premises
 * (Set-AcceptedDomain -DomainType Authoritative). The Internal Relay domains the connector serves, or the
 * recipient's, are proposed; when a connector routes there but serves none of them, every Internal Relay
 * domain (the admin picks). With no connector and no Internal Relay recipient domain, nothing.
 */
export const authoritativeDomain: RemediationKind<'accepted-domain-type'> = {
  plan(input) {
    const relay = input.domains.filter((d) => d.domainType === 'InternalRelay');
    const related = new Set<string>();
    const routed = connectorsFor(input);
    for (const c of routed) for (const rd of c.recipientDomains) related.add(rd.toLowerCase().replace(/^\*\./, ''));
    const recipientDomain = domainOf(input.destination.recipient);
    if (recipientDomain) related.add(recipientDomain);
    const preferred = relay.filter((d) => related.has(d.domainName.toLowerCase()));
    return (preferred.length ? preferred : routed.length ? relay : []).map((d) => ({
      kind: 'accepted-domain-type',
      target: d.domainName,
      from: 'InternalRelay',
      to: 'Authoritative',
    }));
  },
  read: async (exchange, target) => (await exchange.listAcceptedDomains()).find((d) => sameName(d.domainName, target))?.domainType,
  apply: async (exchange, change) => (await exchange.setAcceptedDomainType(change.target, change.to)).domainType,
  // The Exchange Online backend looks the domain up first and uses its Name as Identity (usually the domain name).
  cmdlet: (change) => ({ cmdletName: 'Set-AcceptedDomain', parameters: { Identity: change.target, DomainType: change.to } }),
  // The types as the admin center names them in the user's language; the PowerShell line keeps the cmdlet's values.
  describe: (change, ui) => fill(ui['change.accepted-domain-type'], { target: change.target, from: ui[`value.${change.from}`], to: ui[`value.${change.to}`] }),
  button: (_change, ui) => ui['button.accepted-domain-type'],
  done: (change, ui) => fill(ui['done.accepted-domain-type'], { target: change.target, to: ui[`value.${change.to}`] }),
  undone: (change, ui) => fill(ui['undone.accepted-domain-type'], { target: change.target, to: ui[`value.${change.to}`] }),
  why: (ui) => ui['change.domainWhy'],
  offer: (ui) => ui['offer.accepted-domain-type'],
};
