import { expect } from 'vitest';
import type { Harness } from './bot-harness';
import { ADMIN, cardInvoke, teamsMessage } from './activities';
import { cardActions, cardProblems, messageBytes, visibleTexts } from './validate-card';

/** Pasting an error and pressing its card's buttons, as Teams does, for the Fix now end-to-end tests. */
export const PASTE_316 =
  '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]';

export const cardOf = (res: { body: any }) => {
  expect(res.body.statusCode).toBe(200);
  expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
  expect(cardProblems(res.body.value)).toEqual([]);
  expect(messageBytes(res.body)).toBeLessThan(28 * 1024);
  return res.body.value;
};
export const textOf = (card: any) => visibleTexts(card).join('\n');

/** Pastes a 4.4.316 and returns the id of the card message the stand-in recorded. */
export async function pasteAndGetCard(h: Harness, text = PASTE_316, scope: 'personal' | 'channel' = 'personal') {
  h.connector.clear();
  const res = await h.post(teamsMessage(text, { serviceUrl: h.connector.url, from: ADMIN, scope }));
  expect(res.status).toBe(200);
  const call = h.connector.cards()[0];
  const fixNow = cardActions(call.body.attachments[0].content).find((a) => a.verb === 'fixNow');
  return { messageId: call.messageId, fixNow, conversationId: call.conversationId };
}

export async function press(
  h: Harness,
  verb: string,
  data: Record<string, unknown>,
  replyToId: string,
  opts: { from?: typeof ADMIN; id?: string; locale?: string; scope?: 'personal' | 'channel' } = {},
) {
  const res = await h.post(
    cardInvoke({ verb, data }, { serviceUrl: h.connector.url, replyToId, from: opts.from ?? ADMIN, id: opts.id, locale: opts.locale, scope: opts.scope }),
  );
  expect(res.status).toBe(200);
  return res;
}

export async function command(h: Harness, text: string): Promise<string> {
  h.connector.clear();
  await h.post(teamsMessage(text, { serviceUrl: h.connector.url, from: ADMIN }));
  return textOf(h.connector.cards()[0].body.attachments[0].content);
}

export function confirmButtons(card: any) {
  return cardActions(card).filter((a) => a.verb === 'applyFix');
}
