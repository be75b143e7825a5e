import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

// Debian's Chromium; CI installs it (apt-get install chromium). Missing is a failure, never a skip.
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the playground browser tests need it. Install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  // Playwright gives the browser a fresh temporary profile (user data dir) and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh context and page on the playground, with every console error, page error and dialog collected. */
export async function openPlayground(
  browser: Browser,
  url: string,
  opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const problems: string[] = [];
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, colorScheme: opts.colorScheme ?? 'light' });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  return { context, page, problems };
}

/** Clicks an example chip and returns the bot's answer (that message, whatever comes after it). */
export async function pasteExample(page: Page, code: string): Promise<Locator> {
  const messages = page.locator('article.message.bot');
  const before = await messages.count();
  await page.locator(`.chip[data-code="${code}"]`).click();
  // A locator wait, not waitForFunction: the page's content security policy forbids evaluating strings.
  await messages.nth(before).locator('.ac-adaptiveCard').waitFor({ timeout: 10_000 });
  const id = await messages.nth(before).getAttribute('data-activity-id');
  return page.locator(`article.message.bot[data-activity-id="${id}"]`);
}
