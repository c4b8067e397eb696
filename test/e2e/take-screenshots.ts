// Takes the README's screenshots into docs/screenshots/: the page view (desktop and phone),
// the editor with a live warning and presence, the merge and resolution screens, a diff, a
// subpage with breadcrumbs and backlinks, the page tree, move, a redirected page and delete.
// Run after `npm run build`: node --import tsx test/e2e/take-screenshots.ts
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createPage, getPage, putPage } from '../support/http.js';
import { removeDir, startServer } from '../support/server.js';
import { addUser, passwordOf } from '../support/accounts.js';

const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

const PAGE = `# 412 Precondition Failed

A server answers **412 Precondition Failed** when a condition in the request's
conditional headers does not hold, so the change it asked for is *not* applied.
In midair this is how an edit made from a stale copy is caught — see [[Editing conflicts]]
and [[Offline editing|editing without a connection]].

## Avoiding lost updates

1. The editor loads the page with its \`ETag\`, a fingerprint of the text.
2. Saving sends that fingerprint back in \`If-Match\`.
3. If someone saved in between, the fingerprints differ and the server refuses.

\`\`\`http
PUT /api/pages/Plan HTTP/1.1
If-Match: "33a64df551425fcc55e4d42a148795d9f25f89d4"
\`\`\`

| Status | Meaning |
|---|---|
| 304 | Not Modified — the copy you have is current |
| 412 | Precondition Failed — someone changed it first |
| 428 | Precondition Required — say which version you edit |

> Nothing is lost: midair merges your text with theirs and asks only about the lines you both changed.
`;

const PLAN = `# Launch plan

We ship on Monday, once the notes are out.

## Tasks

- Write the release notes
- Tag the build
- Tell the users

## Owners

Ana runs the launch; Bo answers questions.
`;

async function shot(page: Page, file: string): Promise<void> {
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(OUT, file), fullPage: true });
  console.log(`docs/screenshots/${file}`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const server = await startServer();
  const base = server.url;
  let browser: Browser | undefined;
  try {
    await createPage(base, 'Precondition Failed', PAGE);
    await createPage(base, 'Editing conflicts', 'How midair merges edits.\n');
    await createPage(base, 'Launch plan', PLAN);
    browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    const desk = { viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1, timezoneId: 'Europe/Paris', locale: 'en-GB' };

    const reader = await browser.newContext(desk);
    const view = await reader.newPage();
    await view.goto(`${base}/wiki/Precondition%20Failed`);
    await shot(view, 'page-view.png');
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'Europe/Paris', locale: 'en-GB' });
    const small = await phone.newPage();
    await small.goto(`${base}/wiki/Precondition%20Failed`);
    await shot(small, 'page-view-phone.png');

    // Ana and Bo edit the launch plan at the same time.
    const ana = await (await browser.newContext(desk)).newPage();
    const bo = await (await browser.newContext(desk)).newPage();
    await ana.goto(`${base}/wiki/Launch%20plan/edit`);
    await bo.goto(`${base}/wiki/Launch%20plan/edit`);
    await bo.waitForSelector('#presence:not([hidden]) >> text=someone');
    const etag = (await getPage(base, 'Launch plan')).headers.etag as string;
    await putPage(base, 'Launch plan', PLAN.replace('Monday, once the notes are out', 'Tuesday, after the freeze').replace('Tag the build', 'Tag and sign the build'), {
      'if-match': etag,
      'edit-summary': encodeURIComponent('Ship after the freeze'),
    });
    const text = await bo.inputValue('#content');
    await bo.fill('#content', text.replace('Monday, once the notes are out', 'Wednesday, with the notes').replace('Tag the build', 'Tag the build (v2.0)').replace('Bo answers questions', 'Bo answers questions on the forum'));
    await bo.fill('#summary', 'Wednesday, and say where Bo answers');
    await bo.waitForSelector('#live-warning:not([hidden])');
    await bo.click('#content');
    await shot(bo, 'editor.png');

    await bo.click('form.page-save button.primary');
    await bo.waitForSelector('fieldset.conflict');
    await bo.check('input[name="choice-1"][value="theirs"]');
    await shot(bo, 'resolution.png');

    // A clean merge: Ana edits a line Bo does not touch.
    const anaText = await ana.inputValue('#content');
    await ana.fill('#content', anaText.replace('Ana runs the launch;', 'Ana runs the launch from the ops room;'));
    await ana.click('form.page-save button.primary');
    await ana.waitForSelector('.collision.merged');
    await shot(ana, 'merged.png');
    await ana.click('form.page-save button.primary');
    await ana.waitForURL(`${base}/wiki/Launch%20plan`);
    await ana.goto(`${base}/wiki/Launch%20plan/diff?from=1&to=3`);
    await shot(ana, 'diff.png');

    // Organising: subpages with breadcrumbs and backlinks, the page tree, move, redirect, delete.
    await createPage(base, 'Team', '# Team\n\nWho we are and how we work.\n');
    await createPage(base, 'Team/Onboarding', '# Onboarding\n\nYour first weeks. Start with [[Team/Onboarding/Week 1]].\n');
    await createPage(base, 'Team/Onboarding/Week 1', '# Week 1\n\nAccounts, laptop, and a tour.\n');
    await createPage(base, 'Team/Onboarding/Week 2', '# Week 2\n\nYour first change.\n');
    await createPage(base, 'Team/Tools', '# Tools\n');
    await createPage(base, 'Handbook', 'New here? Read [[Team/Onboarding]] first.\n');
    const organiser = await (await browser.newContext(desk)).newPage();
    await organiser.goto(`${base}/wiki/Team/Onboarding/Week%201`);
    await shot(organiser, 'subpage.png');
    await organiser.goto(`${base}/wiki`);
    await shot(organiser, 'page-tree.png');
    await organiser.goto(`${base}/wiki/Team/Onboarding/move`);
    await organiser.fill('#move-to', 'Team/Welcome');
    await organiser.fill('#move-summary', 'a friendlier name');
    await shot(organiser, 'move.png');
    await organiser.click('form button.primary');
    await organiser.waitForURL(`${base}/wiki/Team/Welcome`);
    await organiser.goto(`${base}/wiki/Team/Onboarding`);
    await shot(organiser, 'redirected.png');
    await organiser.goto(`${base}/wiki/Team/Tools/delete`);
    await shot(organiser, 'delete.png');

    // An admin manages the team's accounts in the browser.
    const target = { dataDir: server.dataDir };
    for (const [name, role] of [['ana', 'admin'], ['bo', 'editor'], ['cy', 'reader']] as const) await addUser(target, name, role);
    const admin = await (await browser.newContext(desk)).newPage();
    await admin.goto(`${base}/login`);
    await admin.fill('#username', 'ana');
    await admin.fill('#password', passwordOf('ana'));
    await admin.click('form.sign-in button.primary');
    await admin.waitForURL(`${base}/`);
    await admin.goto(`${base}/admin/users`);
    await shot(admin, 'admin-users.png');
  } finally {
    await browser?.close();
    await server.stop();
    removeDir(server.dataDir);
  }
}

await main();
