// A page read as HTML: the current revision, an old one, or the note that there is none.
import type { RevisionInfo } from '../../storage/store.js';
import { feedsOf } from '../feeds.js';
import { authorName, dateTime, wikiPath } from '../format.js';
import { type Html, html, trusted } from '../html.js';
import { layout } from '../layout.js';
import type { Neighbours } from '../page-neighbours.js';
import { breadcrumbs, neighboursSection } from './neighbour-views.js';
import { forEditors, pageHeader } from './page-chrome.js';

function editedBy(info: RevisionInfo): Html {
  return html`last edited ${dateTime(info.lastModified)} by <span class="who">${authorName(info.author)}</span>${
    info.summary ? html` — <q>${info.summary}</q>` : ''
  }`;
}

/** A page reached through the redirect an old name left (a move), shown at that old name. */
function redirectNote(from: string): Html {
  return html`<p class="redirected-from hint">Redirected from <a href="${wikiPath.page(from)}?redirect=no">${from}</a></p>`;
}

export function pageView(name: string, info: RevisionInfo, rendered: string, neighbours: Neighbours, redirectedFrom?: string): Html {
  return layout({
    title: name,
    feeds: feedsOf(name),
    body: html`<article class="page">
${breadcrumbs(name, neighbours.ancestors)}
${pageHeader(name, 'read')}
${redirectedFrom === undefined ? '' : redirectNote(redirectedFrom)}
<p class="meta">Revision ${info.revision} · ${editedBy(info)}</p>
<div class="markdown">
${trusted(rendered)}
</div>
${neighboursSection(name, neighbours)}
</article>`,
  });
}

export function revisionView(name: string, info: RevisionInfo, rendered: string, currentRevision: number, currentExists: boolean): Html {
  const isCurrent = info.revision === currentRevision;
  return layout({
    title: `${name} (revision ${info.revision})`,
    noindex: true,
    body: html`<article class="page">
${pageHeader(name, 'none', html`${name} <span class="sub">revision ${info.revision}</span>`)}
<div class="notice${isCurrent ? '' : ' old'}">
  <p>${isCurrent ? 'This is the current revision' : html`This is an old revision`} of <a href="${wikiPath.page(name)}">${name}</a>, ${editedBy(info)}.</p>
  <p class="actions">
    ${isCurrent ? '' : html`<a href="${wikiPath.diff(name, info.revision, currentRevision)}">Compare with the current revision</a>`}
    ${info.revision > 1 ? html`<a href="${wikiPath.diff(name, info.revision - 1, info.revision)}">Changes made in this revision</a>` : ''}
    ${isCurrent ? '' : forEditors(html`<a href="${wikiPath.edit(name)}?from=${info.revision}">${currentExists ? 'Restore this revision…' : 'Re-create the page from this revision…'}</a>`)}
  </p>
</div>
<div class="markdown">
${trusted(rendered)}
</div>
</article>`,
  });
}

/**
 * No current page: it never existed, or its latest revision deleted it. `redirectsTo`: the old
 * name of a moved page, looked at as itself (?redirect=no) or with its page gone.
 */
export function missingPageView(name: string, deletion: RevisionInfo | undefined, neighbours?: Neighbours, redirectsTo?: string): Html {
  return layout({
    title: name,
    noindex: true,
    body: html`<article class="page missing">
${neighbours ? breadcrumbs(name, neighbours.ancestors) : ''}
${pageHeader(name, 'missing')}
${
  redirectsTo === undefined
    ? ''
    : html`<p class="notice redirect">This name redirects to <a href="${wikiPath.page(redirectsTo)}">${redirectsTo}</a> (the page was moved there). Creating a page here replaces the redirect.</p>`
}
<div class="notice">
  ${
    deletion
      ? html`<p>This page was deleted ${dateTime(deletion.lastModified)} by <span class="who">${authorName(deletion.author)}</span>${
          deletion.summary ? html` — <q>${deletion.summary}</q>` : ''
        }.</p>
  <p class="actions">${forEditors(html`<a class="button primary" href="${wikiPath.edit(name)}">Re-create this page</a>${
    // A deletion follows a revision with text: the one to restore.
    deletion.revision > 1 ? html` <a class="button" href="${wikiPath.edit(name)}?from=${deletion.revision - 1}">Restore revision ${deletion.revision - 1}</a>` : ''
  } `)}<a href="${wikiPath.history(name)}">See its history</a></p>`
      : html`<p>There is no page named <strong>${name}</strong> yet.</p>
  ${forEditors(html`<p class="actions"><a class="button primary" href="${wikiPath.edit(name)}">Create this page</a></p>`)}`
  }
</div>
${neighbours ? neighboursSection(name, neighbours) : ''}
</article>`,
  });
}
