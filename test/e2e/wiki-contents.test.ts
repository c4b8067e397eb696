// Contents, links to headings, the live preview and the editor's shortcuts, in Debian's
// Chromium driven by playwright-core (skipped with a reason without it, except under CI=true).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, skipWithoutChromium } from '../support/chromium.js';
import { createPage, getPage } from '../support/http.js';
import { type RunningServer, removeDir, startServer } from '../support/server.js';

const skip = skipWithoutChromium;

let server: RunningServer;
let browser: Browser;
let base: string;
/** Console errors of every page (a CSP violation is one), checked at the end. */
const consoleErrors: string[] = [];

const PLAN = 'Intro.\n\n# Plan\n\n## Tasks\n\n| item | cost |\n|:-----|-----:|\n| tea | 3 |\n\n## Owners\n\nAna runs it.\n\n## Tasks\n\nMore tasks.\n';

async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  // Short, so that the page scrolls to a heading.
  const context = await browser.newContext({ viewport: { width: 1100, height: 500 }, ...options });
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  page.on('console', (message) => (message.type() === 'error' ? consoleErrors.push(message.text()) : undefined));
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  return { context, page };
}

/** The id of the element the URL's fragment selects (CSS :target), or null. */
function targetId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector(':target')?.id ?? null);
}

describe('contents, heading links, preview and shortcuts in Chromium', () => {
  before(async () => {
    if (skip) return;
    server = await startServer();
    base = server.url;
    browser = await launchChromium();
    await createPage(base, 'Plan', PLAN);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('a page of three headings or more shows its contents; each entry scrolls to its heading', { skip }, async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/wiki/Plan`);
    const entries = page.locator('nav.contents a');
    assert.deepEqual(await entries.allInnerTexts(), ['Plan', 'Tasks', 'Owners', 'Tasks']);
    await entries.nth(3).click();
    await page.waitForURL(`${base}/wiki/Plan#section-tasks-2`);
    assert.equal(await targetId(page), 'section-tasks-2', 'the second "Tasks" heading, not the first');
    assert.ok(await page.locator('#section-tasks-2').isVisible());
    const { top, scrolled, height } = await page.locator('#section-tasks-2').evaluate((h) => ({ top: h.getBoundingClientRect().top, scrolled: window.scrollY, height: window.innerHeight }));
    assert.ok(scrolled > 0 && top >= 0 && top < height, `the page scrolled to the heading (top ${top}, scrolled ${scrolled})`);
    // Table alignment is a class the stylesheet aligns (an inline style would be blocked by the CSP).
    assert.equal(await page.locator('td', { hasText: '3' }).evaluate((td) => getComputedStyle(td).textAlign), 'right');
    await context.close();
  });

  it('[[Page#Section]] opens the page at the heading; [[#Section]] stays on the page', { skip }, async () => {
    await createPage(base, 'Links', 'See [[Plan#Owners|who runs it]].\n\nAlso [[#Later]].\n\n# Later\n');
    const { context, page } = await newPage();
    await page.goto(`${base}/wiki/Links`);
    await page.click('text=who runs it');
    await page.waitForURL(`${base}/wiki/Plan#section-owners`);
    assert.equal(await targetId(page), 'section-owners');
    assert.equal(await page.textContent(':target'), 'Owners');
    await page.goBack();
    await page.click('a.wikilink[href="#section-later"]');
    await page.waitForURL(`${base}/wiki/Links#section-later`);
    assert.equal(await targetId(page), 'section-later');
    await context.close();
  });

  it('the preview beside the editor follows the text as it is typed, without reloading', { skip }, async () => {
    const { context, page } = await newPage({ viewport: { width: 1300, height: 900 } });
    await page.goto(`${base}/wiki/Preview%20Page/edit`);
    assert.equal(await page.locator('#preview').isHidden(), true, 'nothing to preview yet');
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await page.focus('#content');
    await page.keyboard.type('**Bold move** and [[Plan#Owners|the owners]]');
    await page.waitForSelector('#preview-body strong');
    assert.equal(await page.textContent('#preview-body strong'), 'Bold move');
    assert.equal(await page.getAttribute('#preview-body a.wikilink', 'href'), '/wiki/Plan#section-owners');
    // Side by side on a wide screen.
    const editor = await page.locator('#content').boundingBox();
    const preview = await page.locator('#preview').boundingBox();
    assert.ok(editor && preview && preview.x > editor.x + editor.width - 1, 'the preview is to the right of the text');

    await page.fill('#content', '# Changed\n\nNew words.');
    await page.waitForSelector('#preview-body h1#section-changed');
    assert.equal(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, 'the page was not reloaded');
    assert.equal((await getPage(base, 'Preview Page')).status, 404, 'previewing saved nothing');
    await context.close();
  });

  it('without JavaScript, the Preview button shows the same rendering from the server', { skip }, async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await page.goto(`${base}/wiki/Plain%20Preview/edit`);
    await page.fill('#content', 'Some *stressed* words.');
    await page.click('button[value="preview"]');
    await page.waitForSelector('#preview:not([hidden]) #preview-body em');
    assert.equal(await page.textContent('#preview-body em'), 'stressed');
    assert.equal(await page.inputValue('#content'), 'Some *stressed* words.', 'the text stays in the editor');
    await context.close();
  });

  it('shortcuts: bold, italic, link, preview now, and "?" lists them in a dialog that keeps focus', { skip }, async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/wiki/Keys/edit`);
    const content = page.locator('#content');
    await content.fill('word');
    await content.selectText();
    await page.keyboard.press('Control+b');
    assert.equal(await content.inputValue(), '**word**');
    await content.evaluate((area: HTMLTextAreaElement) => area.setSelectionRange(area.value.length, area.value.length));
    await page.keyboard.type(' ');
    await page.keyboard.press('Control+i');
    await page.keyboard.type('tilted');
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    await page.keyboard.press('Control+k');
    await page.keyboard.type('Plan');
    assert.equal(await content.inputValue(), '**word** *tilted* [[Plan]]');

    const previewed = page.waitForResponse((response) => response.url().endsWith('/wiki/Keys/preview') && response.request().method() === 'POST');
    await page.keyboard.press('Alt+p');
    assert.equal((await previewed).status(), 200);
    await page.waitForSelector('#preview-body a.wikilink[href="/wiki/Plan"]');

    // "?" typed in the text is text; outside a text field it opens the list.
    await page.keyboard.press('End');
    await page.keyboard.type('?');
    assert.equal(await page.locator('#shortcuts').isVisible(), false);
    assert.match(await content.inputValue(), /\?$/);
    await page.locator('button[value="preview"]').focus();
    await page.keyboard.press('?');
    await page.waitForSelector('#shortcuts[open]');
    assert.equal(await page.evaluate(() => document.getElementById('shortcuts')!.contains(document.activeElement)), true, 'focus moved into the dialog');
    assert.match(await page.innerText('#shortcuts'), /Ctrl\s*\+\s*B\s+Bold/);
    await page.keyboard.press('Escape');
    await page.locator('#shortcuts').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.value), 'preview', 'focus went back');

    // The visible button opens it too.
    await page.click('button[data-shortcuts-open]');
    await page.waitForSelector('#shortcuts[open]');
    await page.click('#shortcuts button');
    await page.locator('#shortcuts').waitFor({ state: 'hidden' });
    await context.close();
  });

  it('no page logged an error or a Content-Security-Policy violation', { skip }, () => {
    assert.deepEqual(consoleErrors, []);
  });
});
