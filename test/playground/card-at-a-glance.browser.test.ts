import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeResolver } from '../diagnostics/smtp-stand-ins';
import { startBot, type Harness } from '../support/bot-harness';
import { launchChromium, openPlayground, pasteExample } from '../support/playground-browser';

// The first screen of an error card, measured as a Teams chat shows it: 560 px wide.
const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'cards');
const CONNECTOR_CODES = ['4.4.312', '4.4.315', '4.4.316', '4.4.317', '4.4.318', '4.7.320'];
const LANGUAGES = [
  { locale: 'en-US', details: 'Details', fixNow: 'Fix now', diagnostics: 'Run diagnostics', causes: 'Likely causes' },
  { locale: 'ru-RU', details: 'Подробности', fixNow: 'Исправить сейчас', diagnostics: 'Запустить диагностику', causes: 'Вероятные причины' },
];

let bot: Harness;
let browser: Browser;
let context: BrowserContext | undefined;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
  bot = await startBot({}, { resolver: fakeResolver({}) });
  browser = await launchChromium();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await bot?.stop();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  expect(problems).toEqual([]);
});

async function open(locale: string) {
  ({ context, page, problems } = await openPlayground(browser, bot.url, { height: 1400 }));
  if (locale !== 'en-US') await page.selectOption('#locale', locale);
}

/** Where things are on the card, in CSS pixels from the card's top edge. */
async function layout(message: Locator, mainAction: string) {
  const card = await message.locator('.card').boundingBox();
  const button = await message.getByRole('button', { name: mainAction, exact: true }).boundingBox();
  if (!card || !button) throw new Error(`no card or no "${mainAction}" button on screen`);
  return { width: card.width, height: card.height, actionBottom: button.y + button.height - card.y };
}

describe('the first screen of an error card, at 560 px', () => {
  for (const lang of LANGUAGES) {
    it(`fits in 600 px with its main action in the top 400 px, for every connector code, in ${lang.locale}`, async () => {
      await open(lang.locale);
      const measured: string[] = [];
      for (const code of CONNECTOR_CODES) {
        const message = await pasteExample(page, code);
        // Fix now where the sample tenant routes there (4.4.316 to contoso.com); else Run diagnostics leads.
        const main = code === '4.4.316' ? lang.fixNow : lang.diagnostics;
        const collapsed = await layout(message, main);
        measured.push(`${code}: ${Math.round(collapsed.height)} px, action ends at ${Math.round(collapsed.actionBottom)} px`);
        expect(collapsed.width).toBe(560);
        expect(collapsed.height, `${code} collapsed`).toBeLessThanOrEqual(600);
        expect(collapsed.actionBottom, `${code} main action`).toBeLessThanOrEqual(400);
        const text = await message.locator('.card').innerText();
        expect(text).toContain(code);
        expect(text).not.toContain(lang.causes);

        // Details opens the rest in place: causes, fixes, the facts and the paste.
        await message.getByRole('button', { name: lang.details, exact: true }).click();
        await message.locator('.card', { hasText: lang.causes }).waitFor({ timeout: 5_000 });
        const expanded = await layout(message, main);
        expect(expanded.height).toBeGreaterThan(collapsed.height + 150);
        expect(expanded.actionBottom).toBe(collapsed.actionBottom);
      }
      console.log(`${lang.locale}: ${measured.join('; ')}`);
    }, 60_000);
  }

  it('puts screenshots of the new cards, light and dark, in test output', async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const files: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await open('en-US');
      if (scheme === 'dark') await page.getByRole('button', { name: 'Dark theme' }).click();
      for (const code of ['4.4.316', '4.7.320']) {
        const message = await pasteExample(page, code);
        const file = path.join(SCREENSHOTS, `card-${code}-${scheme}.png`);
        fs.rmSync(file, { force: true });
        await message.locator('.card').screenshot({ path: file });
        files.push(file);
      }
      await context!.close();
      context = undefined;
    }
    for (const file of files) {
      const png = fs.readFileSync(file);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(560); // width from the IHDR chunk
      expect(png.readUInt32BE(20)).toBeLessThanOrEqual(600);
    }
    expect(fs.readFileSync(files[0]!).equals(fs.readFileSync(files[2]!))).toBe(false);
  }, 60_000);
});

describe('no dead ends, walked in the browser', () => {
  it('Cancel brings the diagnosis back with its buttons; Undo says the error returns and offers Fix now again', async () => {
    await open('en-US');
    const message = await pasteExample(page, '4.4.316');
    await message.getByRole('button', { name: 'Fix now', exact: true }).click();
    const cancel = message.getByRole('button', { name: 'Cancel', exact: true });
    await cancel.waitFor({ timeout: 10_000 });
    // Short buttons, never cut, under the full sentences.
    for (const name of ['Do both', 'Disable connector', 'Change domain type'])
      expect(await message.getByRole('button', { name, exact: true }).isVisible()).toBe(true);
    await cancel.click();
    await message.locator('.card', { hasText: 'Cancelled: nothing was changed.' }).waitFor({ timeout: 10_000 });
    expect(await message.getByRole('button', { name: 'Fix now', exact: true }).isVisible()).toBe(true);
    expect(await message.getByRole('button', { name: 'Run diagnostics', exact: true }).isVisible()).toBe(true);

    await message.getByRole('button', { name: 'Fix now', exact: true }).click();
    await message.getByRole('button', { name: 'Disable connector', exact: true }).click();
    await message.getByRole('button', { name: 'Undo', exact: true }).waitFor({ timeout: 10_000 });
    await message.getByRole('button', { name: 'Undo', exact: true }).click();
    await message.locator('.card', { hasText: 'the error comes back' }).waitFor({ timeout: 10_000 });
    expect(await message.getByRole('button', { name: 'Fix now', exact: true }).isVisible()).toBe(true);
  }, 60_000);

  it('a press by someone who may not fix keeps the diagnosis and says who may', async () => {
    const strict = await startBot({ ADMIN_USERS: '00000000-0000-4000-8000-000000000001' });
    try {
      ({ context, page, problems } = await openPlayground(browser, strict.url));
      const message = await pasteExample(page, '4.4.316');
      await message.getByRole('button', { name: 'Fix now', exact: true }).click();
      await message.locator('.card', { hasText: 'Fix now is for the Exchange admins' }).waitFor({ timeout: 10_000 });
      const text = await message.locator('.card').innerText();
      expect(text).toContain('450 4.4.316 Connection refused');
      expect(text).toContain('ADMIN_USERS');
      expect(await message.getByRole('button', { name: 'Run diagnostics', exact: true }).isVisible()).toBe(true);
    } finally {
      await context?.close();
      context = undefined;
      await strict.stop();
    }
  }, 60_000);
});
