// POST /wiki/{name}/preview, the editor's live preview, over HTTP against a real server: the
// text rendered exactly as the saved page shows it, never stored, from this site only, held to
// the page size limit, and refused to those who may not edit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameOrigin } from './support/accounts.js';
import { createPage, request } from './support/http.js';
import { serverPerSuite } from './support/server.js';
import { form } from './e2e/html.js';

const TEXT = 'Intro with [[Plan#Owners|owners]], [[#Tasks]] and [[Nowhere]].\n\n# Plan\n\n## Tasks\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n\n## Owners\n\nAna <script>alert(1)</script>\n';

function preview(base: string, name: string, body: string, headers: Record<string, string> = sameOrigin(base)) {
  return request(`${base}/wiki/${encodeURIComponent(name)}/preview`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

/** The rendered Markdown of a page view. */
function markdownOf(page: string): string {
  // The page's subpages and backlinks follow its text.
  return /<div class="markdown">\n([\s\S]*)\n<\/div>\n<footer class="page-neighbours">/.exec(page)![1]!;
}

describe('live preview', () => {
  const wiki = serverPerSuite({ args: ['--body-limit', '4KiB'] });

  it('is the page exactly as it will be shown once saved', async () => {
    await createPage(wiki.url, 'Plan', '# Plan\n');
    const res = await preview(wiki.url, 'Draft Page', form({ content: TEXT }));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.etag, undefined);
    const html = res.text();
    assert.match(html, /<a class="wikilink" href="\/wiki\/Plan#section-owners">owners<\/a>/);
    assert.match(html, /<a class="wikilink missing" href="\/wiki\/Nowhere\/edit"/);
    assert.match(html, /<nav class="contents"/);
    assert.match(html, /<td class="align-right">1<\/td>/);
    assert.doesNotMatch(html, /<script/);

    await createPage(wiki.url, 'Draft Page', TEXT);
    assert.equal(markdownOf((await request(`${wiki.url}/wiki/Draft%20Page`)).text()), html);
  });

  it('CRLF becomes LF, as when saving', async () => {
    const crlf = await preview(wiki.url, 'X', form({ content: '# A\r\n\r\ntext\r\n' }));
    assert.equal(crlf.text(), (await preview(wiki.url, 'X', form({ content: '# A\n\ntext\n' }))).text());
  });

  const refusals: [string, () => Promise<{ status: number; text(): string }>, number, RegExp][] = [
    ['from another site (CSRF)', () => preview(wiki.url, 'X', form({ content: 'x' }), { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), 403, /another site/],
    ['longer than a page may be', () => preview(wiki.url, 'X', form({ content: 'x'.repeat(4097) })), 413, /at most 4096 bytes/],
    ['not a form', () => request(`${wiki.url}/wiki/X/preview`, { method: 'POST', headers: { 'content-type': 'application/json', ...sameOrigin(wiki.url) }, body: '{"content":"x"}' }), 415, /x-www-form-urlencoded/],
    ['a field sent twice', () => preview(wiki.url, 'X', 'content=a&content=b'), 400, /more than once/],
    ['a bad page name', () => preview(wiki.url, 'a\u0001b', form({ content: 'x' })), 400, /page/],
    ['read with GET', () => request(`${wiki.url}/wiki/X/preview`), 405, /not allowed/],
  ];
  for (const [name, send, status, detail] of refusals) {
    it(`is refused ${name}: ${status}`, async () => {
      const res = await send();
      assert.equal(res.status, status, res.text());
      assert.match(res.text(), detail);
    });
  }
});

describe('live preview in a wiki with accounts', () => {
  const wiki = serverPerSuite({ args: ['--auth', 'accounts'] });

  it('needs someone who may edit', async () => {
    const res = await preview(wiki.url, 'X', form({ content: 'x' }));
    assert.equal(res.status, 401);
  });
});
