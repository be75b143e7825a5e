import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { ADMIN, STRANGER, cardInvoke, teamsMessage } from '../support/activities';
import { cardActions, cardProblems, messageBytes, visibleTexts } from '../support/validate-card';
import { ExchangeError, type ExchangeBackend } from '../../src/remediation/backends/exchange-backend';

const PASTE_316 =
  '450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.5:25]';
let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const cardOf = (res: { body: any }) => {
  expect(res.body.statusCode).toBe(200);
  expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
  expect(cardProblems(res.body.value)).toEqual([]);
  expect(messageBytes(res.body)).toBeLessThan(28 * 1024);
  return res.body.value;
};
const textOf = (card: any) => visibleTexts(card).join('\n');

/** Pastes a 4.4.316 and returns the id of the card message the stand-in recorded. */
async function pasteAndGetCard(h: Harness, text = PASTE_316, scope: 'personal' | 'channel' = 'personal') {
  h.connector.clear();
  const res = await h.post(teamsMessage(text, { serviceUrl: h.connector.url, from: ADMIN, scope }));
  expect(res.status).toBe(200);
  const call = h.connector.cards()[0];
  const fixNow = cardActions(call.body.attachments[0].content).find((a) => a.verb === 'fixNow');
  return { messageId: call.messageId, fixNow, conversationId: call.conversationId };
}

