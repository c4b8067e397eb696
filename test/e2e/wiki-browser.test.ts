// The wiki in a real browser: Debian's Chromium driven by playwright-core. Without
// /usr/bin/chromium (or CHROMIUM_PATH) these tests are skipped with a reason, except under
// CI=true, where a missing browser is a failure.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createPage, getPage, putPage } from '../support/http.js';
import { type RunningServer, removeDir, startServer } from '../support/server.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const skip = !hasChromium && process.env['CI'] !== 'true' ? `${CHROMIUM} is not installed (apt-get install chromium); browser tests skipped` : false;

let server: RunningServer;
let browser: Browser;
let base: string;
/** Console errors of every page (a CSP violation is one), checked at the end. */
const consoleErrors: string[] = [];

async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...options });
  context.setDefaultTimeout(8000);
  context.on('page', (page) => watch(page));
  return context;
}

function watch(page: Page): void {
  page.on('console', (message) => {
    // A collided save is answered 412 and then 409 on purpose; the browser logs both.
    if (message.type() === 'error' && !/status of 4(09|12)/.test(message.text())) consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
}

/** The save button of the page's save form (the draft offer has a primary button too). */
const SAVE = 'form.page-save button.primary';

const pageUrl = (name: string, suffix = '') => `${base}/wiki/${encodeURIComponent(name)}${suffix}`;

async function source(name: string): Promise<string> {
  return (await getPage(base, name)).text();
}

async function openEditor(context: BrowserContext, name: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(pageUrl(name, '/edit'));
  return page;
}

async function replaceLine(page: Page, from: string, to: string): Promise<void> {
  const text = await page.inputValue('#content');
  assert.ok(text.includes(from), `the editor has "${from}"`);
  await page.fill('#content', text.replace(from, to));
}

const text = '# Plan\n\nWe ship on Monday.\n\n## Tasks\n\n- Write the notes\n- Tag the build\n- Tell the users\n\n## Owners\n\nAna runs it.\n';

describe('the wiki in Chromium', () => {
  before(async () => {
    if (skip) return;
    if (!hasChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: install it with apt-get install chromium`);
    server = await startServer();
    base = server.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('creates a page and edits it, with JavaScript (fetch PUT with If-Match)', { skip }, async () => {
    const context = await newContext();
    const page = await openEditor(context, 'Browser Page');
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(`${request.headers()['if-none-match'] ?? ''}|${request.headers()['if-match'] ?? ''}`);
    });
    await page.fill('#content', 'First **bold** line.\nSee [[Nobody Wrote This]].\n');
    await page.fill('#summary', 'created in the browser');
    await page.click(SAVE);
    await page.waitForURL(pageUrl('Browser Page'));
    assert.equal(await page.textContent('.markdown strong'), 'bold');
    assert.equal(await page.getAttribute('a.wikilink.missing', 'href'), '/wiki/Nobody%20Wrote%20This/edit');

    await page.click('nav.tabs >> text=Edit');
    await replaceLine(page, 'First', 'Second');
    await page.keyboard.press('Control+s');
    await page.waitForURL(pageUrl('Browser Page'));
    assert.equal(await source('Browser Page'), 'Second **bold** line.\nSee [[Nobody Wrote This]].\n');
    assert.equal(puts.length, 2);
    assert.equal(puts[0], '*|', 'the first save is create-only');
    assert.match(puts[1]!, /^\|"[^"]+"$/, 'the second save carries If-Match');
    await context.close();
  });

  it('two editors, different lines: a live warning, then a merge of both changes', { skip }, async () => {
    await createPage(base, 'Shared Plan', text);
    const ana = await newContext();
    const bo = await newContext();
    const anaPage = await openEditor(ana, 'Shared Plan');
    const boPage = await openEditor(bo, 'Shared Plan');
    await anaPage.fill('[data-presence-name]', 'Ana');
    await boPage.waitForSelector('#presence:not([hidden]) >> text=Ana');

    await replaceLine(anaPage, 'Monday', 'Tuesday');
    await anaPage.click(SAVE);
    await anaPage.waitForURL(pageUrl('Shared Plan'));

    // Bo is told before saving.
    const warning = boPage.locator('#live-warning');
    await warning.waitFor({ state: 'visible' });
    assert.match(await warning.innerText(), /This page changed while you were editing — revision 2/);

    await replaceLine(boPage, 'Ana runs it.', 'Bo runs it.');
    await boPage.click(SAVE);
    await boPage.waitForSelector('.collision.merged');
    assert.match(await boPage.innerText('.notice.success'), /Merged with the change anonymous made at/);
    assert.match(await boPage.innerText('table.diff'), /Bo runs it\./);
    await boPage.click(SAVE);
    await boPage.waitForURL(pageUrl('Shared Plan'));
    assert.equal(await source('Shared Plan'), text.replace('Monday', 'Tuesday').replace('Ana runs it.', 'Bo runs it.'));
    await ana.close();
    await bo.close();
  });

  it('two editors, the same line: the resolution screen, and the chosen text of both is saved', { skip }, async () => {
    await createPage(base, 'Clash', text);
    const ana = await newContext();
    const bo = await newContext();
    const anaPage = await openEditor(ana, 'Clash');
    const boPage = await openEditor(bo, 'Clash');
    await replaceLine(anaPage, 'We ship on Monday.', 'We ship on Tuesday.');
    await anaPage.click(SAVE);
    await anaPage.waitForURL(pageUrl('Clash'));

    await replaceLine(boPage, 'We ship on Monday.', 'We ship when it is ready.');
    await replaceLine(boPage, '- Tell the users', '- Tell the users by mail');
    await boPage.click(SAVE);
    await boPage.waitForSelector('fieldset.conflict');
    assert.equal(await boPage.locator('fieldset.conflict').count(), 1);
    assert.equal(await boPage.textContent('pre[data-text="mine"]'), 'We ship when it is ready.\n');
    assert.equal(await boPage.textContent('pre[data-text="theirs"]'), 'We ship on Tuesday.\n');
    assert.match(await boPage.inputValue('#content'), /^<<<<<<< mine$/m);

    // Saving with a conflict left open is held back, and says why.
    await boPage.click(SAVE);
    assert.match(await boPage.innerText('[data-save-status]'), /Choose what to keep for conflict 1/);
    assert.equal(await source('Clash'), text.replace('Monday', 'Tuesday'));

    await boPage.check('input[name="choice-0"][value="both"]');
    const whole = await boPage.inputValue('#content');
    assert.doesNotMatch(whole, /<<<<<<<|>>>>>>>/);
    assert.match(whole, /We ship when it is ready\.\nWe ship on Tuesday\./);
    await boPage.click(SAVE);
    await boPage.waitForURL(pageUrl('Clash'));
    assert.equal(
      await source('Clash'),
      text.replace('We ship on Monday.', 'We ship when it is ready.\nWe ship on Tuesday.').replace('- Tell the users', '- Tell the users by mail'),
    );

    // History and diff show both people's revisions.
    const history = await boPage.goto(pageUrl('Clash', '/history'));
    assert.equal(history?.status(), 200);
    assert.equal(await boPage.locator('table.revisions tbody tr').count(), 3);
    await boPage.click('button:has-text("Compare selected revisions")');
    await boPage.waitForURL((url) => url.pathname.endsWith('/diff') && url.searchParams.get('from') === '2' && url.searchParams.get('to') === '3');
    assert.match(await boPage.innerText('table.diff'), /We ship when it is ready\./);
    assert.equal(await boPage.locator('table.diff ins').first().innerText(), ' by mail');
    await boPage.goto(pageUrl('Clash', '/diff?from=1&to=2'));
    assert.match(await boPage.innerText('table.diff tr.added'), /Tuesday/);
    await ana.close();
    await bo.close();
  });

  it('a resolution can also be written by hand for one conflict ("Write my own")', { skip }, async () => {
    await createPage(base, 'Own Words', 'alpha\nbeta\ngamma\n');
    const ctx = await newContext();
    const page = await openEditor(ctx, 'Own Words');
    const etag = (await getPage(base, 'Own Words')).headers.etag as string;
    await putPage(base, 'Own Words', 'alpha\nBETA\ngamma\n', { 'if-match': etag });
    await replaceLine(page, 'beta', 'b-e-t-a');
    await page.click(SAVE);
    await page.waitForSelector('fieldset.conflict');
    await page.fill('#edit-0', 'Beta, agreed\n');
    assert.equal(await page.isChecked('input[name="choice-0"][value="edit"]'), true, 'typing chooses one’s own text');
    await page.click(SAVE);
    await page.waitForURL(pageUrl('Own Words'));
    assert.equal(await source('Own Words'), 'alpha\nBeta, agreed\ngamma\n');
    await ctx.close();
  });

  it('an unsaved draft survives a reload and is offered back', { skip }, async () => {
    await createPage(base, 'Drafty', 'original\n');
    const ctx = await newContext();
    const page = await openEditor(ctx, 'Drafty');
    await page.fill('#content', 'original\nand half a thought\n');
    await page.waitForTimeout(600); // the draft is written 400 ms after the last keystroke
    await page.reload();
    await page.waitForSelector('#draft-offer:not([hidden])');
    assert.equal(await page.inputValue('#content'), 'original\n');
    await page.click('#draft-offer >> text=Restore draft');
    assert.equal(await page.inputValue('#content'), 'original\nand half a thought\n');
    await page.click(SAVE);
    await page.waitForURL(pageUrl('Drafty'));
    await page.goto(pageUrl('Drafty', '/edit'));
    assert.equal(await page.isHidden('#draft-offer'), true, 'a saved draft is gone');
    await ctx.close();
  });

  it('without JavaScript, the form saves and a collision gets the server-rendered merge screen', { skip }, async () => {
    const ctx = await newContext({ javaScriptEnabled: false });
    const page = await openEditor(ctx, 'No Script');
    await page.fill('#content', 'one\ntwo\nthree\nfour\n');
    await page.click(SAVE);
    await page.waitForURL(pageUrl('No Script'));
    assert.equal(await source('No Script'), 'one\ntwo\nthree\nfour\n');

    await page.goto(pageUrl('No Script', '/edit'));
    const etag = (await getPage(base, 'No Script')).headers.etag as string;
    await putPage(base, 'No Script', 'ONE\ntwo\nthree\nfour\n', { 'if-match': etag });
    await replaceLine(page, 'four', 'FOUR');
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.click(SAVE);
    assert.equal((await response).status(), 409);
    await page.waitForSelector('.collision.merged');
    await page.click(SAVE);
    await page.waitForURL(pageUrl('No Script'));
    assert.equal(await source('No Script'), 'ONE\ntwo\nthree\nFOUR\n');

    // And the same line: the resolution screen works as a plain form.
    await page.goto(pageUrl('No Script', '/edit'));
    const now = (await getPage(base, 'No Script')).headers.etag as string;
    await putPage(base, 'No Script', 'ONE\n2\nthree\nFOUR\n', { 'if-match': now });
    await replaceLine(page, 'two', 'deux');
    await page.click(SAVE);
    await page.waitForSelector('fieldset.conflict');
    await page.check('input[name="choice-0"][value="theirs"]');
    await page.click(SAVE);
    await page.waitForURL(pageUrl('No Script'));
    assert.equal(await source('No Script'), 'ONE\n2\nthree\nFOUR\n');
    await ctx.close();
  });

  it('a reload of an unchanged page is answered 304', { skip }, async () => {
    await createPage(base, 'Cached', 'Nothing changes here.\n');
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(pageUrl('Cached'));
    // Chromium hands the page the cached 200 it revalidated; the status on the wire is in
    // the DevTools protocol's network events.
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    const urls = new Map<string, string>();
    const statuses: number[] = [];
    cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
    cdp.on('Network.responseReceivedExtraInfo', (event) => {
      if (urls.get(event.requestId) === pageUrl('Cached')) statuses.push(event.statusCode);
    });
    const validators: string[] = [];
    page.on('response', async (response) => {
      if (response.url() === pageUrl('Cached')) validators.push((await response.request().allHeaders())['if-none-match'] ?? '');
    });
    await page.reload();
    await page.waitForTimeout(100);
    assert.deepEqual(statuses, [304]);
    assert.match(validators[0] ?? '', /^"[^"]+"$/, 'the reload sent the ETag back');
    assert.equal(await page.textContent('.markdown p'), 'Nothing changes here.');
    await ctx.close();
  });

  it('hostile Markdown renders inert: no dialog, no script, no handler, even with CSP bypassed', { skip }, async () => {
    const attacks = [
      '<script>window.__pwned = "script"; alert(1)</script>',
      '<img src="x" onerror="window.__pwned = \'img\'; alert(2)">',
      '<svg onload="window.__pwned = \'svg\'"></svg>',
      '[js link](javascript:window.__pwned="link";alert(3))',
      '[mixed case](JaVaScRiPt:window.__pwned="case")',
      '[entity](&#106;avascript:window.__pwned="entity")',
      '<javascript:window.__pwned="autolink">',
      '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==)',
      '![img](javascript:window.__pwned="image")',
      '[[Home|<img src=x onerror="window.__pwned=\'label\'">]]',
      '[t](https://example.org "x\\" onmouseover=\\"window.__pwned=\'title\'")',
    ].join('\n\n');
    await createPage(base, 'Hostile', `${attacks}\n`);
    // CSP would stop inline script anyway; bypass it so the renderer alone is tested.
    const ctx = await newContext({ bypassCSP: true });
    const page = await ctx.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(pageUrl('Hostile'));
    for (const link of await page.locator('.markdown a').all()) await link.hover();
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs, []);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
    const found = await page.evaluate(() => {
      const bad: string[] = [];
      for (const el of document.querySelectorAll('.markdown *')) {
        if (['SCRIPT', 'IFRAME', 'SVG', 'OBJECT', 'EMBED', 'STYLE'].includes(el.tagName.toUpperCase())) bad.push(el.tagName);
        for (const attr of el.getAttributeNames()) if (attr.startsWith('on')) bad.push(`${el.tagName}[${attr}]`);
        const url = el.getAttribute('href') ?? el.getAttribute('src');
        if (url && !/^(https?:|\/|#)/.test(url)) bad.push(`${el.tagName} ${url}`);
      }
      return bad;
    });
    assert.deepEqual(found, []);
    // The text of each attack is shown, as text.
    assert.match(await page.innerText('.markdown'), /<script>window.__pwned/);
    await ctx.close();
  });

  it('no page logged an error or a Content-Security-Policy violation', { skip }, () => {
    assert.deepEqual(consoleErrors, []);
  });
});
