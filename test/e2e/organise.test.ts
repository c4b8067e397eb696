// Organising a wiki in a real browser (Debian's Chromium through playwright-core), on SQLite and
// on PostgreSQL: delete and restore, a move with its redirect and history (without JavaScript),
// the subpage tree and breadcrumbs, and backlinks after a move. Skipped without /usr/bin/chromium
// (or CHROMIUM_PATH), except under CI=true.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, skipWithoutChromium, watchedContext } from '../support/chromium.js';
import { postgresTestOptions, postgresUrl, serverSchema } from '../support/cluster.js';
import { createPage, getPage } from '../support/http.js';
import { TestSchemas } from '../support/postgres.js';
import { type RunningServer, removeDir, startServer } from '../support/server.js';

const noBrowser = skipWithoutChromium;

const wiki = (name: string) => `/wiki/${name.split('/').map(encodeURIComponent).join('/')}`;

function suite(label: string, start: () => Promise<RunningServer>, skip: string | false, cleanup: () => Promise<void> = async () => {}) {
  describe(`organising pages in Chromium, ${label}`, () => {
    let server: RunningServer;
    let browser: Browser;
    let base: string;
    const errors: string[] = [];

    // 404s are answered on purpose (a deleted page, a name that is only a redirect).
    const newContext = (options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> => watchedContext(browser, errors, /status of 404/, options);

    before(async () => {
      if (skip) return;
      server = await start();
      base = server.url;
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      if (server) removeDir(server.dataDir);
      await cleanup();
    });

    it('deletes a page after confirming its revision, then restores it from history', { skip }, async () => {
      await createPage(base, 'Old notes', '# Old notes\n\nKeep this line.\n');
      const context = await newContext();
      const page = await context.newPage();
      await page.goto(`${base}${wiki('Old notes')}`);
      await page.click('nav.tabs a:text-is("Delete")');
      await page.waitForURL(`${base}${wiki('Old notes')}/delete`);
      assert.match(await page.locator('.notice.warning').innerText(), /about to delete Old notes, revision 1/);
      await page.fill('#delete-summary', 'merged elsewhere');
      await page.click('button.danger');
      await page.waitForURL(`${base}${wiki('Old notes')}`);
      assert.match(await page.locator('main').innerText(), /This page was deleted/);
      assert.equal((await getPage(base, 'Old notes')).status, 404);
      await page.click('a:text-is("Restore revision 1")');
      assert.match(await page.inputValue('textarea[name="content"]'), /Keep this line\./);
      await page.click('form.editor button[value="save"]');
      await page.waitForURL(`${base}${wiki('Old notes')}`);
      assert.match(await page.locator('.markdown').innerText(), /Keep this line\./);
      await page.goto(`${base}${wiki('Old notes')}/history`);
      assert.match(await page.locator('main').innerText(), /merged elsewhere/);
      await context.close();
    });

    it('renames a page without JavaScript: the old name shows it, redirected, and the history moved with it', { skip }, async () => {
      await createPage(base, 'Roadmap draft', '# Roadmap\n\nQ3 goals.\n');
      const context = await newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${base}${wiki('Roadmap draft')}/move`);
      await page.fill('#move-to', 'Product/Roadmap');
      await page.fill('#move-summary', 'final name');
      await page.click('form button.primary');
      await page.waitForURL(`${base}${wiki('Product/Roadmap')}`);
      assert.match(await page.locator('.markdown').innerText(), /Q3 goals\./);
      await page.goto(`${base}${wiki('Roadmap draft')}`);
      assert.match(await page.locator('.redirected-from').innerText(), /Redirected from Roadmap draft/);
      assert.match(await page.locator('.markdown').innerText(), /Q3 goals\./);
      await page.click('nav.tabs a:text-is("History")');
      await page.waitForURL(`${base}${wiki('Product/Roadmap')}/history`);
      assert.match(await page.locator('main').innerText(), /Moved from "Roadmap draft": final name/);
      // The redirect itself, to replace it.
      await page.goto(`${base}${wiki('Roadmap draft')}`);
      await page.click('.redirected-from a');
      assert.match(await page.locator('.notice.redirect').innerText(), /redirects to Product\/Roadmap/);
      await context.close();
    });

    it('shows the subpage tree on /wiki and breadcrumbs that lead up', { skip }, async () => {
      await createPage(base, 'Team', '# Team\n');
      await createPage(base, 'Team/Onboarding', '# Onboarding\n');
      await createPage(base, 'Team/Onboarding/Week 1', '# Week 1\n');
      await createPage(base, 'Team B', '# Another team\n');
      const context = await newContext();
      const page = await context.newPage();
      await page.goto(`${base}/wiki`);
      const team = page.locator('ul.tree > li', { has: page.locator(':scope > a:text-is("Team")') });
      assert.equal(await team.locator(':scope > ul.subtree > li > a').first().innerText(), 'Onboarding');
      assert.equal(await team.locator('ul.subtree ul.subtree > li > a').first().innerText(), 'Week 1');
      await team.locator('a:text-is("Week 1")').click();
      await page.waitForURL(`${base}${wiki('Team/Onboarding/Week 1')}`);
      assert.deepEqual(await page.locator('nav.breadcrumbs li').allInnerTexts(), ['Team', 'Onboarding', 'Week 1']);
      await page.click('nav.breadcrumbs a:text-is("Team")');
      await page.waitForURL(`${base}${wiki('Team')}`);
      assert.deepEqual(await page.locator('section.subpages li').allInnerTexts(), ['Onboarding']);
      await context.close();
    });

    it('keeps What links here right after a move, and the old link leads on', { skip }, async () => {
      await createPage(base, 'Glossary', '# Glossary\n');
      await createPage(base, 'Style guide', 'Terms are in [[Glossary]].\n');
      const context = await newContext();
      const page = await context.newPage();
      await page.goto(`${base}${wiki('Glossary')}`);
      assert.deepEqual(await page.locator('section.backlinks li').allInnerTexts(), ['Style guide']);
      await page.click('nav.tabs a:text-is("Move")');
      await page.fill('#move-to', 'Reference/Glossary');
      await page.click('form button.primary');
      await page.waitForURL(`${base}${wiki('Reference/Glossary')}`);
      assert.match((await page.locator('section.backlinks li').allInnerTexts()).join('\n'), /Style guide \(through the redirect Glossary\)/);
      await page.click('section.backlinks a:text-is("Style guide")');
      await page.waitForURL(`${base}${wiki('Style guide')}`);
      const link = page.locator('.markdown a.wikilink');
      assert.equal(await link.getAttribute('class'), 'wikilink', 'not red');
      await link.click();
      await page.waitForURL(`${base}${wiki('Glossary')}`);
      assert.match(await page.locator('.redirected-from').innerText(), /Redirected from Glossary/);
      assert.match(await page.locator('h1').first().innerText(), /Reference\/Glossary/);
      await context.close();
      assert.deepEqual(errors, []);
    });
  });
}

suite('SQLite', () => startServer(), noBrowser);

const schemas = new TestSchemas(postgresUrl);
const postgres = postgresTestOptions();
suite('PostgreSQL', async () => startServer({ env: { DATABASE_URL: await serverSchema(schemas) } }), noBrowser || (postgres.skip ?? false), () => schemas.close());
