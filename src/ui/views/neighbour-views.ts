// Around a page: breadcrumbs to its ancestors, its direct subpages, and what links to it.
import type { Backlink } from '../../storage/store.js';
import { wikiPath } from '../format.js';
import { type Html, html } from '../html.js';
import { layout } from '../layout.js';
import type { Neighbours } from '../page-neighbours.js';
import { pageHeader } from './page-chrome.js';

/** The last part of a subpage's name (`Onboarding` of `Team/Onboarding`). */
export function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** A link to a page, red (to its editor) when it does not exist, as wiki links are. */
function pageLink(name: string, label: string, exists: boolean): Html {
  return exists
    ? html`<a href="${wikiPath.page(name)}">${label}</a>`
    : html`<a class="missing" href="${wikiPath.edit(name)}" title="${`Create the page “${name}” (it does not exist yet)`}">${label}</a>`;
}

/** Team › Onboarding › Week 1: each ancestor a link. Nothing for a top-level page. */
export function breadcrumbs(name: string, ancestors: Neighbours['ancestors']): Html | '' {
  if (ancestors.length === 0) return '';
  return html`<nav class="breadcrumbs" aria-label="Breadcrumbs"><ol>${ancestors.map(
    (ancestor) => html`<li>${pageLink(ancestor.name, lastSegment(ancestor.name), ancestor.exists)}</li>`,
  )}<li aria-current="page">${lastSegment(name)}</li></ol></nav>`;
}

function backlinkItem(link: Backlink): Html {
  return html`<li><a href="${wikiPath.page(link.name)}">${link.name}</a>${link.via ? html` <span class="hint">(through the redirect ${link.via})</span>` : ''}</li>`;
}

/** Below a page: its subpages and the pages linking to it. */
export function neighboursSection(name: string, neighbours: Neighbours): Html {
  const { subpages, moreSubpages, backlinks, moreBacklinks } = neighbours;
  const backlinksPath = wikiPath.action(name, 'backlinks');
  return html`<footer class="page-neighbours">
${
  subpages.length > 0
    ? html`<section class="subpages" aria-labelledby="subpages-title"><h2 id="subpages-title">Subpages</h2>
<ul>${subpages.map((sub) => html`<li><a href="${wikiPath.page(sub)}">${lastSegment(sub)}</a></li>`)}</ul>${
        moreSubpages ? html`<p class="hint">More subpages are listed under <a href="/wiki">All pages</a>.</p>` : ''
      }</section>`
    : ''
}
<section class="backlinks" aria-labelledby="backlinks-title"><h2 id="backlinks-title">What links here</h2>
${
  backlinks.length === 0
    ? html`<p class="empty">No page links here.</p>`
    : html`<ul>${backlinks.map(backlinkItem)}</ul>${moreBacklinks ? html`<p><a href="${backlinksPath}">All pages linking here</a></p>` : ''}`
}
</section>
</footer>`;
}

/** GET /wiki/{name}/backlinks: every page linking to this one, a page at a time. */
export function backlinksView(name: string, backlinks: readonly Backlink[], next: string | undefined): Html {
  return layout({
    title: `What links to ${name}`,
    noindex: true,
    body: html`<article class="backlinks-page">
${pageHeader(name, 'none', html`<span class="sub">What links to</span> ${name}`)}
${backlinks.length === 0 ? html`<p class="empty">No page links to ${name}.</p>` : html`<ul>${backlinks.map(backlinkItem)}</ul>`}
${next === undefined ? '' : html`<p class="pager"><a rel="next" href="${wikiPath.action(name, 'backlinks')}?after=${encodeURIComponent(next)}">More →</a></p>`}
</article>`,
  });
}
