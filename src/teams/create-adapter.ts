import http from 'node:http';
import https from 'node:https';
import { CloudAdapter, type TurnContext } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Config } from '../config';
import type { Logger } from '../log/logger';
import { BotAuthentication } from './bot-authentication';

/** What the user reads when answering a message failed; the error itself goes to the log (the one turn-error handler). */
export const TURN_FAILED_TEXT = 'Sorry, something went wrong while reading that. Nothing was changed; please try again.';

/**
 * botbuilder's CloudAdapter with Bot Framework authentication from the standard settings. With an empty
 * MicrosoftAppId, botbuilder runs unauthenticated (Emulator mode) and sends replies without a token.
 */
export function createAdapter(
  config: Config,
  logger: Logger,
  /** Where the bot's own tokens come from; botbuilder's default (MSAL with MicrosoftAppPassword) unless given. */
  credentials?: ServiceClientCredentialsFactory,
): { adapter: CloudAdapter; auth: BotAuthentication } {
  // Keep-alive connections to the Bot Connector, and no hidden retries: a 429 or 5xx reaches our own code
  // (the alert dispatcher backs off and honours Retry-After itself) instead of stalling a turn for minutes.
  const connectorClientOptions = {
    noRetryPolicy: true,
    agentSettings: { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) },
  };
  const auth = new BotAuthentication(config.botFrameworkAuth as Record<string, string>, credentials, undefined, undefined, connectorClientOptions);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error('turn failed', { activityType: context.activity.type, activityId: context.activity.id, err: error });
    if (context.activity.type === 'message') {
      try {
        await context.sendActivity(TURN_FAILED_TEXT);
      } catch (sendError) {
        logger.warn('could not tell the user about the failure', { err: sendError as Error });
      }
    }
  };
  return { adapter, auth };
}
