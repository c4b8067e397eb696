// People and the trial's fixes in a real browser (Debian's Chromium through playwright-core):
// an admin manages users at /admin/users, the history page fits a phone, the signed-in header
// stays one line at 1280 px, and text typed as one's own for a conflict is kept without
// JavaScript. Skipped without /usr/bin/chromium (or CHROMIUM_PATH), except under CI=true.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, skipWithoutChromium, watchedContext } from '../support/chromium.js';
import { addUser, passwordOf } from '../support/accounts.js';
import { getPage } from '../support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from '../support/server.js';

const skip = skipWithoutChromium;

const LONG_NAME = 'a-rather-long-user-name-from-the-team-trial';

let server: RunningServer;
let browser: Browser;
let base: string;
const consoleErrors: string[] = [];

// A collided save is answered 409 on purpose; the browser logs it.
const newContext = (options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> => watchedContext(browser, consoleErrors, /status of 409/, options);

async function signInAs(context: BrowserContext, name: string, password = passwordOf(name)): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#username', name);
  await page.fill('#password', password);
  await page.click('form.sign-in button.primary');
  await page.waitForURL(`${base}/`);
  return page;
}

/** The visible text of one user's card on /admin/users. */
const card = (page: Page, name: string) => page.locator(`li.user-card#user-${name}`);

