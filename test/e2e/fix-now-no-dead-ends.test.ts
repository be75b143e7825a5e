import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type Harness } from '../support/bot-harness';
import { ADMIN, STRANGER } from '../support/activities';
import { cardActions } from '../support/validate-card';
import { PASTE_316, cardOf, command, confirmButtons, pasteAndGetCard, press, textOf } from '../support/card-presses';

// Issue 16, points 2 and 3: Fix now only where it helps, both of Microsoft's steps at once, and no dead ends.
let bot: Harness | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('Fix now without dead ends', () => {
  it("offers Microsoft's two steps together, short buttons under the full sentences, and undoes both", async () => {
    bot = await startBot();
    const { messageId, fixNow } = await pasteAndGetCard(bot);
    const confirmCard = cardOf(await press(bot, 'fixNow', fixNow.data, messageId));
    const titles = confirmButtons(confirmCard).map((a) => a.title);
    expect(titles).toEqual(['Do both', 'Disable connector', 'Change domain type']);
    for (const title of titles) expect(title.length).toBeLessThanOrEqual(20);
    const text = textOf(confirmCard);
    expect(text).toContain('1. Disable the outbound connector "Outbound to Contoso on-premises"');
    expect(text).toContain('2. Change the accepted domain "contoso.com" from Internal Relay to Authoritative');
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

    // A refused Undo on the result card everyone sees keeps that card, with the refusal on it.
    const applied = cardOf(await press(bot, 'applyFix', disable.data, messageId));
    const undo = cardActions(applied).find((a) => a.verb === 'undoFix');
    const keptCard = cardOf(await press(bot, 'undoFix', undo.data, messageId, { from: STRANGER }));
    const kept = textOf(keptCard);
    expect(kept).toContain('Outbound to Contoso on-premises');
    expect(kept).toContain('Fix now is for the Exchange admins');
    expect(cardActions(keptCard).some((a) => a.verb === 'undoFix')).toBe(true);
    expect(await command(bot, 'connectors')).toMatch(/Outbound to Contoso on-premises\nDisabled/);
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
});
