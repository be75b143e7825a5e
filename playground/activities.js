// Activities shaped like the ones Teams posts to a bot (Bot Framework activity schema; Teams personal
// chat): a message, and the adaptiveCard/action invoke an Action.Execute button sends.
// https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards

/** Random ids without crypto.randomUUID, which browsers offer on https and localhost only. */
export function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function common(session, locale) {
  const now = new Date();
  return {
    channelId: 'msteams',
    serviceUrl: session.serviceUrl,
    timestamp: now.toISOString(),
    localTimestamp: now.toISOString(),
    locale,
    localTimezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    from: { ...session.user },
    recipient: { ...session.bot },
    conversation: { ...session.conversation },
    channelData: { tenant: { id: session.tenantId } },
    entities: [{ type: 'clientInfo', locale, country: locale.slice(-2), platform: 'Web', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone }],
  };
}

export function messageActivity(session, text, locale) {
  return { ...common(session, locale), type: 'message', id: `f:${randomId()}`, text, textFormat: 'plain', attachments: [] };
}

/** `replyToId` is the id of the message that carries the card, as Teams sends it. */
export function invokeActivity(session, action, replyToId, locale) {
  return {
    ...common(session, locale),
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `f:${randomId()}`,
    replyToId,
    value: { action: { type: 'Action.Execute', id: action.id || undefined, verb: action.verb, data: action.data ?? {} }, trigger: 'manual' },
    channelData: { tenant: { id: session.tenantId }, source: { name: 'message' }, legacy: { replyToId } },
  };
}

/** Action.Submit (older clients): a message with the button's data as its value and no text. */
export function submitActivity(session, data, replyToId, locale) {
  return { ...common(session, locale), type: 'message', id: `f:${randomId()}`, replyToId, value: data ?? {}, channelData: { tenant: { id: session.tenantId }, source: { name: 'message' } } };
}
