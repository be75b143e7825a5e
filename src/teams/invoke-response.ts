import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import type { ActionResult } from '../remediation/actions';

/** The only place that knows the Universal Actions response envelope (adaptiveCard/action). */
export function toInvokeResponse(result: ActionResult): AdaptiveCardInvokeResponse {
  if ('card' in result) return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result.card };
  if ('message' in result)
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: result.message as unknown as Record<string, unknown> };
  return {
    statusCode: result.error.status,
    type: 'application/vnd.microsoft.error',
    value: { code: result.error.code, message: result.error.message } as unknown as Record<string, unknown>,
  };
}
