// The confirmation of a delete, the form of a move, and what either shows when the page changed
// since it was opened. Each form carries the ETag of the revision its author saw (baseEtag).
import type { PageState, RevisionInfo } from '../../storage/store.js';
import { authorName, dateTime, wikiPath } from '../format.js';
import { type Html, html } from '../html.js';
import { layout } from '../layout.js';
import { pageHeader } from './page-chrome.js';

function revisionLine(info: RevisionInfo): Html {
  return html`revision ${info.revision}, last edited ${dateTime(info.lastModified)} by <span class="who">${authorName(info.author)}</span>`;
}

const summaryField = (id: string, value = '') => html`<p class="field narrow"><label for="${id}">Summary <span class="hint">(optional)</span></label>
  <input id="${id}" name="summary" maxlength="500" value="${value}"></p>`;

/** GET /wiki/{name}/delete: what will be deleted, and the form that deletes exactly that revision. */
export function deleteView(name: string, state: PageState, info: RevisionInfo, subpages: number): Html {
  return layout({
    title: `Delete ${name}`,
    noindex: true,
    body: html`<article class="organise delete">
${pageHeader(name, 'delete', html`<span class="sub">Delete</span> ${name}`)}
<div class="notice warning">
  <p>You are about to delete <strong>${name}</strong>, ${revisionLine(info)}.</p>
  <p>Its history is kept: anyone who may edit can re-create the page or restore any revision of it later.${
    subpages > 0 ? html` Its subpages are not deleted.` : ''
  }</p>
</div>
<form method="post" action="${wikiPath.action(name, 'delete')}">
  <input type="hidden" name="baseEtag" value="${state.etag ?? ''}">
  ${summaryField('delete-summary')}
  <p class="actions"><button type="submit" class="danger">Delete revision ${info.revision} of ${name}</button> <a href="${wikiPath.page(name)}">Cancel</a></p>
</form>
</article>`,
  });
}

export interface MoveForm {
  readonly to?: string;
  readonly withSubpages?: boolean;
  readonly summary?: string;
  /** Why the last try was refused (a name taken, a bad name). */
  readonly error?: string;
}

/** GET /wiki/{name}/move: the new name, whether the subpages go along, and a summary. */
export function moveView(name: string, state: PageState, info: RevisionInfo, subpages: number, form: MoveForm = {}): Html {
  return layout({
    title: `Move ${name}`,
    noindex: true,
    body: html`<article class="organise move">
${pageHeader(name, 'move', html`<span class="sub">Move</span> ${name}`)}
${form.error ? html`<p class="notice error" role="alert">${form.error}</p>` : ''}
<p>Moving renames <strong>${name}</strong> (${revisionLine(info)}) and takes its history along. The old name then
leads to the new one, so links to it keep working, until someone creates a page there.</p>
<form method="post" action="${wikiPath.action(name, 'move')}">
  <input type="hidden" name="baseEtag" value="${state.etag ?? ''}">
  <p class="field narrow"><label for="move-to">New name</label>
  <input id="move-to" name="to" required maxlength="255" value="${form.to ?? name}"></p>
  ${
    subpages > 0
      ? html`<p class="field"><label><input type="checkbox" name="subpages" value="1"${form.withSubpages === false ? '' : html` checked`}> Move its subpages too (${subpages === 1 ? '1 subpage' : `${subpages} or more subpages`}: ${name}/… becomes …/…)</label></p>`
      : ''
  }
  ${summaryField('move-summary', form.summary)}
  <p class="actions"><button type="submit" class="primary">Move page</button> <a href="${wikiPath.page(name)}">Cancel</a></p>
</form>
</article>`,
  });
}

/**
 * A delete or move refused because the page changed since the form was opened (412): what it
 * is now, what changed, and the form again for the current revision. Never acted on blindly.
 */
export function staleFormView(name: string, action: 'delete' | 'move', current: PageState, seenRevision: number | undefined): Html {
  const verb = action === 'delete' ? 'deleted' : 'moved';
  return layout({
    title: `${name} has changed`,
    noindex: true,
    body: html`<article class="organise stale">
${pageHeader(name, 'none', html`<span class="sub">Not ${verb}</span> ${name}`)}
<div class="notice warning" role="alert">
  ${
    current.exists
      ? html`<p><strong>${name}</strong> has changed since you opened this form: it is now at revision ${current.revision}. Nothing was ${verb}.</p>
  <p class="actions">${
    seenRevision !== undefined && seenRevision < current.revision
      ? html`<a href="${wikiPath.diff(name, seenRevision, current.revision)}">See what changed</a> `
      : ''
  }<a class="button primary" href="${wikiPath.action(name, action)}">${action === 'delete' ? 'Review the current revision and delete it' : 'Move the current revision'}</a></p>`
      : html`<p><strong>${name}</strong> was deleted (or moved away) since you opened this form. Nothing was ${verb}.</p>
  <p class="actions"><a href="${wikiPath.history(name)}">See its history</a></p>`
  }
</div>
</article>`,
  });
}
