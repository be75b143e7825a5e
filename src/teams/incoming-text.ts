import { TurnContext, type Activity } from 'botbuilder';
import { normalizeText } from '../parse/normalize-text';

/**
 * The text the user typed or pasted: the bot's own @mention removed (matched by id, since the display
 * name can differ from the registration name), then Teams' HTML, entities and odd spaces normalised.
 */
export function incomingText(activity: Partial<Activity>): string {
  // Fields of the wrong type (a number for text, an object for entities) are read as absent, not trusted.
  let text = typeof activity.text === 'string' ? activity.text : '';
  if (text && activity.recipient?.id && Array.isArray(activity.entities)) text = TurnContext.removeMentionText(activity, activity.recipient.id) ?? text;
  if (!text.trim() && Array.isArray(activity.attachments)) {
    const html = activity.attachments.find((a) => a.contentType === 'text/html' && typeof a.content === 'string');
    if (html) text = html.content as string;
  }
  return normalizeText(text).trim();
}

/** The user's locale: the activity's, else the Teams clientInfo entity's. */
export function activityLocale(activity: Partial<Activity>): string | undefined {
  if (activity.locale) return activity.locale;
  const info = activity.entities?.find((e) => e.type === 'clientInfo') as { locale?: string } | undefined;
  return info?.locale;
}
