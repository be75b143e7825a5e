import { CardFactory, type MessagingExtensionAction, type MessagingExtensionQuery, type MessagingExtensionResponse } from 'botbuilder';
import { normalizeText } from '../parse/normalize-text';

/**
 * The two message-extension commands in the manifest (`composeExtensions`): "Diagnose with Mail Flow
 * Doctor" on a message (action, context message), and `explain` from the compose box (query). Only the
 * Teams shapes live here; what is read and said is chat/'s.
 */
export const DIAGNOSE_MESSAGE = 'diagnoseMessage';
export const EXPLAIN_QUERY = 'explain';

/** The text of the message the action was started on: Teams sends its body as HTML (or plain text). */
export function messageActionText(action: MessagingExtensionAction): string {
  const body = action.messagePayload?.body;
  const content = typeof body?.content === 'string' ? body.content.slice(0, 2_000_000) : '';
  return normalizeText(content).trim();
}

/** The search box's text for a query command: its first parameter's value. */
export function queryText(query: MessagingExtensionQuery): string {
  const value = query.parameters?.[0]?.value;
  return typeof value === 'string' ? value.slice(0, 200).trim() : '';
}

/** A query's answer: one result per card, with a short preview Teams lists above the compose box. */
export function queryResult(cards: { card: Record<string, unknown>; title: string; text: string }[]): MessagingExtensionResponse {
  return {
    composeExtension: {
      type: 'result',
      attachmentLayout: 'list',
      attachments: cards.map(({ card, title, text }) => ({ ...CardFactory.adaptiveCard(card), preview: CardFactory.thumbnailCard(title, text) })),
    },
  };
}
