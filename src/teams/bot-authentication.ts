import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';

/** How long a token check may wait for Microsoft's signing keys before the request is refused. */
const AUTH_TIMEOUT_MS = 5000;

/**
 * botbuilder's configuration-based Bot Framework authentication, with two answers made definite:
 * - a token that fails validation in any way (a bad signature, keys that cannot be fetched) is an
 *   AuthenticationError, which CloudAdapter.process answers with 401 (other errors become a 500);
 * - validation waits at most AUTH_TIMEOUT_MS for Microsoft's signing keys, so an unreachable login server
 *   refuses the request promptly instead of holding it.
 * Everything else, validation itself included, is botbuilder's.
 */
export class BotAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        super.authenticateRequest(activity, authHeader),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('signing keys could not be fetched in time')), AUTH_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      // CloudAdapter sends the message as the 401's body: callers learn that, not our network's details.
      // The cause stays on the error, for botbuilder's own log line.
      throw Object.assign(new AuthenticationError('Bot Framework authentication failed.', 401), { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}
