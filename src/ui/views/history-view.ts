// A page's history (who, when, summary, size) and the diff between two revisions.
import type { RevisionInfo } from '../../storage/store.js';
import { feedsOf } from '../feeds.js';
import { authorName, byteSize, dateTime, signedDelta, wikiPath } from '../format.js';
import { type Html, html } from '../html.js';
import { layout } from '../layout.js';
import { pageHeader } from './page-chrome.js';

export function historyView(name: string, revisions: readonly RevisionInfo[], sizeBefore: (r: RevisionInfo) => number | undefined, olderThan: number | undefined): Html {
  const newest = revisions[0]?.revision;
  return layout({
    title: `History of ${name}`,
    feeds: feedsOf(name),
    noindex: true,
    wide: true,
    body: html`<article class="history">
${pageHeader(name, 'history', html`<span class="sub">History of</span> ${name}`)}
<form method="get" action="${wikiPath.page(name)}/diff">
<div class="table-wrap"><table class="revisions">
<caption class="visually-hidden">Revisions of ${name}, newest first</caption>
<thead><tr>
  <th scope="col"><span class="visually-hidden">Compare from</span></th>
  <th scope="col"><span class="visually-hidden">Compare to</span></th>
  <th scope="col">Revision</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">Summary</th><th scope="col" class="num">Size</th><th scope="col"><span class="visually-hidden">Links</span></th>
</tr></thead>
<tbody>
${revisions.map((r, i) => {
  const before = sizeBefore(r);
  const delta = before === undefined ? r.size : r.size - before;
  return html`<tr${r.deleted ? html` class="deleted"` : ''}>
  <td><input type="radio" name="from" value="${r.revision}" aria-label="Compare from revision ${r.revision}"${i === 1 ? html` checked` : ''}></td>
  <td><input type="radio" name="to" value="${r.revision}" aria-label="Compare to revision ${r.revision}"${i === 0 ? html` checked` : ''}></td>
  <th scope="row">${r.deleted ? html`${r.revision}` : html`<a href="${wikiPath.revision(name, r.revision)}">${r.revision}</a>`}</th>
  <td>${dateTime(r.lastModified)}</td>
  <td class="who">${authorName(r.author)}</td>
  <td>${r.deleted ? html`<span class="what deleted">deleted</span> ` : ''}${r.summary}</td>
  <td class="num">${r.deleted ? '—' : byteSize(r.size)} <span class="delta ${delta > 0 ? 'plus' : delta < 0 ? 'minus' : ''}">${signedDelta(delta)}</span></td>
  <td class="links">${[
    r.revision > 1 ? html`<a href="${wikiPath.diff(name, r.revision - 1, r.revision)}">diff</a>` : undefined,
    newest !== undefined && r.revision !== newest ? html`<a href="${wikiPath.diff(name, r.revision, newest)}">vs. newest</a>` : undefined,
  ]
    .filter((link) => link !== undefined)
    .map((link, i) => (i === 0 ? link : html` · ${link}`))}</td>
</tr>
`;
})}</tbody>
</table></div>
${revisions.length > 1 ? html`<p class="actions"><button type="submit">Compare selected revisions</button></p>` : ''}
</form>
${olderThan === undefined ? '' : html`<p class="pager"><a rel="next" href="${wikiPath.history(name)}?before=${olderThan}">Older revisions →</a></p>`}
</article>`,
  });
}

function revisionLabel(name: string, r: RevisionInfo): Html {
  return html`<a href="${wikiPath.revision(name, r.revision)}">revision ${r.revision}</a> (${dateTime(r.lastModified)}, <span class="who">${authorName(r.author)}</span>${
    r.summary ? html`: <q>${r.summary}</q>` : ''
  }${r.deleted ? ' — deletion' : ''})`;
}

/** `table`: the diff table (diffTable), computed off the event loop. */
export function diffView(name: string, from: RevisionInfo, to: RevisionInfo, table: Html, newest: number): Html {
  return layout({
    title: `${name}: revision ${from.revision} → ${to.revision}`,
    noindex: true,
    wide: true,
    body: html`<article class="diff-page">
${pageHeader(name, 'history', html`<span class="sub">Changes to</span> ${name}`)}
<dl class="compare">
  <dt>From</dt><dd>${revisionLabel(name, from)}</dd>
  <dt>To</dt><dd>${revisionLabel(name, to)}</dd>
</dl>
<p class="actions">
  ${from.revision > 1 ? html`<a href="${wikiPath.diff(name, from.revision - 1, from.revision)}">← Previous change</a>` : ''}
  ${to.revision < newest ? html`<a href="${wikiPath.diff(name, to.revision, to.revision + 1)}">Next change →</a>` : ''}
</p>
${table}
</article>`,
  });
}
