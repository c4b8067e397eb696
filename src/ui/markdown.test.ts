import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSafeUrl, parseMarkdown, renderMarkdown } from './markdown.js';

function render(source: string, existing: string[] = []): string {
  return renderMarkdown(parseMarkdown(source), new Set(existing));
}

/** Every start tag's name and attributes, as the renderer wrote them. */
function tags(html: string): { name: string; attrs: Record<string, string> }[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/g)].map((m) => ({
    name: m[1]!,
    attrs: Object.fromEntries([...m[2]!.matchAll(/([a-z-]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!, a[2] ?? ''])),
  }));
}

describe('isSafeUrl', () => {
  const cases: [string, boolean][] = [
    ['https://example.org/x', true],
    ['http://example.org', true],
    ['mailto:a@example.org', true],
    ['/wiki/Home', true],
    ['relative/path', true],
    ['#section', true],
    ['//example.org/x', true],
    ['javascript:alert(1)', false],
    ['JaVaScRiPt:alert(1)', false],
    ['java\tscript:alert(1)', false],
    ['\u0001javascript:alert(1)', false],
    [' javascript:alert(1)', false],
    ['vbscript:msgbox(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['data:image/svg+xml,<svg onload=alert(1)>', false],
    ['data:image/png;base64,iVBOR', true],
    ['file:///etc/passwd', false],
    ['blob:https://example.org/x', false],
  ];
  for (const [url, safe] of cases) it(`${JSON.stringify(url)} is ${safe ? 'safe' : 'refused'}`, () => assert.equal(isSafeUrl(url), safe));
});

describe('renderMarkdown: hostile input renders inert', () => {
  const attacks: [string, string][] = [
    ['script element', '<script>alert(1)</script>'],
    ['img onerror', '<img src=x onerror="alert(1)">'],
    ['svg onload', '<svg onload=alert(1)></svg>'],
    ['iframe', '<iframe src="javascript:alert(1)"></iframe>'],
    ['javascript: link', '[click](javascript:alert(1))'],
    ['mixed-case scheme', '[click](JaVaScRiPt:alert(1))'],
    ['entity-encoded scheme', '[click](&#106;avascript:alert(1))'],
    ['tab inside the scheme', '[click](<java\tscript:alert(1)>)'],
    ['vbscript: link', '[click](vbscript:msgbox(1))'],
    ['data:text/html link', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['javascript: image', '![x](javascript:alert(1))'],
    ['javascript: autolink', '<javascript:alert(1)>'],
    ['reference definition', '[click][r]\n\n[r]: javascript:alert(1)'],
    ['title breaking out of its attribute', '[t](https://example.org "x\\" onmouseover=\\"alert(1)")'],
    ['wiki link label with markup', '[[Home|<img src=x onerror=alert(1)>]]'],
    ['wiki link to a scheme-like name', '[[javascript:alert(1)]]'],
    ['html comment and style', '<!-- x --><style>body{display:none}</style>'],
  ];
  for (const [name, source] of attacks) {
    it(name, () => {
      const html = render(source, ['Home']);
      for (const tag of tags(html)) {
        assert.ok(!['script', 'iframe', 'svg', 'style', 'object', 'embed'].includes(tag.name), `no <${tag.name}> in ${html}`);
        for (const [attr, value] of Object.entries(tag.attrs)) {
          assert.ok(!attr.startsWith('on'), `no ${attr}= in ${html}`);
          if (attr === 'href' || attr === 'src') assert.ok(isSafeUrl(value.replace(/&amp;/g, '&')), `${attr}="${value}" is safe`);
        }
      }
      assert.doesNotMatch(html, /<(script|iframe|svg|style)\b/i);
    });
  }
});

describe('renderMarkdown: wiki links', () => {
  it('links existing pages to their view and missing ones to their editor', () => {
    const html = render('See [[Home]] and [[Not Yet|the plan]].', ['Home']);
    assert.match(html, /<a class="wikilink" href="\/wiki\/Home">Home<\/a>/);
    assert.match(html, /<a class="wikilink missing" href="\/wiki\/Not%20Yet\/edit" title="[^"]*Not Yet[^"]*">the plan<\/a>/);
  });

  it('records every target for the existence lookup, with white space collapsed', () => {
    assert.deepEqual([...parseMarkdown('[[A]] [[ B  c |x]] [[A]]').wikiLinks], ['A', 'B c']);
  });

  it('leaves text that cannot name a page, and code, alone', () => {
    const html = render('[[a//b]] [[]] [[x\ny]] `[[Code]]`');
    assert.doesNotMatch(html, /wikilink/);
    assert.match(html, /<code>\[\[Code\]\]<\/code>/);
    assert.deepEqual([...parseMarkdown('`[[Code]]`').wikiLinks], []);
  });

  it('marks links to other sites and keeps ordinary Markdown', () => {
    const html = render('# T\n\n[ext](https://example.org) [int](/wiki/Home)\n\n| a |\n|---|\n| 1 |');
    assert.match(html, /<a href="https:\/\/example.org" rel="nofollow ugc noopener noreferrer">ext<\/a>/);
    assert.match(html, /<a href="\/wiki\/Home">int<\/a>/);
    assert.match(html, /<h1 id="section-t">T<\/h1>/);
    assert.match(html, /<table>/);
  });
});

describe('renderMarkdown: links to headings', () => {
  const cases: [string, string, string[], RegExp][] = [
    ['[[Page#Section]] aims at the heading of an existing page', '[[Plan#Next Steps]]', ['Plan'], /<a class="wikilink" href="\/wiki\/Plan#section-next-steps">Plan#Next Steps<\/a>/],
    ['[[Page#Section|label]] keeps its label', '[[Plan#Owners|who]]', ['Plan'], /href="\/wiki\/Plan#section-owners">who<\/a>/],
    ['[[#Section]] stays on this page', '[[#Owners]]', [], /<a class="wikilink" href="#section-owners">#Owners<\/a>/],
    ['a missing page opens its editor, without the heading', '[[Later#Intro]]', [], /class="wikilink missing" href="\/wiki\/Later\/edit"/],
    ['a trailing "#" is part of the name', '[[C#]]', ['C#'], /href="\/wiki\/C%23">C#<\/a>/],
    ['"\\#" is a "#" of the name', '[[C\\# tips#Loops]]', ['C# tips'], /href="\/wiki\/C%23%20tips#section-loops">C# tips#Loops<\/a>/],
  ];
  for (const [name, source, existing, expected] of cases) it(name, () => assert.match(render(source, existing), expected));

  it('checks existence by the page name alone', () => {
    assert.deepEqual([...parseMarkdown('[[Plan#A]] [[Plan#B|b]] [[#C]]').wikiLinks], ['Plan']);
  });
});

describe('renderMarkdown: table alignment', () => {
  it('writes classes, never style attributes (the CSP blocks inline styles)', () => {
    const html = render('| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |');
    assert.doesNotMatch(html, /style=/);
    assert.match(html, /<th class="align-left">l<\/th>\n<th class="align-center">c<\/th>\n<th class="align-right">r<\/th>\n<th>n<\/th>/);
    assert.match(html, /<td class="align-right">3<\/td>/);
  });
});
