import { CardJson } from '../render/render-card';

/**
 * An activity as JSON text, as JSON.stringify writes it, except that a card already written as JSON
 * (CardJson) goes in as that text instead of being parsed and written again. Attachments come last; JSON
 * readers do not care about the order of keys.
 */
export function serializeActivity(activity: object): string {
  const attachments = (activity as { attachments?: unknown }).attachments;
  if (!Array.isArray(attachments) || !attachments.some(holdsCardJson)) return JSON.stringify(activity);
  const { attachments: _, ...rest } = activity as { attachments: unknown[] };
  const items = attachments.map((a) => (holdsCardJson(a) ? withRawContent(a) : (JSON.stringify(a) ?? 'null')));
  return appendKey(JSON.stringify(rest), 'attachments', `[${items.join(',')}]`);
}

function holdsCardJson(a: unknown): a is { content: CardJson } {
  return typeof a === 'object' && a !== null && (a as { content?: unknown }).content instanceof CardJson;
}

function withRawContent(attachment: { content: CardJson }): string {
  const { content, ...rest } = attachment;
  return appendKey(JSON.stringify(rest), 'content', content.json);
}

/** `{…}` with `"key":json` added at the end. */
function appendKey(objectJson: string, key: string, json: string): string {
  return objectJson === '{}' ? `{"${key}":${json}}` : `${objectJson.slice(0, -1)},"${key}":${json}}`;
}
