import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeResolver } from '../diagnostics/smtp-stand-ins';
import { startBot, type Harness } from '../support/bot-harness';
import { launchChromium, openPlayground, pasteExample as pasteIn } from '../support/playground-browser';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'playground');
const CONNECTOR = 'Outbound to Contoso on-premises';

let bot: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
/** Activities the page posted to the bot's /api/messages. */
let posted: any[];

beforeAll(async () => {
  // mail.contoso.com is a documentation address here, so Run diagnostics is refused without connecting.
  bot = await startBot({}, { resolver: fakeResolver({ 'mail.contoso.com': { a: ['203.0.113.5'] } }) });
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await bot?.stop();
});

beforeEach(async () => {
  posted = [];
  // A new context per test: its own storage, so a language or theme chosen in one test does not leak.
  ({ context, page, problems } = await openPlayground(browser, bot.url));
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/messages') posted.push(r.postDataJSON());
  });
});

afterEach(async () => {
  await context?.close();
  expect(problems).toEqual([]);
});

/** The last message from the bot (its card, as the page shows it). */
const lastBotMessage = () => page.locator('article.message.bot').last();
const botMessages = () => page.locator('article.message.bot');
const connectorState = () => page.locator(`.connectors li[data-name="${CONNECTOR}"] .state`);

const pasteExample = (code: string): Promise<Locator> => pasteIn(page, code);