async function press(
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

async function command(h: Harness, text: string): Promise<string> {
  h.connector.clear();
  await h.post(teamsMessage(text, { serviceUrl: h.connector.url, from: ADMIN }));
  return textOf(h.connector.cards()[0].body.attachments[0].content);
}

/** The configured backend, with its Set-OutboundConnector replaced (slowed down, or failing). */
function withConnectorChange(set: (inner: ExchangeBackend, name: string, enabled: boolean) => ReturnType<ExchangeBackend['setOutboundConnectorEnabled']>) {
  return (inner: ExchangeBackend): ExchangeBackend => ({
    kind: inner.kind,
    listOutboundConnectors: () => inner.listOutboundConnectors(),
    listAcceptedDomains: () => inner.listAcceptedDomains(),
    setOutboundConnectorEnabled: (name, enabled) => set(inner, name, enabled),
    setAcceptedDomainType: (d, t) => inner.setAcceptedDomainType(d, t),
  });
}

function confirmButtons(card: any) {
  return cardActions(card).filter((a) => a.verb === 'applyFix');
}

describe('Fix now for 4.4.316', () => {
  it('confirms with the exact change and PowerShell, applies once, shows Undo, and undoes', async () => {
    bot = await startBot({ REMEDIATION_ALLOWED_USERS: ADMIN.aadObjectId });
    const { messageId, fixNow } = await pasteAndGetCard(bot);

    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const confirmText = textOf(confirmCard);
    expect(confirmText).toContain('Disable the outbound connector "Outbound to Contoso on-premises"');
    expect(confirmText).toContain("Set-OutboundConnector -Identity 'Outbound to Contoso on-premises' -Enabled $false");
    expect(confirmText).toContain("Set-AcceptedDomain -Identity 'contoso.com' -DomainType Authoritative");
    expect(confirmText).toContain('Nothing changes until you confirm');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);

    const disable = confirmButtons(confirmCard).find((a) => a.title.includes('Disable'));
    bot.connector.clear();
    const resultCard = cardOf(await press(bot, 'applyFix', disable.data, messageId, { id: 'f:press-1' }));
    const resultText = textOf(resultCard);
    expect(resultText).toContain('Done: the outbound connector "Outbound to Contoso on-premises" was disabled.');
    expect(resultText).toContain('30 minutes to one hour');
    expect(resultText).toContain('By Megan Bowen');
    const undo = cardActions(resultCard).find((a) => a.verb === 'undoFix');
    expect(undo?.type).toBe('Action.Execute');
    // Everyone in the conversation sees the result: the card message itself is updated.
    const update = bot.connector.updates().find((u) => u.activityId === messageId);
    expect(textOf(update!.body.attachments[0].content)).toContain('Done: the outbound connector');
    assertCardsValid(bot.connector);

    // A second press and a Teams retry of the first (same activity id) change nothing more.
    const again = textOf(cardOf(await press(bot, 'applyFix', disable.data, messageId)));
    expect(again).toContain('Done: the outbound connector');
    const retry = textOf(cardOf(await press(bot, 'applyFix', disable.data, messageId, { id: 'f:press-1' })));
    expect(retry).toContain('Done: the outbound connector');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nDisabled/);
    const auditAfterApply = await command(bot, 'audit');
    expect(auditAfterApply.match(/applied/g)).toHaveLength(1);
    expect(auditAfterApply).toContain('The outbound connector "Outbound to Contoso on-premises" was disabled');
    expect(auditAfterApply).not.toContain('applyFix');
    expect(auditAfterApply).toContain(`Megan Bowen (${ADMIN.aadObjectId})`);

    const undone = textOf(cardOf(await press(bot, 'undoFix', undo.data, messageId)));
    expect(undone).toContain('Undone: the outbound connector "Outbound to Contoso on-premises" was enabled again.');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);
    const undoneAgain = textOf(cardOf(await press(bot, 'undoFix', undo.data, messageId)));
    expect(undoneAgain).toContain('Undone');
    const audit = await command(bot, 'audit');
    expect(audit.match(/undone/g)).toHaveLength(1);
    expect(audit).toContain('The outbound connector "Outbound to Contoso on-premises" was enabled again (undo)');
  });

  it('switches the accepted domain from InternalRelay to Authoritative', async () => {
    bot = await startBot();
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const domain = confirmButtons(confirmCard).find((a) => a.title === 'Change domain type');
    const result = textOf(cardOf(await press(bot, 'applyFix', domain.data, messageId)));
    expect(result).toContain('Done: the accepted domain "contoso.com" was made Authoritative.');
    expect(result).toContain('Before: Internal Relay');
    expect(await command(bot, 'connectors')).toContain('contoso.com: Authoritative');
  });

  it("offers Microsoft's two steps together, short buttons under the full sentences, and undoes both", async () => {
    bot = await startBot();
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const titles = confirmButtons(confirmCard).map((a) => a.title);
    expect(titles).toEqual(['Do both', 'Disable connector', 'Change domain type']);
    for (const title of titles) expect(title.length).toBeLessThanOrEqual(20);
    const text = textOf(confirmCard);
    expect(text).toContain('1. Disable the outbound connector "Outbound to Contoso on-premises"');
    expect(text).toContain('2. Change the accepted domain "contoso.com" from InternalRelay to Authoritative');
    // Nothing destructive is chosen for the user: the only inputs are buttons.
    expect(JSON.stringify(confirmCard)).not.toContain('Input.');

    const both = confirmButtons(confirmCard).find((a) => a.title === 'Do both');
    const result = cardOf(await press(bot, 'applyFix', both.data, messageId));
    const resultText = textOf(result);
    expect(resultText).toContain('Outbound to Contoso on-premises');
    expect(resultText).toContain('contoso.com');
    expect(resultText).toContain("Set-OutboundConnector -Identity 'Outbound to Contoso on-premises' -Enabled $false");
    expect(resultText).toContain("Set-AcceptedDomain -Identity 'contoso.com' -DomainType Authoritative");
    const connectors = await command(bot, 'connectors');
    expect(connectors).toMatch(/Outbound to Contoso on-premises\nDisabled/);
    expect(connectors).toContain('contoso.com: Authoritative');

    const undo = cardActions(result).find((a) => a.verb === 'undoFix');
    expect(undo.data.operationIds).toHaveLength(2);
    const undone = cardOf(await press(bot, 'undoFix', undo.data, messageId));
    const after = await command(bot, 'connectors');
    expect(after).toMatch(/Outbound to Contoso on-premises\nEnabled/);
    expect(after).toContain('contoso.com: Internal Relay');
    // No dead end: the card says the error comes back while the server is down, and offers Fix now again.
    expect(textOf(undone)).toContain('while mail.contoso.com is still down the error comes back');
    const again = cardActions(undone).find((a) => a.verb === 'fixNow');
    expect(again).toBeDefined();
    expect(confirmButtons(cardOf(await press(bot, 'fixNow', again.data, messageId))).map((a) => a.title)).toContain('Do both');
  });

  it('brings the diagnosis back with its buttons after Cancel, and changes nothing', async () => {
    bot = await startBot();
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const cancel = cardActions(confirmCard).find((a) => a.verb === 'cancelFix');
    const back = cardOf(await press(bot, 'cancelFix', cancel.data, messageId));
    const text = textOf(back);
    expect(text).toContain('Cancelled: nothing was changed.');
    expect(text).toContain('450 4.4.316 Connection refused');
    expect(text).toContain('Connector: Outbound to Contoso on-premises');
    expect(cardActions(back).map((a) => a.verb)).toEqual(expect.arrayContaining(['fixNow', 'runDiagnostics']));
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);
    // The cancelled confirmation cannot be applied afterwards.
    const disable = confirmButtons(confirmCard).find((a) => a.title === 'Disable connector');
    expect(textOf(cardOf(await press(bot, 'applyFix', disable.data, messageId)))).toContain('Cancelled');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);
  });

  it('refuses a user who is not allowed, keeps the diagnosis with who may fix it, changes nothing, and audits the refusal', async () => {
    bot = await startBot({ REMEDIATION_ALLOWED_USERS: ADMIN.aadObjectId });
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const refusedCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId, { from: STRANGER }));
    const refused = textOf(refusedCard);
    expect(refused).toContain('Fix now is for the Exchange admins');
    expect(refused).toContain(STRANGER.aadObjectId);
    expect(refused).toContain('450 4.4.316 Connection refused');
    expect(refused).toContain('Connector: Outbound to Contoso on-premises');
    expect(cardActions(refusedCard).some((a) => a.verb === 'runDiagnostics')).toBe(true);

    // Even with a confirmation card in hand (proposed by an allowed user), the stranger cannot apply it.
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const disable = confirmButtons(confirmCard).find((a) => a.title === 'Disable connector');
    expect(textOf(cardOf(await press(bot, 'applyFix', disable.data, messageId, { from: STRANGER })))).toContain('Not allowed');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);
    const audit = await command(bot, 'audit');
    expect(audit.match(/^refused$/gm)).toHaveLength(2);
    expect(audit).toContain('Attempt to use Fix now refused');
    expect(audit).toContain('Attempt to disable the outbound connector "Outbound to Contoso on-premises" refused');
    expect(audit).toContain(`Alex Wilber (${STRANGER.aadObjectId})`);

    // Once an admin has fixed something here, a refused user is told who that was.
    await press(bot, 'applyFix', disable.data, messageId);
    const named = textOf(cardOf(await press(bot, 'fixNow', fixNow.data, messageId, { from: STRANGER })));
    expect(named).toContain('admins who have used Fix now here: Megan Bowen');
  });

  it('offers no Fix now for a server no connector routes to, and says whose it is and what to tell them', async () => {
    bot = await startBot();
    const { messageId, fixNow } = await pasteAndGetCard(
      bot,
      `${PASTE_316.replace(/mail\.contoso\.com/g, 'mx.partner.example').replace('203.0.113.5', '198.51.100.250')} [LastAttemptedTime=2023-06-14T09:41:07Z]`,
    );
    expect(fixNow).toBeUndefined();
    const text = textOf(bot.connector.cards()[0].body.attachments[0].content);
    expect(text).toContain('Connector: None of yours routes to this server');
    expect(text).toContain("No connector of yours routes to mx.partner.example: it is partner.example's server");
    expect(text).toContain('Microsoft 365 cannot deliver mail to mx.partner.example (198.51.100.250): 4.4.316 Connection refused');
    // A forged press for that destination changes nothing and keeps the card.
    const forged = cardOf(
      await press(
        bot,
        'fixNow',
        {
          code: '4.4.316',
          server: 'mx.partner.example',
          ip: '198.51.100.250',
          error: { enhancedCode: '4.4.316', server: 'mx.partner.example', quotedCodes: [], format: 'led', excerpt: 'x' },
        },
        messageId,
      ),
    );
    expect(textOf(forged)).toContain('Fix now has nothing to change');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);
  });

  it('answers an unknown verb with an error card, never silence', async () => {
    bot = await startBot();
    const text = textOf(cardOf(await press(bot, 'launchMissiles', {}, 'msg-1')));
    expect(text).toContain('That button is not something I know');
    expect(text).toContain('launchMissiles');
  });

  it('answers a stale or forged operation id without changing anything', async () => {
    bot = await startBot();
    const text = textOf(cardOf(await press(bot, 'applyFix', { operationId: 'not-a-real-operation' }, 'msg-1')));
    expect(text).toContain('no longer on record');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);
  });

  it('keeps the tenant, the audit and pending confirmations across a restart on the same DATA_DIR', async () => {
    bot = await startBot();
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const disable = confirmButtons(confirmCard).find((a) => a.title === 'Disable connector');
    const domain = confirmButtons(confirmCard).find((a) => a.title === 'Change domain type');
    await press(bot, 'applyFix', disable.data, messageId);
    await bot.restart();
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nDisabled/);
    expect(await command(bot, 'audit')).toContain('The outbound connector "Outbound to Contoso on-premises" was disabled');
    expect(textOf(cardOf(await press(bot, 'applyFix', domain.data, messageId)))).toContain('Done: the accepted domain "contoso.com" was made Authoritative');
  });

  it('starts the simulated tenant from EXCHANGE_SIM_STATE', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfd-sim-'));
    const file = path.join(dir, 'tenant.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        connectors: [
          {
            name: 'To Northwind',
            smartHosts: ['smtp.northwind.example'],
            enabled: true,
            tlsSettings: 'EncryptionOnly',
            recipientDomains: ['northwind.example'],
          },
        ],
        acceptedDomains: [{ domainName: 'northwind.example', domainType: 'InternalRelay' }],
      }),
    );
    bot = await startBot({ EXCHANGE_SIM_STATE: file });
    const text = await command(bot, 'connectors');
    expect(text).toContain('To Northwind');
    expect(text).toContain('Smart hosts: smtp.northwind.example');
    expect(text).toContain('TLS: Encryption only, any certificate');
    expect(text).toContain('northwind.example: Internal Relay');
    expect(text).not.toContain('Contoso');
  });

  it('answers in Russian on the confirmation and result cards', async () => {
    bot = await startBot();
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId, { locale: 'ru-RU' }));
    expect(textOf(confirmCard)).toContain('Подтвердите исправление');
    const result = cardOf(await press(bot, 'applyFix', confirmButtons(confirmCard)[0].data, messageId, { locale: 'ru-RU' }));
    expect(textOf(result)).toContain('Готово: исходящий соединитель «Outbound to Contoso on-premises» отключён.');
    expect(textOf(result)).toContain('через 30–60 минут');
    expect(cardActions(result).find((a) => a.verb === 'undoFix')?.title).toBe('Вернуть как было');
  });

  it('answers a slow change with a working card within the deadline and updates the card when done', async () => {
    const slow = withConnectorChange(async (inner, name, enabled) => {
      await new Promise((r) => setTimeout(r, 800));
      return inner.setOutboundConnectorEnabled(name, enabled);
    });
    bot = await startBot({ INVOKE_DEADLINE_MS: '150' }, { decorateExchange: slow });
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    bot.connector.clear();
    const started = Date.now();
    const working = textOf(cardOf(await press(bot, 'applyFix', confirmButtons(confirmCard)[0].data, messageId)));
    expect(Date.now() - started).toBeLessThan(700);
    expect(working).toContain('Working on it');
    await bot.connector.waitFor(
      () => bot!.connector.updates().some((u) => textOf(u.body.attachments[0].content).includes('Done: the outbound connector')),
      5000,
    );
    expect(bot.connector.updates().at(-1)!.activityId).toBe(messageId);
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nDisabled/);
  });

  it("puts Exchange's own words on the card when a change fails, and audits the failure", async () => {
    const failing = withConnectorChange(async () => {
      throw new ExchangeError('forbidden', 'The app is missing the Exchange Administrator role.');
    });
    bot = await startBot({}, { decorateExchange: failing });
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const text = textOf(cardOf(await press(bot, 'applyFix', confirmButtons(confirmCard)[0].data, messageId)));
    expect(text).toContain('The change failed: The app is missing the Exchange Administrator role.');
    expect(await command(bot, 'audit')).toContain(
      'Could not disable the outbound connector "Outbound to Contoso on-premises": The app is missing the Exchange Administrator role.',
    );
  });
});

