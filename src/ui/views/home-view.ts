// The front page (recent changes across the wiki) and the list of all pages.
import type { ChangeEvent, PageSummary } from '../../storage/store.js';
import { authorName, byteSize, dateTime, wikiPath } from '../format.js';
import { type Html, html } from '../html.js';
import { layout } from '../layout.js';

function goToPageForm(): Html {
  return html`<form class="goto" method="get" action="/wiki">
  <label for="goto-name">Open or create a page</label>
  <div class="inline-field">
    <input id="goto-name" name="name" required maxlength="255" placeholder="Page name" autocomplete="off">
    <button type="submit">Go</button>
  </div>
</form>`;
}

/** Consecutive changes of one page, newest first. */
interface ChangeRun {
  readonly latest: ChangeEvent;
  readonly count: number;
  /** The revision before the run, for a diff of the whole run. */
  readonly from: number;
}

function runsOf(changes: readonly ChangeEvent[]): ChangeRun[] {
  const runs: ChangeRun[] = [];
  for (const change of changes) {
    const last = runs[runs.length - 1];
    if (last && last.latest.name === change.name) runs[runs.length - 1] = { ...last, count: last.count + 1, from: change.revision - 1 };
    else runs.push({ latest: change, count: 1, from: change.revision - 1 });
  }
  return runs;
}

function changeItem({ latest: change, count, from }: ChangeRun): Html {
  const what = change.deleted ? 'deleted' : change.revision === count ? 'created' : 'edited';
  // The whole run's diff; a run that created the page shows its latest change.
  const diffFrom = from >= 1 ? from : change.revision - 1;
  return html`<li>
  <a class="title" href="${wikiPath.page(change.name)}">${change.name}</a>
  <span class="what ${what}">${what}</span>
  ${dateTime(change.lastModified)} by <span class="who">${authorName(change.author)}</span>
  ${count > 1 ? html`<span class="meta">(${count} changes)</span>` : ''}
  ${change.summary ? html`<q>${change.summary}</q>` : ''}
  <span class="links">${
    diffFrom >= 1 && !change.deleted ? html`<a href="${wikiPath.diff(change.name, diffFrom, change.revision)}">diff</a> · ` : ''
  }<a href="${wikiPath.history(change.name)}">history</a></span>
</li>`;
}

export function homeView(changes: readonly ChangeEvent[]): Html {
  return layout({
    title: 'Recent changes',
    body: html`<section class="home">
<h1>Recent changes</h1>
${goToPageForm()}
${
  changes.length === 0
    ? html`<p class="empty">No page has been written yet. Name one above to start the wiki.</p>`
    : html`<ol class="changes">
${runsOf(changes).map(changeItem)}
</ol>`
}
</section>`,
  });
}

export function pageIndexView(pages: readonly PageSummary[], next: string | undefined): Html {
  return layout({
    title: 'All pages',
    body: html`<section class="index">
<h1>All pages</h1>
${goToPageForm()}
${
  pages.length === 0
    ? html`<p class="empty">There are no pages yet.</p>`
    : html`<ul class="pages">
${pages.map((p) => html`<li><a href="${wikiPath.page(p.name)}">${p.name}</a> <span class="meta">${byteSize(p.size)} · ${dateTime(p.lastModified)}</span></li>\n`)}</ul>`
}
${next === undefined ? '' : html`<p class="pager"><a rel="next" href="/wiki?after=${encodeURIComponent(next)}">More pages →</a></p>`}
</section>`,
  });
}
