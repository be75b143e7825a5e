import type { AcceptedDomain, OutboundConnector } from './backends/exchange-backend';
import type { CertificateSighting } from './certificate-sightings';
import type { Change, ChangeKind } from './change';
import { planChanges } from './kinds';
import { domainOf, inDomain, routesTo } from './kinds/connector-routing';
import type { FailingDestination } from './kinds/remediation-kind';

/** The tenant as the cards need it: its outbound connectors and accepted domains. */
export interface TenantView {
  connectors: OutboundConnector[];
  domains: AcceptedDomain[];
}

/** How the tenant reaches a failing destination, from what the bot read of it. */
export interface Route {
  /** Enabled outbound connectors whose smart host or recipient domain is the destination. */
  connectors: OutboundConnector[];
  /** Connectors that would route there but are turned off already. */
  disabled: OutboundConnector[];
  /** The accepted domain the recipient (or the server's name) is in, when it is one of the tenant's. */
  domain?: AcceptedDomain;
}

export function routeOf(dest: FailingDestination, view: TenantView): Route {
  const routing = view.connectors.filter((c) => routesTo(c, dest));
  const names = [domainOf(dest.recipient), dest.server?.toLowerCase().replace(/\.$/, '')].filter((v): v is string => !!v);
  // The most specific accepted domain first: sub.contoso.com before contoso.com.
  const domain = [...view.domains]
    .sort((a, b) => b.domainName.length - a.domainName.length)
    .find((d) => names.some((n) => inDomain(n, d.domainName.toLowerCase())));
  return { connectors: routing.filter((c) => c.enabled), disabled: routing.filter((c) => !c.enabled), domain };
}

/**
 * The changes Fix now would propose for this destination: only when the tenant routes there (an enabled
 * connector) or the recipient's domain is Internal Relay. A partner's or a stranger's server gets none.
 */
export function fixesFor(kinds: readonly ChangeKind[], dest: FailingDestination, view: TenantView, certificate?: CertificateSighting): Change[] {
  if (!kinds.length) return [];
  const route = routeOf(dest, view);
  if (!route.connectors.length && route.domain?.domainType !== 'InternalRelay') return [];
  return planChanges(kinds, { destination: dest, connectors: view.connectors, domains: view.domains, certificate });
}
