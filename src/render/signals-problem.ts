import type { Locale } from '../knowledge/load-knowledge';
import { SignalsError } from '../signals/signals-source';
import type { AdaptiveCard, RenderCard } from './render-card';
import { escapeMarkdown, fill, truncate } from './text';
import type { UiCatalog } from './ui-strings';

/** The app of Microsoft's message trace, whose service principal the tenant must create once. */
export const MESSAGE_TRACE_APP_ID = '8bd644d1-64a1-4d4b-ae52-2e0cbf64e373';

/**
 * Microsoft's signals could not be read, in plain words: the permission that is missing and where to grant
 * it, the service principal the message trace needs, how long to wait when throttled; what Microsoft said
 * comes last, as it said it.
 */
export function signalsProblemCard(err: unknown, locale: Locale, deps: { ui: UiCatalog; renderCard: RenderCard }): AdaptiveCard {
  const ui = deps.ui[locale];
  const said = truncate(err instanceof Error ? err.message : String(err), 400);
  const lines: string[] = [];
  if (err instanceof SignalsError && (err.code === 'forbidden' || err.code === 'unauthorized') && err.detail.permission) {
    const api = err.detail.permission === 'ActivityFeed.Read' ? 'Office 365 Management APIs' : 'Microsoft Graph';
    lines.push(
      fill(ui['signals.permission'], { permission: err.detail.permission, api }),
      fill(ui['signals.permissionStep'], { permission: err.detail.permission, api }),
    );
    if (err.detail.step === 'service-principal') lines.push(fill(ui['signals.servicePrincipal'], { appId: MESSAGE_TRACE_APP_ID }));
  } else if (err instanceof SignalsError && err.detail.step === 'credentials') {
    lines.push(ui['signals.credentials']);
  } else if (err instanceof SignalsError && err.code === 'throttled') {
    lines.push(fill(ui['signals.throttled'], { seconds: Math.ceil((err.detail.retryAfterMs ?? 60_000) / 1000) }));
  }
  lines.push(fill(ui['signals.said'], { said }));
  return deps.renderCard('notice', { title: escapeMarkdown(ui['signals.failed']), text: lines.map(escapeMarkdown).join('\r\r'), color: 'attention' });
}