describe('Fix now interrupted by a crash', () => {
  /** Set-OutboundConnector that, while `crash` holds, never returns (after making the change, if `made`). */
  function crashingOnce(made: boolean) {
    const state = { crash: true };
    const decorate = withConnectorChange(async (inner, name, enabled) => {
      if (!state.crash) return inner.setOutboundConnectorEnabled(name, enabled);
      if (made) await inner.setOutboundConnectorEnabled(name, enabled);
      return new Promise<never>(() => undefined); // the process dies before the answer is recorded
    });
    return { state, decorate };
  }

  it('finishes a change Exchange made before the crash: applied, audited, the card updated with Undo', async () => {
    const { state, decorate } = crashingOnce(true);
    bot = await startBot({ INVOKE_DEADLINE_MS: '150' }, { decorateExchange: decorate });
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const disable = confirmButtons(confirmCard).find((a) => a.title.includes('Disable'));
    expect(textOf(cardOf(await press(bot, 'applyFix', disable.data, messageId)))).toContain('Working on it');

    state.crash = false;
    bot.connector.clear();
    await bot.restart();
    await bot.connector.waitFor(() => bot!.connector.updates().length > 0, 5000);
    const settled = bot.connector.updates().at(-1)!;
    expect(settled.activityId).toBe(messageId);
    const card = settled.body.attachments[0].content;
    expect(textOf(card)).toContain('Done: the outbound connector');
    expect(textOf(card)).toContain('Confirmed after the bot restarted');
    const undo = cardActions(card).find((a) => a.verb === 'undoFix');
    expect(undo).toBeDefined();
    expect(await command(bot, 'audit')).toContain('applied, confirmed after a restart');

    // Undo goes back to the value recorded before the change was sent.
    expect(textOf(cardOf(await press(bot, 'undoFix', undo!.data, messageId)))).toContain('Undone');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);
  });

  it('settles a change for real when the bot was down longer than an apply can take', async () => {
    const { state, decorate } = crashingOnce(true);
    let now = Date.now();
    bot = await startBot({ INVOKE_DEADLINE_MS: '150' }, { decorateExchange: decorate, clock: () => new Date(now) });
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const disable = confirmButtons(confirmCard).find((a) => a.title.includes('Disable'));
    await press(bot, 'applyFix', disable.data, messageId);

    state.crash = false;
    now += 25 * 60_000; // down for 25 minutes: the apply looks stale
    bot.connector.clear();
    await bot.restart();
    await bot.connector.waitFor(() => bot!.connector.updates().length > 0, 5000);
    const undo = cardActions(bot.connector.updates().at(-1)!.body.attachments[0].content).find((a) => a.verb === 'undoFix');
    // The stored state is applied too: Undo undoes, and a second Confirm changes nothing.
    expect(textOf(cardOf(await press(bot, 'applyFix', disable.data, messageId)))).toContain('Done: the outbound connector');
    expect(textOf(cardOf(await press(bot, 'undoFix', undo!.data, messageId)))).toContain('Undone');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);
  });

  it('marks a change Exchange never made as failed, with Try again, and the audit shows it was being applied', async () => {
    const { state, decorate } = crashingOnce(false);
    bot = await startBot({ INVOKE_DEADLINE_MS: '150' }, { decorateExchange: decorate });
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const disable = confirmButtons(confirmCard).find((a) => a.title.includes('Disable'));
    await press(bot, 'applyFix', disable.data, messageId);

    state.crash = false;
    bot.connector.clear();
    await bot.restart();
    await bot.connector.waitFor(() => bot!.connector.updates().length > 0, 5000);
    const card = bot.connector.updates().at(-1)!.body.attachments[0].content;
    expect(textOf(card)).toContain('restarted before Exchange confirmed');
    const retry = cardActions(card).find((a) => a.verb === 'applyFix');
    expect(retry?.title).toBe('Try again');
    const audit = await command(bot, 'audit');
    expect(audit).toContain('sent to Exchange, awaiting its answer');
    expect(audit).toContain('not made: the bot restarted');

    expect(textOf(cardOf(await press(bot, 'applyFix', retry!.data, messageId)))).toContain('Done: the outbound connector');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nDisabled/);
  });
});

describe('an operation pressed outside its conversation', () => {
  it('is refused and audited, and the change is not made', async () => {
    bot = await startBot();
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const disable = confirmButtons(confirmCard).find((a) => a.title.includes('Disable'));
    // The same operation id, pressed from a channel instead of the chat it was proposed in.
    const refused = textOf(cardOf(await press(bot, 'applyFix', disable.data, messageId, { scope: 'channel' })));
    expect(refused).toContain('proposed in another chat or channel');
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nEnabled/);
    expect(await command(bot, 'audit')).toContain('pressed in another conversation');
  });
});
