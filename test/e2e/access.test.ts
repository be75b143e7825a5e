import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../support/bot-harness';
import { ADMIN, cardInvoke, STRANGER, TENANT, teamsMessage } from '../support/activities';
import { visibleTexts } from '../support/validate-card';

const READER = { id: '29:reader-user', name: 'Lee Gu', aadObjectId: '44444444-3333-2222-1111-000000000000' };
const OTHER_TENANT = '0f0e0d0c-0b0a-4909-8807-060504030201';
const PASTE = '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com]';

let bot: Harness;
beforeAll(async () => {
  bot = await startBot({ ALLOWED_TENANTS: TENANT, ADMIN_USERS: ADMIN.aadObjectId, READER_USERS: READER.aadObjectId });
});
afterAll(async () => bot?.stop());

async function say(text: string, from: typeof ADMIN, tenantId?: string): Promise<string> {
  bot.connector.clear();
  const res = await bot.post(teamsMessage(text, { serviceUrl: bot.connector.url, from, tenantId }));
  expect(res.status).toBe(200);
  return bot.connector
    .cards()
    .map((c) => visibleTexts(c.body.attachments[0].content).join('\n'))
    .join('\n---\n');
}

describe('activities from another Microsoft 365 organization', () => {
  it('are refused before any handler: no answer, and a log line without their text', async () => {
    expect(await say(`connectors ${'x'.repeat(3)}`, ADMIN, OTHER_TENANT)).toBe('');
    expect(await say(PASTE, ADMIN, OTHER_TENANT)).toBe('');
    expect(bot.connector.calls).toHaveLength(0);
    const refusals = bot.logs.filter((l) => l.includes('tenant that is not allowed'));
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect(refusals.join('\n')).toContain(OTHER_TENANT);
    expect(refusals.join('\n')).not.toContain('4.4.316');
  });

  it('get 403 for a card action, and nothing changes', async () => {
    const res = await bot.post(
      cardInvoke(
        { verb: 'fixNow', data: { code: '4.4.316', server: 'mail.contoso.com' } },
        { serviceUrl: bot.connector.url, replyToId: 'm1', from: ADMIN, tenantId: OTHER_TENANT },
      ),
    );
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain('tenant_not_allowed');
  });

  it('from the allowed tenant are answered', async () => {
    expect(await say(PASTE, STRANGER)).toContain('4.4.316');
  });
});

describe('who may do what', () => {
  it('lets everyone paste errors, explain codes and ask for help', async () => {
    expect(await say(PASTE, STRANGER)).toContain('Connection refused');
    expect(await say('explain 4.4.317', STRANGER)).toContain('4.4.317');
    expect(await say('help', STRANGER)).toContain('connectors');
  });

  it.each(['connectors', 'audit', 'subscriptions'])('keeps "%s" for readers and admins, and tells anyone else who can see it', async (command) => {
    const refused = await say(command, STRANGER);
    expect(refused).toContain('READER_USERS');
    expect(refused).toContain(STRANGER.aadObjectId);
    expect(refused).not.toContain('Outbound to Contoso');
    expect(refused).toContain('Not for everyone');
    expect(await say(command, READER)).not.toContain('Not for everyone');
    expect(await say(command, ADMIN)).not.toContain('Not for everyone');
  });

  it.each(['subscribe', 'unsubscribe'])('keeps "%s" for admins: a reader and a stranger are refused, and it is audited', async (command) => {
    for (const user of [STRANGER, READER]) {
      const refused = await say(command, user);
      expect(refused).toContain('ADMIN_USERS');
      expect(refused).not.toMatch(/receives/);
    }
    expect(await say('audit', ADMIN)).toContain(`${STRANGER.name} (${STRANGER.aadObjectId})`);
    expect(await say(command, ADMIN)).toMatch(/(now|no longer) receives|not subscribed/);
  });

  it('refuses Fix now to a reader, keeps the change unmade, and says who can fix it', async () => {
    const res = await bot.post(
      cardInvoke(
        { verb: 'fixNow', data: { code: '4.4.316', server: 'mail.contoso.com', port: 25 } },
        { serviceUrl: bot.connector.url, replyToId: 'm2', from: READER },
      ),
    );
    expect(res.status).toBe(200);
    const text = visibleTexts(res.body.value).join('\n');
    expect(text).toContain('ADMIN_USERS');
    expect(await say('connectors', ADMIN)).toMatch(/Outbound to Contoso on-premises\nEnabled/);
  });
});
