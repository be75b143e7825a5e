import type { Locale } from '../knowledge/load-knowledge';
import { SignalsError } from '../signals/signals-source';
import type { AdaptiveCard, RenderCard } from './render-card';
import { escapeMarkdown, truncate } from './text';
import type { UiCatalog } from './ui-strings';

/** Microsoft's signals could not be read: what Graph said, and the permission and step when it names them. */
export function signalsProblemCard(err: unknown, locale: Locale, deps: { ui: UiCatalog; renderCard: RenderCard }): AdaptiveCard {
  const ui = deps.ui[locale];
  const lines = [err instanceof Error ? err.message : String(err)];
  if (err instanceof SignalsError) {
    if (err.detail.permission) lines.push(err.detail.permission);
    if (err.detail.step) lines.push(err.detail.step);
  }
  return deps.renderCard('notice', {
    title: escapeMarkdown(ui['signals.failed']),
    text: lines.map((l) => escapeMarkdown(truncate(l, 600))).join('\r'),
    color: 'attention',
  });
}
