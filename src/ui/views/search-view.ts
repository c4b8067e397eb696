// Search results: the hits of one result page, with a pager.
import { wikiPath } from '../format.js';
import { type Html, html } from '../html.js';
import { layout } from '../layout.js';
import { SEARCH_PAGE_SIZE, type SearchResultPage, snippetParts } from '../search.js';

function goTo(query: string): Html {
  return html`<p>Open the page named <a href="${wikiPath.page(query)}">${query}</a>, or create it.</p>`;
}

function searchPath(query: string, page: number): string {
  return `/search?q=${encodeURIComponent(query)}${page === 1 ? '' : `&page=${page}`}`;
}

function howMany({ page, hits, more }: SearchResultPage): Html {
  if (page === 1 && !more) return html`${hits.length} page${hits.length === 1 ? '' : 's'} found, best match first.`;
  const first = (page - 1) * SEARCH_PAGE_SIZE + 1;
  return html`Results ${first}–${first + hits.length - 1}${more ? '' : ' (the last)'}, best match first.`;
}

function pager(query: string, { page, more }: SearchResultPage): Html | '' {
  if (page === 1 && !more) return '';
  return html`<nav class="pager">${page > 1 ? html`<a rel="prev" href="${searchPath(query, page - 1)}">Previous results</a> ` : ''}${
    more ? html`<a rel="next" href="${searchPath(query, page + 1)}">More results</a>` : ''
  }</nav>`;
}

export function searchView(query: string, found: SearchResultPage, validName: boolean): Html {
  let body: Html;
  if (query === '') {
    body = html`<p>Type words to look for in every page.</p>`;
  } else if (found.hits.length === 0 && found.page === 1) {
    body = html`<p>No page contains <strong>${query}</strong>.</p>${validName ? goTo(query) : ''}`;
  } else if (found.hits.length === 0) {
    body = html`<p>No more results. <a href="${searchPath(query, 1)}">Back to the first results</a>.</p>`;
  } else {
    body = html`<p class="meta">${howMany(found)}</p>
<ol class="results" start="${(found.page - 1) * SEARCH_PAGE_SIZE + 1}">
${found.hits.map(
  (hit) => html`<li><a class="title" href="${wikiPath.page(hit.name)}">${hit.name}</a>
  <p class="snippet">${snippetParts(hit.snippet).map((p) => (p.marked ? html`<mark>${p.text}</mark>` : p.text))}</p></li>
`,
)}</ol>
${pager(query, found)}`;
  }
  return layout({
    title: query ? `Search: ${query}` : 'Search',
    query,
    noindex: true,
    body: html`<section class="search-page">
<h1>Search${query ? html` <span class="sub">for</span> ${query}` : ''}</h1>
${body}
</section>`,
  });
}
