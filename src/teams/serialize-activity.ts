import { CardJson } from '../render/render-card';

/**
 * An activity as JSON text, as JSON.stringify writes it, except that a card already written as JSON
 * (CardJson) goes in as that text instead of being parsed and written again. Attachments come last; JSON
 * readers do not care about the order of keys.
 */
export function serializeActivity(activity: object): string {
  const attachments = (activity as { attachments?: unknown }).attachments;
  if (!Array.isArray(attachments) || !attachments.some(holdsCardJson)) return JSON.stringify(activity);
  // Concatenated, not joined: the card's text is linked in, and copied once, when it is sent.
  let items = '[';
  for (let i = 0; i < attachments.length; i++) {
    const a: unknown = attachments[i]; // a hole reads undefined, written as null as JSON.stringify writes it
    if (i > 0) items += ',';
    items += holdsCardJson(a) ? appendKey(JSON.stringify(without(a, 'content')), 'content', a.content.json) : (JSON.stringify(a) ?? 'null');
  }
  return appendKey(JSON.stringify(without(activity, 'attachments')), 'attachments', `${items}]`);
}

function holdsCardJson(a: unknown): a is { content: CardJson } {
  return typeof a === 'object' && a !== null && (a as { content?: unknown }).content instanceof CardJson;
}

/** A shallow copy of an object's own enumerable fields but one (a loop: rest syntax takes V8's slow path). */
function without(value: object, omitted: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === omitted) continue;
    const v = (value as Record<string, unknown>)[key];
    if (key === '__proto__') Object.defineProperty(copy, key, { value: v, enumerable: true, writable: true, configurable: true });
    else copy[key] = v;
  }
  return copy;
}

/** `{…}` with `"key":json` added at the end. */
function appendKey(objectJson: string, key: string, json: string): string {
  return objectJson === '{}' ? `{"${key}":${json}}` : `${objectJson.slice(0, -1)},"${key}":${json}}`;
}