describe('people and the trial fixes in Chromium', () => {
  before(async () => {
    if (skip) return;
    const dataDir = tempDir();
    await Promise.all([addUser({ dataDir }, 'boss', 'admin'), addUser({ dataDir }, LONG_NAME, 'editor')]);
    server = await startServer({ dataDir, args: ['--auth', 'accounts'] });
    base = server.url;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('an admin adds a user with a generated password, changes their role and disables them', { skip }, async () => {
    const context = await newContext();
    const page = await signInAs(context, 'boss');
    await page.click('header.site a.admin');
    await page.waitForURL(`${base}/admin/users`);
    await page.fill('#new-name', 'newbie');
    await page.selectOption('#new-role', 'reader');
    await page.click('section.add-user button.primary');
    await page.waitForURL(/\/admin\/users\?notice=/);
    assert.match(await page.innerText('.notice.success'), /Added newbie \(reader\)\./);
    const password = await page.inputValue('.notice.success input.token-value');
    assert.ok(password.length >= 16);

    // The new user signs in with it, in a browser of their own.
    const theirs = await newContext();
    const newbie = await signInAs(theirs, 'newbie', password);
    assert.equal(await newbie.locator('nav.tabs a:has-text("Edit")').count(), 0);

    await card(page, 'newbie').locator('select[name="role"]').selectOption('editor');
    await card(page, 'newbie').locator('button:has-text("Change role")').click();
    await page.waitForSelector('.notice.success');
    assert.match(await page.innerText('.notice.success'), /newbie is now editor\./);
    assert.equal(await card(page, 'newbie').locator('.role').innerText(), 'editor');

    await card(page, 'newbie').locator('button:has-text("Disable")').click();
    await page.waitForSelector('.notice.success');
    assert.match(await page.innerText('.notice.success'), /Disabled newbie; ended 1 session/);
    assert.match(String(await card(page, 'newbie').getAttribute('class')), /\bdisabled\b/);
    await newbie.reload();
    assert.equal(await newbie.locator('header.site a[href="/login"]').count(), 1, 'the disabled user is signed out');

    // The last admin cannot disable themselves: a page says why, and nothing changes.
    await page.goto(`${base}/admin/users`);
    await card(page, 'boss').locator('button:has-text("Disable")').click();
    assert.match(await page.innerText('main'), /no enabled admin/);
    await page.goto(`${base}/admin/users`);
    assert.doesNotMatch(String(await card(page, 'boss').getAttribute('class')), /\bdisabled\b/);
    await context.close();
    await theirs.close();
  });

  it('the history page does not scroll sideways on a 390 px phone', { skip }, async () => {
    const name = 'Onboarding Guide For New Team Members';
    const context = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await signInAs(context, 'boss');
    for (let i = 1; i <= 3; i++) {
      await page.goto(`${base}/wiki/${encodeURIComponent(name)}/edit`);
      await page.fill('#content', `revision ${i}\n`.repeat(i * 3));
      await page.fill('#summary', `a long summary of change ${i} that a person wrote to explain it`);
      await page.click('form.page-save button.primary');
      await page.waitForURL(`${base}/wiki/${encodeURIComponent(name)}`);
    }
    await page.goto(`${base}/wiki/${encodeURIComponent(name)}/history`);
    assert.equal(await page.locator('table.revisions tbody tr').count(), 3);
    const scrollWidth = await page.evaluate(() => document.scrollingElement!.scrollWidth);
    assert.ok(scrollWidth <= 390, `scrollWidth ${scrollWidth} on a 390 px screen`);
    await context.close();
  });

  it('the signed-in header is one line at 1280 px, even with a long user name', { skip }, async () => {
    const context = await newContext({ viewport: { width: 1280, height: 800 } });
    for (const who of [LONG_NAME, 'boss']) {
      const page = await signInAs(context, who);
      const rows = await page.evaluate(() => {
        const bar = document.querySelector('header.site .bar')!;
        return [...bar.children].map((child) => {
          const box = child.getBoundingClientRect();
          return { name: child.className || child.tagName, top: box.top, bottom: box.bottom };
        });
      });
      const lowestTop = Math.max(...rows.map((r) => r.top));
      const highestBottom = Math.min(...rows.map((r) => r.bottom));
      assert.ok(lowestTop < highestBottom, `${who}: every part of the header shares one line: ${JSON.stringify(rows)}`);
      assert.equal(await page.evaluate(() => document.scrollingElement!.scrollWidth <= 1280), true);
      assert.equal(await page.locator('header.site .account a.name').innerText(), who, 'the whole name is there (cut short by CSS only)');
      await page.click('header.site button:has-text("Sign out")');
      await page.waitForURL(`${base}/`);
    }
    await context.close();
  });

  it('without JavaScript, text typed as one’s own for a conflict is kept without choosing its button', { skip }, async () => {
    const context = await newContext({ javaScriptEnabled: false });
    const page = await signInAs(context, 'boss');
    const name = 'Typed Words';
    await page.goto(`${base}/wiki/${encodeURIComponent(name)}/edit`);
    await page.fill('#content', 'alpha\nbeta\ngamma\n');
    await page.click('form.page-save button.primary');
    await page.waitForURL(`${base}/wiki/${encodeURIComponent(name)}`);

    await page.goto(`${base}/wiki/${encodeURIComponent(name)}/edit`);
    // Someone else changes the same line meanwhile (a second browser of the admin's).
    const other = await newContext();
    const theirs = await signInAs(other, 'boss');
    await theirs.goto(`${base}/wiki/${encodeURIComponent(name)}/edit`);
    await theirs.fill('#content', 'alpha\nBETA\ngamma\n');
    await theirs.click('form.page-save button.primary');
    await theirs.waitForURL(`${base}/wiki/${encodeURIComponent(name)}`);

    await page.fill('#content', 'alpha\nb-e-t-a\ngamma\n');
    await page.click('form.page-save button.primary');
    await page.waitForSelector('fieldset.conflict');
    await page.fill('#edit-0', 'Beta, as agreed\n');
    assert.equal(await page.isChecked('input[name="choice-0"][value="edit"]'), false, 'no script ticks the button');
    await page.click('form.page-save button.primary');
    await page.waitForURL(`${base}/wiki/${encodeURIComponent(name)}`);
    assert.equal((await getPage(base, name)).text(), 'alpha\nBeta, as agreed\ngamma\n');
    await context.close();
    await other.close();
  });

  it('no page logged an error or a Content-Security-Policy violation', { skip }, () => {
    assert.deepEqual(consoleErrors, []);
  });
});