describe('the playground page', () => {
  it('answers the 4.4.316 example with a card, fixes it with Fix now, shows the tenant change, and undoes it', async () => {
    const message = await pasteExample('4.4.316');
    const text = await message.locator('.card').innerText();
    expect(text).toContain('4.4.316');
    expect(text).toContain('Connection refused');
    expect(text).toContain('mail.contoso.com');
    expect(await message.getByRole('button', { name: 'Fix now' }).isVisible()).toBe(true);
    expect(await message.getByRole('button', { name: 'Run diagnostics' }).isVisible()).toBe(true);
    expect(await connectorState().innerText()).toBe('Enabled');

    // The page spoke Teams' protocol to the bot's own endpoint.
    expect(posted[0]).toMatchObject({ type: 'message', channelId: 'msteams', conversation: { conversationType: 'personal' }, locale: 'en-US' });
    expect(posted[0].serviceUrl).toBe(`${bot.url}/playground/connector/`);
    expect(posted[0].from.aadObjectId).toMatch(/^[0-9a-f-]{36}$/);

    await message.getByRole('button', { name: 'Fix now' }).click();
    // Short button titles that Teams never cuts; the full change is written above them.
    const confirm = message.getByRole('button', { name: 'Disable connector', exact: true });
    await confirm.waitFor({ timeout: 10_000 });
    expect(await message.locator('.card').innerText()).toContain("Set-OutboundConnector -Identity 'Outbound to Contoso on-premises' -Enabled $false");
    expect(posted.at(-1)).toMatchObject({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'fixNow' } } });
    expect(posted.at(-1).replyToId).toBe(await message.getAttribute('data-activity-id'));

    await confirm.click();
    await connectorState().filter({ hasText: 'Disabled' }).waitFor({ timeout: 10_000 });
    expect(await message.locator('.card').innerText()).toContain(`Done: the outbound connector "${CONNECTOR}" was disabled.`);
    // The audit panel shows the bot's words for what happened, not the card verb (applyFix).
    const applied = await page.locator('.audit li').first().innerText();
    expect(applied).toContain(`The outbound connector "${CONNECTOR}" was disabled`);
    expect(applied).toContain('applied');
    expect(applied).not.toContain('applyFix');
    // The result replaced the card in place (the bot's PUT), rather than arriving as a new message.
    expect(await botMessages().count()).toBe(1);
    expect(await message.locator('.edited').isVisible()).toBe(true);

    await message.getByRole('button', { name: 'Undo' }).click();
    await connectorState().filter({ hasText: 'Enabled' }).waitFor({ timeout: 10_000 });
    expect(await message.locator('.card').innerText()).toContain(`Undone: the outbound connector "${CONNECTOR}" was enabled again.`);
    await page.locator('.audit li').first().filter({ hasText: 'undone' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.audit li').first().innerText()).toContain(`The outbound connector "${CONNECTOR}" was enabled again (undo)`);

    // The panel words the audit in the language chosen for cards.
    await page.selectOption('#locale', 'ru-RU');
    await page.click('#refresh-panel');
    const undoneRu = page.locator('.audit li').first().filter({ hasText: 'возвращено как было' });
    await undoneRu.waitFor({ timeout: 10_000 });
    expect(await undoneRu.innerText()).toContain(`Исходящий соединитель «${CONNECTOR}» снова включён (возврат)`);
  }, 30_000);

  it('disables the pressed button until the answer arrives', async () => {
    const message = await pasteExample('4.4.316');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/messages', async (route) => {
      if (route.request().postDataJSON()?.type === 'invoke') await held;
      await route.continue();
    });
    const fixNow = message.getByRole('button', { name: 'Fix now' });
    await fixNow.click();
    await expect.poll(() => fixNow.isDisabled()).toBe(true);
    expect(await message.getByRole('button', { name: 'Run diagnostics' }).isDisabled()).toBe(true);
    release();
    const confirm = message.getByRole('button', { name: 'Disable connector', exact: true });
    await confirm.waitFor({ timeout: 10_000 });
    expect(await confirm.isDisabled()).toBe(false);
    await page.unroute('**/api/messages');
  }, 30_000);

  it('answers in Russian when the language switch says Russian', async () => {
    await page.selectOption('#locale', 'ru-RU');
    const message = await pasteExample('4.4.316');
    const text = await message.locator('.card').innerText();
    expect(text).toContain('отклоняет подключения на порту 25');
    expect(text).toContain('4.4.316');
    expect(await message.getByRole('button', { name: 'Исправить сейчас' }).isVisible()).toBe(true);
    expect(posted.at(-1).locale).toBe('ru-RU');
  }, 30_000);

  it('shows Run diagnostics as a note, then a live card the bot updates in place', async () => {
    const message = await pasteExample('4.4.316');
    await message.getByRole('button', { name: 'Run diagnostics' }).click();
    await message.locator('.note', { hasText: 'Running diagnostics for' }).waitFor({ timeout: 10_000 });
    await botMessages().nth(1).locator('.card', { hasText: 'Not probed' }).waitFor({ timeout: 10_000 });
    const live = botMessages().nth(1);
    expect(await live.locator('.edited').isVisible()).toBe(true);
    // Then the stream's final message (a 1:1 chat streams progress): one line with the outcome.
    await botMessages().nth(2).filter({ hasText: 'was not checked; the card above says why' }).waitFor({ timeout: 10_000 });
    expect(await botMessages().count()).toBe(3);
    expect(await message.locator('.card').innerText()).toContain('Connection refused');
  }, 30_000);

  it('shows pasted markup and links as text', async () => {
    await page.fill(
      '#composer',
      '450 4.4.316 Connection refused [Message=<img src=x onerror=alert(1)> **boom** [click](javascript:alert(1))] [LastAttemptedServerName=<b>mail.contoso.com</b>]',
    );
    await page.keyboard.press('Enter');
    await page.waitForSelector('article.message.bot .ac-adaptiveCard', { timeout: 10_000 });
    expect(await page.locator('img, b, a[href^="javascript"]').count()).toBe(0);
    expect(await page.locator('article.message.user').innerText()).toContain('<img src=x onerror=alert(1)>');
    // The bot drops Teams' HTML and escapes Markdown; the page shows the rest as the characters they are.
    await lastBotMessage().getByRole('button', { name: 'Details', exact: true }).click();
    expect(await lastBotMessage().locator('.card').innerText()).toContain('**boom** [click](javascript:alert(1))');
    expect(await lastBotMessage().locator('strong, em').filter({ hasText: 'boom' }).count()).toBe(0);
  }, 30_000);

  it('renders cards in the light and the dark theme', async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const light = path.join(SCREENSHOTS, 'card-4.4.316-light.png');
    const dark = path.join(SCREENSHOTS, 'card-4.4.316-dark.png');
    for (const file of [light, dark]) fs.rmSync(file, { force: true });

    await page.setViewportSize({ width: 1280, height: 2600 }); // the whole card, not only what fits the chat
    const message = await pasteExample('4.4.316');
    const cardBackground = () => message.locator('.ac-adaptiveCard').evaluate((node) => node.ownerDocument.defaultView!.getComputedStyle(node).backgroundColor);
    expect(await cardBackground()).toBe('rgb(255, 255, 255)');
    await message.locator('.card').screenshot({ path: light });

    await page.getByRole('button', { name: 'Dark theme' }).click();
    expect(await page.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed')).toBe('true');
    expect(await cardBackground()).toBe('rgb(41, 41, 41)');
    expect(await message.getByRole('button', { name: 'Fix now' }).isVisible()).toBe(true);
    await message.locator('.card').screenshot({ path: dark });

    for (const file of [light, dark]) {
      const png = fs.readFileSync(file);
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      expect(png.length).toBeGreaterThan(20_000);
      expect(png.readUInt32BE(16)).toBeGreaterThan(300); // width from the IHDR chunk
    }
    expect(fs.readFileSync(light).equals(fs.readFileSync(dark))).toBe(false);
  }, 30_000);
});
