// Search results, or the note that this server cannot search.
import { wikiPath } from '../format.js';
import { type Html, html } from '../html.js';
import { layout } from '../layout.js';
import { type SearchHit, snippetParts } from '../search.js';

function goTo(query: string): Html {
  return html`<p>Open the page named <a href="${wikiPath.page(query)}">${query}</a>, or create it.</p>`;
}

export function searchView(query: string, hits: readonly SearchHit[] | 'unavailable', validName: boolean): Html {
  let body: Html;
  if (hits === 'unavailable') {
    body = html`<p class="notice">Full-text search is not available on this server.</p>${query && validName ? goTo(query) : ''}`;
  } else if (query === '') {
    body = html`<p>Type words to look for in every page.</p>`;
  } else if (hits.length === 0) {
    body = html`<p>No page contains <strong>${query}</strong>.</p>${validName ? goTo(query) : ''}`;
  } else {
    body = html`<p class="meta">${hits.length} page${hits.length === 1 ? '' : 's'} found, best match first.</p>
<ol class="results">
${hits.map(
  (hit) => html`<li><a class="title" href="${wikiPath.page(hit.name)}">${hit.name}</a>
  <p class="snippet">${snippetParts(hit.snippet).map((p) => (p.marked ? html`<mark>${p.text}</mark>` : p.text))}</p></li>
`,
)}</ol>`;
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
