/**
 * A card a monitoring system sent for Teams (Workflows or a MessageCard): the bot's alert card (its
 * header with Acknowledge and Mute, and the diagnosis when the card names a delivery error), then the
 * sender's card as it was sent, cleaned (alerts/sender-card.ts). The sender's elements are added to the
 * card the bot's template made, so nothing in them is ever expanded as a template.
 */
import type { AlertGroup } from '../alerts/alert-group';
import { pickLocale } from '../knowledge/load-knowledge';
import { alertCardData } from './alert-card';
import type { DiagnosisCardData } from './diagnosis-card';
import type { AlertRenderDeps } from './render-alert';
import type { AdaptiveCard } from './render-card';
import { escapeMarkdown, fill, truncate } from './text';

/** Room left for the sender's part: Teams takes about 28 KB in all, and the bot's part comes first. */
const MAX_CARD_BYTES = 27 * 1024;

export async function senderCardAlert(group: AlertGroup, deps: AlertRenderDeps, banner: DiagnosisCardData['banner']): Promise<AdaptiveCard> {
  const ui = deps.ui[pickLocale(group.locale)];
  const card = deps.renderCard('diagnosis', {
    ...alertCardData(group, deps.knowledge, deps.ui, deps.now, await deps.readTenant(), await deps.readIncidents()),
    banner,
  });
  const sent = group.card;
  if (!sent) return card;
  const heading = { type: 'TextBlock', text: ui['senderCard.asSent'], weight: 'Bolder', isSubtle: true, wrap: true };
  const note = sent.removed
    ? [{ type: 'TextBlock', text: fill(ui['senderCard.removed'], { n: sent.removed }), isSubtle: true, size: 'Small', wrap: true }]
    : [];
  const items = [heading, ...sent.body, ...(sent.actions.length ? [{ type: 'ActionSet', actions: sent.actions }] : []), ...note];
  const whole = { ...card, body: [...(card.body as unknown[]), { type: 'Container', separator: true, spacing: 'Large', items }] };
  if (Buffer.byteLength(JSON.stringify(whole)) <= MAX_CARD_BYTES) return whole;
  // Too big beside the bot's part: its words instead, as plain text.
  const words = { type: 'TextBlock', text: escapeMarkdown(truncate(group.text, 6000)), wrap: true, size: 'Small' };
  return { ...card, body: [...(card.body as unknown[]), { type: 'Container', separator: true, spacing: 'Large', items: [heading, words, ...note] }] };
}
