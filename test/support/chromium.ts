// Debian's Chromium for the browser tests, driven by playwright-core. Without it the tests are
// skipped with a reason, except under CI=true, where a missing browser is a failure.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

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
