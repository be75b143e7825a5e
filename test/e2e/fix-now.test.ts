import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertCardsValid, startBot, type Harness } from '../support/bot-harness';
import { ADMIN } from '../support/activities';
import { cardActions } from '../support/validate-card';
import { cardOf, command, confirmButtons, pasteAndGetCard, press, textOf } from '../support/card-presses';
import { ExchangeError, type ExchangeBackend } from '../../src/remediation/backends/exchange-backend';

let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** The configured backend, with its Set-OutboundConnector replaced (slowed down, or failing). */
function withConnectorChange(set: (inner: ExchangeBackend, name: string, enabled: boolean) => ReturnType<ExchangeBackend['setOutboundConnectorEnabled']>) {
  return (inner: ExchangeBackend): ExchangeBackend => ({
    kind: inner.kind,
    listOutboundConnectors: () => inner.listOutboundConnectors(),
    listAcceptedDomains: () => inner.listAcceptedDomains(),
    validateOutboundConnector: (name, recipients) => inner.validateOutboundConnector(name, recipients),
    setOutboundConnectorEnabled: (name, enabled) => set(inner, name, enabled),
    setOutboundConnectorTlsDomain: (name, domain) => inner.setOutboundConnectorTlsDomain(name, domain),
    setAcceptedDomainType: (d, t) => inner.setAcceptedDomainType(d, t),
  });
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
    const pressed = confirmButtons(confirmCard)[0];
    const workingCard = cardOf(await press(bot, 'applyFix', pressed.data, messageId));
    const working = textOf(workingCard);
    expect(Date.now() - started).toBeLessThan(700);
    expect(working).toContain('Working on it');
    // The pressed button stays, disabled, until the result arrives.
    expect(cardActions(workingCard)).toEqual([expect.objectContaining({ title: pressed.title, isEnabled: false })]);
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
