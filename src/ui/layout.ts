// The document around every wiki page: header with search, main content, and scripts.
import { assets } from './assets.js';
import { ACCOUNT_NAV_MARKER } from './account-nav.js';
import { type Html, type HtmlValue, html, trusted } from './html.js';

export interface LayoutOptions {
  readonly title: string;
  readonly body: HtmlValue;
  /** Files in src/ui/public loaded (deferred) on this page, besides time.js. */
  readonly scripts?: readonly string[];
  /** A search box value to keep. */
  readonly query?: string;
  /** Keeps robots off edit screens and old revisions. */
  readonly noindex?: boolean;
  /** Side-by-side and tabular screens (diffs, history, conflicts) get a wider column. */
  readonly wide?: boolean;
  /** Atom feeds of this page, announced as <link rel="alternate">. */
  readonly feeds?: readonly { readonly title: string; readonly href: string }[];
}

export function layout(options: LayoutOptions): Html {
  const table = assets();
  const scripts = ['time.js', ...(options.scripts ?? [])];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · midair</title>
${options.noindex ? html`<meta name="robots" content="noindex">\n` : ''}<link rel="stylesheet" href="${table.url('wiki.css')}">
<link rel="icon" href="${table.url('favicon.svg')}" type="image/svg+xml">
${(options.feeds ?? []).map((feed) => html`<link rel="alternate" type="application/atom+xml" title="${feed.title}" href="${feed.href}">\n`)}${scripts.map((file) => html`<script src="${table.url(file)}" defer></script>\n`)}</head>
<body${options.wide ? html` class="wide"` : ''}>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site">
  <div class="bar">
    <a class="brand" href="/"><span aria-hidden="true">✈</span> midair</a>
    <nav aria-label="Site">
      <a href="/">Recent changes</a>
      <a href="/wiki">All pages</a>
    </nav>
    <form class="search" role="search" method="get" action="/search">
      <label for="site-search" class="visually-hidden">Search pages</label>
      <input id="site-search" type="search" name="q" placeholder="Search pages" value="${options.query ?? ''}">
      <button type="submit">Search</button>
    </form>
    ${trusted(ACCOUNT_NAV_MARKER)}
  </div>
</header>
<main id="main" tabindex="-1">
${options.body}
</main>
<footer class="site">
  <p>midair — every edit is saved against the version it started from, so none is lost in a mid-air collision.</p>
</footer>
</body>
</html>
`;
}
