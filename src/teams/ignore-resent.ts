import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../log/logger';
import type { SeenActivities } from '../store/seen-keys';

/**
 * botbuilder middleware: Teams re-sends a message it thinks timed out (~15 s), and each copy would be
 * answered. A message whose conversation and id were seen already ends its turn here, before any handler.
 * Card actions need no such check: an operation's compare-and-swap makes a repeated press harmless.
 */
export function ignoreResentMessages(seen: SeenActivities, logger: Logger): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      const { type, id, conversation } = context.activity;
      if (type === ActivityTypes.Message && id && !(await seen.firstTime(conversation?.id ?? '', id))) {
        logger.info('re-sent activity ignored', { activityId: id });
        return;
      }
      await next();
    },
  };
}
