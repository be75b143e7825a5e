import type { ParsedError } from '../parse/types';
import type { DeliveredCardData } from './card-data';
import { escapeMarkdown, fill, truncate } from './text';
import type { UiStrings } from './ui-strings';

/** Deliveries listed by name on a card; a long trace of successes says how many more. */
const LISTED = 8;

interface Delivery {
  code: string;
  destination: string;
}

/**
 * The successes of a paste (ParsedError.outcome 'delivered'), one per code and destination, in paste order.
 * The destination is what the paste names: the server and its IP, and the recipient.
 */
function distinctDeliveries(delivered: readonly ParsedError[]): Delivery[] {
  const seen = new Map<string, Delivery>();
  for (const e of delivered) {
    const where = [e.server, e.ip && e.server ? `(${e.ip})` : e.ip, e.recipient && (e.server || e.ip) ? `· ${e.recipient}` : e.recipient];
    const destination = where.filter(Boolean).join(' ') || '—';
    const code = [e.replyCode, e.enhancedCode].filter(Boolean).join(' ');
    const key = `${code}|${destination.toLowerCase()}`;
    if (!seen.has(key)) seen.set(key, { code, destination });
  }
  return [...seen.values()];
}

/** The card for a paste that holds only successes: it was delivered, and where to. */
export function deliveredCardData(delivered: readonly ParsedError[], ui: UiStrings): DeliveredCardData {
  const all = distinctDeliveries(delivered);
  const listed = all.slice(0, LISTED);
  return {
    title: ui.deliveredTitle,
    text: escapeMarkdown(ui.deliveredText),
    deliveries: listed.map((d) => ({ code: escapeMarkdown(d.code), destination: escapeMarkdown(truncate(d.destination, 200)) })),
    more: all.length > listed.length ? escapeMarkdown(fill(ui.deliveredMore, { count: all.length - listed.length })) : '',
    pasted: truncate(delivered[0]?.excerpt ?? '', 500),
    t: { code: ui.deliveredCode, destination: ui.deliveredDestination, pastedTitle: ui.pastedTitle },
  };
}

/** One line for the cards of a paste that mixes failures and successes: "Delivered in the same paste: 2.1.5 to mx.contoso.com". */
export function deliveredLine(delivered: readonly ParsedError[], ui: UiStrings): string {
  if (delivered.length === 0) return '';
  const all = distinctDeliveries(delivered);
  const named = all.slice(0, 3).map((d) => fill(ui.deliveredTo, { code: d.code, destination: truncate(d.destination, 120) }));
  if (all.length > named.length) named.push(fill(ui.deliveredMore, { count: all.length - named.length }));
  return escapeMarkdown(fill(ui.deliveredAlso, { list: named.join('; ') }));
}
