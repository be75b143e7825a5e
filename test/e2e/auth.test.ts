import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBot, type Harness } from '../support/bot-harness';
import { fixtureActivity, TENANT, teamsMessage } from '../support/activities';

const APP_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const PASSWORD = 'very-secret-app-password-123';
const KID = 'test-signing-key';

/** A local OpenID configuration + JWKS, standing in for login.botframework.com. */
async function startKeyServer(publicKey: crypto.KeyObject) {
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  let base = '';
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/openid')
      res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    else if (req.url === '/keys') res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: KID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const trusted = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const impostor = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

function token(opts: { key?: crypto.KeyObject; kid?: string; aud?: string; serviceUrl: string; expiresIn?: number }) {
  return jwt.sign({ serviceurl: opts.serviceUrl }, (opts.key ?? trusted.privateKey).export({ format: 'pem', type: 'pkcs8' }), {
    algorithm: 'RS256',
    keyid: opts.kid ?? KID,
    issuer: 'https://api.botframework.com',
    audience: opts.aud ?? APP_ID,
    expiresIn: opts.expiresIn ?? 3600,
  });
}

// botbuilder writes each refused token's reason, and the signing keys it tried, to console.error (its own
// logging, outside the bot's logger). Kept out of the test output, and checked for the app password.
const consoleErrors: unknown[][] = [];
beforeAll(() => {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void consoleErrors.push(args));
});
afterAll(() => {
  vi.restoreAllMocks();
  expect(JSON.stringify(consoleErrors.map((args) => args.map(String)))).not.toContain(PASSWORD);
});

describe('with MicrosoftAppId set, every request needs a valid Bot Framework token', () => {
  let bot: Harness;
  let keys: Awaited<ReturnType<typeof startKeyServer>>;
  let installation: any;

  beforeAll(async () => {
    keys = await startKeyServer(trusted.publicKey);
    bot = await startBot({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: PASSWORD,
      ALLOWED_TENANTS: TENANT,
      ToBotFromChannelOpenIdMetadataUrl: `${keys.base}/openid`,
      ToBotFromEmulatorOpenIdMetadataUrl: `${keys.base}/openid`,
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    });
    installation = fixtureActivity('teams-installationupdate-add-channel-captured');
    installation.serviceUrl = bot.connector.url;
    installation.recipient = { id: `28:${APP_ID}`, name: 'Mail Flow Doctor' };
  });
  afterAll(async () => {
    await bot?.stop();
    await keys?.close();
  });

  it('accepts a token signed by the published key', async () => {
    const res = await bot.post(installation, { authorization: `Bearer ${token({ serviceUrl: bot.connector.url })}` });
    expect(res.status).toBe(200);
  });

  it('refuses a request without a token with 401', async () => {
    const res = await bot.post(teamsMessage('help', { serviceUrl: bot.connector.url }));
    expect(res.status).toBe(401);
    expect(bot.connector.calls).toHaveLength(0);
  });

  it('refuses a forged token (unknown key id) with 401', async () => {
    const res = await bot.post(installation, { authorization: `Bearer ${token({ key: impostor.privateKey, kid: 'made-up', serviceUrl: bot.connector.url })}` });
    expect(res.status).toBe(401);
  });

  it('refuses a token signed with the wrong key under the published key id with 401', async () => {
    const res = await bot.post(installation, { authorization: `Bearer ${token({ key: impostor.privateKey, serviceUrl: bot.connector.url })}` });
    expect(res.status).toBe(401);
  });

  it('refuses a token for another bot, an expired one, and garbage with 401', async () => {
    for (const auth of [
      `Bearer ${token({ aud: '00000000-0000-0000-0000-000000000000', serviceUrl: bot.connector.url })}`,
      `Bearer ${token({ expiresIn: -3600, serviceUrl: bot.connector.url })}`,
      'Bearer not.a.jwt',
      'Basic dXNlcjpwYXNz',
    ]) {
      expect((await bot.post(installation, { authorization: auth })).status).toBe(401);
    }
  });

  it('never shows the app password in health output or logs', async () => {
    const health = await (await fetch(`${bot.url}/healthz`)).text();
    expect(health).toContain('"mode":"authenticated"');
    expect(health).not.toContain(PASSWORD);
    expect(bot.logs.join('\n')).not.toContain(PASSWORD);
  });
});

describe("with no route to Microsoft's login servers", () => {
  let bot: Harness;
  beforeAll(async () => {
    bot = await startBot({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: PASSWORD, ALLOWED_TENANTS: TENANT });
  });
  afterAll(async () => bot?.stop());

  it('still answers a well-formed but unverifiable token with 401, promptly', async () => {
    const started = Date.now();
    const res = await bot.post(teamsMessage('help', { serviceUrl: bot.connector.url }), {
      authorization: `Bearer ${token({ key: impostor.privateKey, serviceUrl: bot.connector.url })}`,
    });
    expect(res.status).toBe(401);
    expect(Date.now() - started).toBeLessThan(6500);
    expect(bot.connector.calls).toHaveLength(0);
  }, 10_000);
});

