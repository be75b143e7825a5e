import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { lightenConnector } from './light-connector';
import type { ClaimsIdentity, ConnectorClient, ConnectorFactory, UserTokenClient } from 'botframework-connector';

/**
 * botbuilder builds a new ConnectorClient (and its HTTP pipeline) and a new UserTokenClient for every turn.
 * This bot has one identity, so both are reused: one connector client per service URL and audience, one
 * user token client per app id. The clients are stateless between requests apart from the token cache,
 * which is what should be shared.
 */
export function reuseClients(auth: ConfigurationBotFrameworkAuthentication): ConfigurationBotFrameworkAuthentication {
  const connectors = new Map<string, Promise<ConnectorClient>>();
  const tokenClients = new Map<string, Promise<UserTokenClient>>();
  const caching = (factory: ConnectorFactory): ConnectorFactory => ({
    create(serviceUrl: string, audience?: string) {
      const key = `${serviceUrl}\u0000${audience ?? ''}`;
      let client = connectors.get(key);
      if (!client) {
        client = factory.create(serviceUrl, audience).then((c) => lightenConnector(c, serviceUrl));
        client.catch(() => connectors.delete(key));
        if (connectors.size > 1000) connectors.clear(); // service URLs are few (one per region); bound it anyway
        connectors.set(key, client);
      }
      return client;
    },
  });

  const authenticateRequest = auth.authenticateRequest.bind(auth);
  const createConnectorFactory = auth.createConnectorFactory.bind(auth);
  const createUserTokenClient = auth.createUserTokenClient.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const result = await authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: result.connectorFactory && caching(result.connectorFactory) };
  };
  auth.createConnectorFactory = (identity: ClaimsIdentity) => caching(createConnectorFactory(identity));
  auth.createUserTokenClient = (identity: ClaimsIdentity) => {
    const appId = String(identity.getClaimValue('aud') ?? identity.getClaimValue('appid') ?? '');
    let client = tokenClients.get(appId);
    if (!client) {
      client = createUserTokenClient(identity);
      client.catch(() => tokenClients.delete(appId));
      tokenClients.set(appId, client);
    }
    return client;
  };
  return auth;
}
