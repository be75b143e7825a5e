import { ActivityEventNames, ActivityTypes, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../log/logger';

/** The Microsoft 365 organization an activity comes from, as Teams states it. */
export function tenantOf(activity: Partial<Activity>): string {
  const fromConversation = activity.conversation?.tenantId;
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  return String(fromConversation ?? fromChannelData ?? '')
    .trim()
    .toLowerCase();
}

/**
 * botbuilder middleware, first in the pipeline: an activity from a tenant other than ALLOWED_TENANTS ends
 * its turn before any handler. It is logged without its text; an invoke is answered 403. The bot's own
 * continuations (proactive sends) carry no tenant and are not from outside.
 */
export function refuseOtherTenants(allowed: '*' | readonly string[], logger: Logger): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      const activity = context.activity;
      const ours = activity.type === ActivityTypes.Event && activity.name === ActivityEventNames.ContinueConversation;
      if (allowed === '*' || ours) return next();
      const tenant = tenantOf(activity);
      if (tenant && allowed.includes(tenant)) return next();
      logger.warn('activity from a tenant that is not allowed refused', {
        tenant: tenant || '(none)',
        activityType: activity.type,
        activityId: activity.id,
        user: activity.from?.aadObjectId,
      });
      if (activity.type === ActivityTypes.Invoke) {
        await context.sendActivity({
          type: ActivityTypes.InvokeResponse,
          value: { status: 403, body: { code: 'tenant_not_allowed', message: 'This bot does not serve your organization.' } },
        });
      }
    },
  };
}
