// Debian's Chromium for the browser tests, driven by playwright-core. Without it the tests are
// skipped with a reason, except under CI=true, where a missing browser is a failure.
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

/** The `skip` option of a browser test: a reason when Chromium is missing outside CI, else false. */
export const skipWithoutChromium: string | false =
  !hasChromium && process.env['CI'] !== 'true' ? `${CHROMIUM} is not installed (apt-get install chromium); browser tests skipped` : false;

/** A headless Chromium with nothing of its own reaching the network. */
export async function launchChromium(): Promise<Browser> {
  if (!hasChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: install it with apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * A browser context of the tests' usual size whose pages report every console error (but those
 * `expected` matches: statuses answered on purpose) and every uncaught page error to `errors`.
 */
export async function watchedContext(browser: Browser, errors: string[], expected: RegExp, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...options });
  context.setDefaultTimeout(8000);
  context.on('page', (page) => {
    page.on('console', (message) => {
      if (message.type() === 'error' && !expected.test(message.text())) errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  });
  return context;
}
