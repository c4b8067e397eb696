// The wiki in a real browser: Debian's Chromium driven by playwright-core. Without
// /usr/bin/chromium (or CHROMIUM_PATH) these tests are skipped with a reason, except under
// CI=true, where a missing browser is a failure.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, skipWithoutChromium } from '../support/chromium.js';
import { addUser, passwordOf } from '../support/accounts.js';
import { createPage, getPage, putPage } from '../support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from '../support/server.js';

const skip = skipWithoutChromium;

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

async function signInAs(context: BrowserContext, wiki: string, name: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${wiki}/login`);
  await page.fill('#username', name);
  await page.fill('#password', passwordOf(name));
  await page.click('form.sign-in button.primary');
  await page.waitForURL(`${wiki}/`);
  return page;
}

async function replaceLine(page: Page, from: string, to: string): Promise<void> {
  const text = await page.inputValue('#content');
  assert.ok(text.includes(from), `the editor has "${from}"`);
  await page.fill('#content', text.replace(from, to));
}

/**
 * After saving from a merge or resolution screen, whose URL already is the page's: wait for the
 * page itself, not only its URL (which holds before the save has even been sent).
 */
async function shown(page: Page, name: string): Promise<void> {
  await page.waitForURL(pageUrl(name));
  await page.waitForSelector('article.page .markdown');
}

const text = '# Plan\n\nWe ship on Monday.\n\n## Tasks\n\n- Write the notes\n- Tag the build\n- Tell the users\n\n## Owners\n\nAna runs it.\n';

describe('the wiki in Chromium', () => {
  before(async () => {
    if (skip) return;
    server = await startServer();
    base = server.url;
    browser = await launchChromium();
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
    // Anonymous editors are not asked for a name, and are shown as "someone".
    assert.equal(await anaPage.locator('[data-presence-name], #editor-name').count(), 0);
    await boPage.waitForSelector('#presence:not([hidden])');
    assert.match(await boPage.innerText('#presence'), /^Also editing this page now: someone\. /);

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
    await shown(boPage, 'Shared Plan');
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
    await shown(boPage, 'Clash');
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
    await shown(page, 'Own Words');
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
    await shown(page, 'No Script');
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
    await shown(page, 'No Script');
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
      // Filter-evasion classics: encoded, split and disguised schemes, and markup that runs script without <script>.
      '[tab](jav&#x09;ascript:window.__pwned="tab")',
      '[hex](&#x6A;&#x61;vascript:window.__pwned="hex")',
      '[colon](javascript&colon;window.__pwned="colon")',
      '[space]( javascript:window.__pwned="space")',
      '[angle](<javascript:window.__pwned="angle">)',
      '[vb](vbscript:window.__pwned="vb")',
      '[svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDUpIi8+)',
      '![svg image](data:image/svg+xml;utf8,<svg onload="window.__pwned=\'svgimg\'"/>)',
      '<IMG SRC=JaVaScRiPt:window.__pwned="upper">',
      '<iframe src="javascript:window.__pwned=\'iframe\'"></iframe>',
      '<math><a xlink:href="javascript:window.__pwned=\'math\'">math</a></math>',
      '<div style="background:url(javascript:window.__pwned=\'style\')">styled</div>',
      '<a href="javascript:window.__pwned=\'raw\'" onclick="window.__pwned=\'click\'">raw anchor</a>',
      'https://example.org/"onmouseover="window.__pwned=\'linkify\'"',
      '[[Home|x" onmouseover="window.__pwned=\'wikilabel\']]',
      '[[javascript:window.__pwned="wikitarget"]]',
      '&lt;script&gt;window.__pwned="entity text"&lt;/script&gt;',
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
        // What the browser would follow: a relative URL stays on this site, whatever it looks like.
        if (url && !['http:', 'https:'].includes(new URL(url, document.baseURI).protocol)) bad.push(`${el.tagName} ${url}`);
      }
      return bad;
    });
    assert.deepEqual(found, []);
    // The text of each attack is shown, as text.
    assert.match(await page.innerText('.markdown'), /<script>window.__pwned/);
    await ctx.close();
  });

  it('the Content-Security-Policy stops a script injected into a page', { skip }, async () => {
    // A context of its own: the violation it provokes is logged, on purpose.
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on('console', (message) => violations.push(message.text()));
    await createPage(base, 'Injected', 'Plain text.\n');
    const response = await page.goto(pageUrl('Injected'));
    assert.match(String(response?.headers()['content-security-policy']), /script-src 'self'/);
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inline = "ran"';
      document.body.append(script);
      const img = document.createElement('img');
      img.setAttribute('src', 'x');
      img.setAttribute('onerror', 'window.__inline = "handler ran"');
      document.body.append(img);
    });
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => (window as unknown as { __inline?: string }).__inline), undefined);
    assert.ok(violations.some((text) => /Content Security Policy/.test(text)), 'Chromium reports the violation');
    await ctx.close();
  });

  it('signed in, a page of another origin cannot post or fetch with the cookie; our own pages can', { skip }, async () => {
    const dataDir = tempDir();
    await addUser({ dataDir }, 'ana', 'editor');
    await addUser({ dataDir }, 'bo', 'editor');
    const wiki = await startServer({ dataDir, args: ['--auth', 'accounts'] });
    // Another port on 127.0.0.1: the same site, so SameSite=Lax still sends the cookie; only the origin differs.
    let etag = '';
    const evil = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><title>Win a prize</title>
<form method="post" action="${wiki.url}/wiki/Guarded"><input type="hidden" name="content" value="defaced"><input type="hidden" name="baseEtag" value='${etag}'><button>Claim</button></form>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
    const wikiSource = async () => (await getPage(wiki.url, 'Guarded')).text();
    const ctx = await browser.newContext();
    ctx.setDefaultTimeout(8000);
    try {
      const page = await ctx.newPage();
      await page.goto(`${wiki.url}/login`);
      await page.fill('#username', 'ana');
      await page.fill('#password', passwordOf('ana'));
      await page.click('form.sign-in button.primary');
      await page.waitForURL(`${wiki.url}/`);
      assert.equal(await page.textContent('header .account a'), 'ana');
      assert.equal((await ctx.cookies())[0]?.httpOnly, true);

      await page.goto(`${wiki.url}/wiki/Guarded/edit`);
      await page.fill('#content', 'original\n');
      // Signed-in editors are never asked for a name: each sees the other's account name.
      assert.equal(await page.locator('[data-presence-name], #editor-name').count(), 0);
      const boContext = await browser.newContext();
      try {
        const boPage = await signInAs(boContext, wiki.url, 'bo');
        await boPage.goto(`${wiki.url}/wiki/Guarded/edit`);
        await boPage.waitForSelector('#presence:not([hidden])');
        assert.match(await boPage.innerText('#presence'), /^Also editing this page now: ana\. /);
        await page.waitForSelector('#presence:not([hidden])');
        assert.match(await page.innerText('#presence'), /^Also editing this page now: bo\. /);
      } finally {
        await boContext.close();
      }
      await page.click(SAVE);
      await page.waitForURL(`${wiki.url}/wiki/Guarded`);
      etag = (await getPage(wiki.url, 'Guarded')).headers.etag as string;

      // The other origin's form, submitted by the user.
      await page.goto(evilUrl);
      const posted = page.waitForResponse((r) => r.url() === `${wiki.url}/wiki/Guarded`);
      await page.click('button');
      const answer = await posted;
      assert.equal(answer.status(), 403);
      assert.match(await page.innerText('main'), /another site/);
      // Its scripts: a no-cors POST goes out with the cookie and is refused (and its answer is
      // withheld from the page: Cross-Origin-Resource-Policy); a PUT never passes the preflight.
      await page.goto(evilUrl);
      const outcome = await page.evaluate(
        async ({ target, tag }) => {
          const post = await fetch(`${target}/wiki/Guarded`, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `content=defaced&baseEtag=${encodeURIComponent(tag)}` }).then(
            (r) => r.type,
            () => 'failed',
          );
          const put = await fetch(`${target}/api/pages/Guarded`, { method: 'PUT', credentials: 'include', headers: { 'content-type': 'text/markdown', 'if-match': tag }, body: 'defaced' }).then(
            (r) => String(r.status),
            () => 'blocked',
          );
          return { post, put };
        },
        { target: wiki.url, tag: etag },
      );
      assert.deepEqual(outcome, { post: 'failed', put: 'blocked' });
      assert.equal(await wikiSource(), 'original\n', 'nothing from the other origin was saved');

      // Our own editor, with JavaScript (fetch PUT) and the cookie: saved, and the history says who.
      await page.goto(`${wiki.url}/wiki/Guarded/edit`);
      await page.fill('#content', 'ours\n');
      await page.click(SAVE);
      await page.waitForURL(`${wiki.url}/wiki/Guarded`);
      assert.equal(await wikiSource(), 'ours\n');
      await page.goto(`${wiki.url}/wiki/Guarded/history`);
      assert.deepEqual(await page.locator('td.who').allInnerTexts(), ['ana', 'ana']);

      await page.click('header .account button');
      await page.waitForURL(`${wiki.url}/`);
      assert.equal(await page.textContent('header .account a'), 'Sign in');
      assert.equal((await page.goto(`${wiki.url}/wiki/Guarded/edit`))?.status(), 401);
    } finally {
      await ctx.close();
      await new Promise((resolve) => evil.close(resolve));
      await wiki.stop();
      removeDir(wiki.dataDir);
    }
  });

  it('no page logged an error or a Content-Security-Policy violation', { skip }, () => {
    assert.deepEqual(consoleErrors, []);
  });
});
