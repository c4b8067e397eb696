// The front page (recent changes across the wiki) and the list of all pages.
import { type ChangeSelection, changeSelectionQuery } from '../../http/change-selection.js';
import type { ChangeEvent, PageSummary } from '../../storage/store.js';
import { feedsOf } from '../feeds.js';
import { authorName, byteSize, dateTime, wikiPath } from '../format.js';
import { type Html, html } from '../html.js';
import { layout } from '../layout.js';
import { pageTree } from './page-tree.js';

function goToPageForm(): Html {
  return html`<form class="goto" method="get" action="/wiki">
  <label for="goto-name">Open or create a page</label>
  <div class="inline-field">
    <input id="goto-name" name="name" required maxlength="255" placeholder="Page name" autocomplete="off">
    <button type="submit">Go</button>
  </div>
</form>`;
}

/** What one change did to its page. */
type Action = 'created' | 're-created' | 'edited' | 'deleted';

/** Consecutive changes of one page on one day, newest first; a deletion is always a run of its own. */
interface ChangeRun {
  readonly latest: ChangeEvent;
  readonly count: number;
  /** The revision before the run, for a diff of the whole run. */
  readonly from: number;
  /** What each change of the run did, oldest first. */
  readonly actions: readonly Action[];
}

const utcDay = (ms: number) => Math.floor(ms / 86_400_000);

/** Whether `change` (older) joins the run that `latest` heads: same page, same day, and no deletion on either side. */
function joins(run: ChangeRun, change: ChangeEvent): boolean {
  return (
    run.latest.name === change.name &&
    utcDay(run.latest.lastModified) === utcDay(change.lastModified) &&
    !run.latest.deleted &&
    !change.deleted
  );
}

/**
 * What each change (newest first) did. A change after a deletion of its page re-created it; when
 * the page's previous change is not in the list, a later revision counts as an edit.
 */
function actionsOf(changes: readonly ChangeEvent[]): Action[] {
  const actions: Action[] = new Array(changes.length);
  const deletedBefore = new Map<string, boolean>();
  for (let i = changes.length - 1; i >= 0; i--) {
    const change = changes[i]!;
    actions[i] = change.deleted ? 'deleted' : change.revision === 1 ? 'created' : deletedBefore.get(change.name) ? 're-created' : 'edited';
    deletedBefore.set(change.name, change.deleted);
  }
  return actions;
}

function runsOf(changes: readonly ChangeEvent[]): ChangeRun[] {
  const actions = actionsOf(changes);
  const runs: ChangeRun[] = [];
  changes.forEach((change, i) => {
    const last = runs[runs.length - 1];
    if (last && joins(last, change)) runs[runs.length - 1] = { ...last, count: last.count + 1, from: change.revision - 1, actions: [actions[i]!, ...last.actions] };
    else runs.push(single(change, actions[i]!));
  });
  return runs;
}

/** One page's own list shows each of its changes. */
function singles(changes: readonly ChangeEvent[]): ChangeRun[] {
  const actions = actionsOf(changes);
  return changes.map((change, i) => single(change, actions[i]!));
}

/** A run of one change. */
function single(change: ChangeEvent, action: Action): ChangeRun {
  return { latest: change, count: 1, from: change.revision - 1, actions: [action] };
}

/** "created, edited 2×": what a run did, in order, repeats counted. */
function runLabel(actions: readonly Action[]): Html {
  const groups: { action: Action; times: number }[] = [];
  for (const action of actions) {
    const last = groups[groups.length - 1];
    if (last?.action === action) last.times++;
    else groups.push({ action, times: 1 });
  }
  return html`${groups.map(({ action, times }, i) => html`${i === 0 ? '' : ', '}<span class="what ${action}">${action}${times > 1 ? ` ${times}×` : ''}</span>`)}`;
}

/** The front page's address for a selection of changes. */
function homePath(selection: ChangeSelection): string {
  return `/${changeSelectionQuery(selection)}`;
}

function changeItem({ latest: change, count, from, actions }: ChangeRun, selection: ChangeSelection): Html {
  // The whole run's diff; a run that created the page shows its latest change.
  const diffFrom = from >= 1 ? from : change.revision - 1;
  const author = authorName(change.author);
  return html`<li>
  <a class="title" href="${wikiPath.page(change.name)}">${change.name}</a>
  <span class="whats">${runLabel(actions)}</span>
  ${dateTime(change.lastModified)} by <a class="who" href="${homePath({ ...omitBefore(selection), author: change.author })}">${author}</a>
  ${count > 1 ? html`<span class="meta">(${count} changes)</span>` : ''}
  ${change.summary ? html`<q>${change.summary}</q>` : ''}
  <span class="links">${
    diffFrom >= 1 && !change.deleted ? html`<a href="${wikiPath.diff(change.name, diffFrom, change.revision)}">diff</a> · ` : ''
  }<a href="${wikiPath.history(change.name)}">history</a> · <a href="${homePath({ ...omitBefore(selection), name: change.name })}">changes</a></span>
</li>`;
}

function omitBefore({ before: _, ...selection }: ChangeSelection): ChangeSelection {
  return selection;
}

function selectionNote(selection: ChangeSelection): Html | string {
  if (selection.name === undefined && selection.author === undefined) return '';
  const parts = [
    selection.name === undefined ? '' : html`to <a href="${wikiPath.page(selection.name)}">${selection.name}</a>`,
    selection.author === undefined ? '' : html`by <span class="who">${authorName(selection.author)}</span>`,
  ];
  return html`<p class="filter">Only changes ${parts[0]!} ${parts[1]!} · <a href="/">all changes</a></p>`;
}

export interface ChangesPage {
  readonly changes: readonly ChangeEvent[];
  readonly selection: ChangeSelection;
  /** The cursor of the next, older, page; undefined at the very first change. */
  readonly older: number | undefined;
}

export function homeView({ changes, selection, older }: ChangesPage): Html {
  const filtered = selection.name !== undefined || selection.author !== undefined;
  const newest = selection.before !== undefined ? html`<a rel="first" href="${homePath(omitBefore(selection))}">← Newest changes</a>` : '';
  const olderLink = older !== undefined ? html`<a rel="next" href="${homePath({ ...selection, before: older })}">Older changes →</a>` : '';
  return layout({
    title: 'Recent changes',
    feeds: feedsOf(),
    body: html`<section class="home">
<h1>Recent changes</h1>
${goToPageForm()}
${selectionNote(selection)}
${
  changes.length === 0
    ? filtered || selection.before !== undefined
      ? html`<p class="empty">No changes here.</p>`
      : html`<p class="empty">No page has been written yet. Name one above to start the wiki.</p>`
    : html`<ol class="changes">
${(selection.name === undefined ? runsOf(changes) : singles(changes)).map((run) => changeItem(run, selection))}
</ol>`
}
${newest === '' && olderLink === '' ? '' : html`<p class="pager">${newest} ${olderLink}</p>`}
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
    : pageTree(pages)
}
${next === undefined ? '' : html`<p class="pager"><a rel="next" href="/wiki?after=${encodeURIComponent(next)}">More pages →</a></p>`}
</section>`,
  });
}