/** The bot's own credentials, standing in for MSAL and Azure AD: each signed request names its audience. */
class RecordingBotCredentials {
  readonly created: Array<{ appId: string; audience?: string }> = [];
  async isValidAppId(appId: string) {
    return appId === APP_ID;
  }
  async isAuthenticationDisabled() {
    return false;
  }
  async createCredentials(appId: string, audience?: string) {
    this.created.push({ appId, audience });
    return {
      signRequest: async (request: { headers: { set(name: string, value: string): void } }) => {
        request.headers.set('authorization', `Bearer token-of-${appId}-for-${audience}`);
        return request;
      },
    };
  }
}

describe("an authenticated message is answered with the bot's own token", () => {
  let bot: Harness;
  let keys: Awaited<ReturnType<typeof startKeyServer>>;
  const credentials = new RecordingBotCredentials();

  beforeAll(async () => {
    keys = await startKeyServer(trusted.publicKey);
    bot = await startBot(
      {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: PASSWORD,
        ALLOWED_TENANTS: TENANT,
        ToBotFromChannelOpenIdMetadataUrl: `${keys.base}/openid`,
        ToBotFromEmulatorOpenIdMetadataUrl: `${keys.base}/openid`,
        ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      },
      { botCredentials: credentials as never },
    );
  });
  afterAll(async () => {
    await bot?.stop();
    await keys?.close();
  });

  it('checks the token, then replies to the paste with a card signed for the Bot Connector', async () => {
    const message = teamsMessage('450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com]', {
      serviceUrl: bot.connector.url,
    });
    message.recipient = { id: `28:${APP_ID}`, name: 'Mail Flow Doctor' };
    const res = await bot.post(message, { authorization: `Bearer ${token({ serviceUrl: bot.connector.url })}` });
    expect(res.status).toBe(200);
    await bot.connector.waitFor(() => bot.connector.calls.length === 1);
    // botbuilder asks for the bot's credentials with the channel's audience left to the factory's default
    // (MSAL then requests the Bot Framework scope); the reply carries what those credentials signed.
    expect(credentials.created.length).toBeGreaterThan(0);
    for (const created of credentials.created) expect(created).toEqual({ appId: APP_ID, audience: undefined });
    expect(bot.connector.calls[0]).toMatchObject({ method: 'POST', activityId: message.id, authorization: `Bearer token-of-${APP_ID}-for-undefined` });
    expect(JSON.stringify(bot.connector.calls[0].body.attachments[0].content)).toContain('4.4.316');
  });

  it('signs the streamed progress of a diagnosis too (sent as it is, past the connector serializer)', async () => {
    bot.connector.clear();
    const message = teamsMessage('diagnose 203.0.113.5', { serviceUrl: bot.connector.url });
    message.recipient = { id: `28:${APP_ID}`, name: 'Mail Flow Doctor' };
    const res = await bot.post(message, { authorization: `Bearer ${token({ serviceUrl: bot.connector.url })}` });
    expect(res.status).toBe(200);
    const typing = () => bot.connector.calls.filter((c) => c.body?.type === 'typing');
    await bot.connector.waitFor(() => typing().length > 0, 10_000);
    expect(typing()[0]).toMatchObject({ method: 'POST', authorization: `Bearer token-of-${APP_ID}-for-undefined` });
    expect(typing()[0]!.body.entities).toEqual([{ type: 'streaminfo', streamType: 'informative', streamSequence: 1 }]);
    // Let the diagnosis finish (its final stream message) before the next test counts what is sent.
    const final = () => bot.connector.calls.some((c) => c.body?.type === 'message' && c.body?.entities?.[0]?.streamType === 'final');
    await bot.connector.waitFor(final, 15_000);
    expect(bot.connector.calls.filter((c) => c.body?.type === 'message' && !c.body?.attachments).at(-1)!.authorization).toBe(
      `Bearer token-of-${APP_ID}-for-undefined`,
    );
  }, 30_000);

  it('refuses the same message with a forged token, sending nothing', async () => {
    bot.connector.clear();
    const message = teamsMessage('help', { serviceUrl: bot.connector.url });
    const res = await bot.post(message, { authorization: `Bearer ${token({ key: impostor.privateKey, serviceUrl: bot.connector.url })}` });
    expect(res.status).toBe(401);
    expect(bot.connector.calls).toHaveLength(0);
  });
});
