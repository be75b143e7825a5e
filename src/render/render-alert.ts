/**
 * How an alert group becomes its channel card, in one table keyed by the alert's source. Alerts from
 * monitors show the chat card for their error under the alert's header (alert-card.ts); a source whose
 * card says something else (a queue reading, a notice of Microsoft's) adds its own row here.
 */
import type { AlertGroup } from '../alerts/alert-group';
import type { IncomingAlert } from '../alerts/normalise-alert';
import type { KnowledgeBase } from '../knowledge/load-knowledge';
import type { TenantReading } from '../remediation/read-tenant';
import type { HealthIssue } from '../signals/signals-source';
import { alertCardData } from './alert-card';
import type { DiagnosisCardData } from './diagnosis-card';
import type { AdaptiveCard, RenderCard } from './render-card';
import type { UiCatalog } from './ui-strings';
import { endpointsChangeCard } from './allowlist-card';
import { microsoftAlertCard } from './microsoft-alert-card';
import { senderCardAlert } from './sender-card-alert';
import { connectorWatchCard, incidentCard, queueWatchCard } from './watch-alert-cards';

export interface AlertRenderDeps {
  knowledge: KnowledgeBase;
  ui: UiCatalog;
  renderCard: RenderCard;
  now: Date;
  readTenant(): Promise<TenantReading>;
  /** Microsoft's open Exchange Online incidents, for the line every diagnosis card carries. */
  readIncidents(): Promise<HealthIssue[]>;
}

export type AlertRenderer = (group: AlertGroup, deps: AlertRenderDeps, banner: DiagnosisCardData['banner']) => Promise<AdaptiveCard>;

const diagnosisAlert: AlertRenderer = async (group, deps, banner) =>
  deps.renderCard('diagnosis', {
    ...alertCardData(group, deps.knowledge, deps.ui, deps.now, await deps.readTenant(), await deps.readIncidents()),
    banner,
  });

/** Sources with a card of their own; every other source gets the diagnosis card under the alert's header. */
const ALERT_RENDERERS: Partial<Record<IncomingAlert['source'], AlertRenderer>> = {
  'queue-watch': queueWatchCard,
  'microsoft-incident': (group, deps) => incidentCard(group, deps),
  'connector-watch': connectorWatchCard,
  'microsoft-alert': microsoftAlertCard,
  'teams-workflow': senderCardAlert,
  'message-card': senderCardAlert,
  'm365-endpoints': (group, deps) => endpointsChangeCard(group, deps),
};

export function renderAlertGroup(group: AlertGroup, deps: AlertRenderDeps, banner: DiagnosisCardData['banner'] = null): Promise<AdaptiveCard> {
  return (ALERT_RENDERERS[group.source] ?? diagnosisAlert)(group, deps, banner);
}
