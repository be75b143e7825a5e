import { CLOSE_BRACE, CLOSE_BRACKET, COMMA, OPEN_BRACKET, writeJsonBytes } from '../render/json-bytes';
import { CardJson } from '../render/render-card';

/**
 * An activity as the UTF-8 of the JSON JSON.stringify writes of it, except that a card already written as
 * JSON (CardJson) goes in as those bytes instead of being parsed and written again. Attachments come
 * last; JSON readers do not care about the order of keys.
 */
export function serializeActivity(activity: object): Buffer {
  const attachments = (activity as { attachments?: unknown }).attachments;
  if (!Array.isArray(attachments) || !attachments.some(holdsCardJson)) return Buffer.from(JSON.stringify(activity));
  return writeJsonBytes((out) => {
    out.text(openKey(JSON.stringify(without(activity, 'attachments')), 'attachments'));
    out.byte(OPEN_BRACKET);
    for (let i = 0; i < attachments.length; i++) {
      const a: unknown = attachments[i]; // a hole reads undefined, written as null as JSON.stringify writes it
      if (i > 0) out.byte(COMMA);
      if (holdsCardJson(a)) {
        out.text(openKey(JSON.stringify(without(a, 'content')), 'content'));
        out.bytes(a.content.bytes);
        out.byte(CLOSE_BRACE);
      } else {
        out.text(JSON.stringify(a) ?? 'null');
      }
    }
    out.byte(CLOSE_BRACKET);
    out.byte(CLOSE_BRACE);
  });
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

/** `{…}` opened again to take `"key":` and a value at the end. */
function openKey(objectJson: string, key: string): string {
  return objectJson === '{}' ? `{"${key}":` : `${objectJson.slice(0, -1)},"${key}":`;
}
