// The screens a collided save leads to: a clean merge to confirm, conflicts to resolve, a
// deleted page to re-create, or nothing to do. Each is a form that saves against the
// current ETag, without JavaScript and (through save.js) with it.
import type { Resolution } from '../../merge/index.js';
import type { RevisionInfo } from '../../storage/store.js';
import type { Collision } from '../collision.js';
import { textHash } from '../../pages/index.js';
import { authorName, dateTime, wikiPath } from '../format.js';
import { type Html, html, preformatted, trusted } from '../html.js';
import { layout } from '../layout.js';
import { SAVE_SCRIPTS, liveRegions, rowsFor, saveFormData, summaryField } from './edit-view.js';
import { pageHeader } from './page-chrome.js';
import { ownTextDefault } from '../conflict-choice.js';

type Merged = Extract<Collision, { kind: 'merged' | 'conflict' }>;

/** "the change Ana made at 12:03" or "the 3 changes Ana and Bo made, the latest at 12:03". */
export function changesPhrase(changes: readonly RevisionInfo[]): Html {
  const latest = changes[0];
  if (!latest) return html`another change`;
  const authors = [...new Set(changes.map((c) => authorName(c.author)))];
  const who = authors.length === 1 ? authors[0]! : `${authors.slice(0, -1).join(', ')} and ${authors[authors.length - 1]}`;
  const summary = latest.summary ? html` (<q>${latest.summary}</q>)` : '';
  if (changes.length === 1) {
    return html`the change <span class="who">${who}</span> made at ${dateTime(latest.lastModified)}${summary}`;
  }
  return html`the ${changes.length} changes <span class="who">${who}</span> made, the latest at ${dateTime(latest.lastModified)}${summary}`;
}

/** In place of a merge's diff tables when they could not be computed in time. */
const TABLES_OUT_OF_TIME = html`<p class="notice diff-out-of-time">This change is too large to show as a comparison in time; review the merged text below.</p>`;

/** The create form met a page that exists: that is what to say, not that it "changed". */
function creatingExisting(c: Merged): boolean {
  return c.attempt.baseEtag === '';
}

function existsNote(c: Merged): Html {
  return html`<p><strong>This page already exists</strong> (revision ${c.current.revision}, ${changesPhrase(c.changes.slice(0, 1))}), so your text did not create it.</p>`;
}

function baseNote(c: Merged): Html | '' {
  if (c.base || c.attempt.baseEtag === '') return '';
  return html`<p>The version you started from is no longer in this page's recent history, so your text is compared with the current page as a whole.</p>`;
}

export function mergedView(c: Merged): Html {
  const { name } = c.attempt;
  const from = c.base?.revision;
  return layout({
    title: `Merged: ${name}`,
    noindex: true,
    wide: true,
    scripts: SAVE_SCRIPTS,
    body: html`<article class="collision merged">
${pageHeader(name, 'edit', html`<span class="sub">Merged</span> ${name}`)}
<div class="notice success">
  ${
    creatingExisting(c)
      ? html`${existsNote(c)}
  <p>Your text and the page's touch different lines, so both are kept. Check the result, then save it — nothing is saved until you do.</p>`
      : html`<p><strong>Merged with ${changesPhrase(c.changes)}.</strong></p>
  <p>While you were editing, the page changed (now revision ${c.current.revision}). Your changes and theirs touch different lines, so both are kept. Check the result, then save it — nothing is saved until you do.</p>`
  }
  ${baseNote(c)}
</div>
${liveRegions()}
<form class="page-save merged-save" method="post" action="${wikiPath.page(name)}" ${saveFormData(name, c.attempt.draftBase)}>
  <input type="hidden" name="baseEtag" value="${c.current.etag!}">
  <input type="hidden" name="baseRevision" value="${c.current.revision}">
  <h2>What saving changes on the current page</h2>
  ${c.tables ? trusted(c.tables.save) : TABLES_OUT_OF_TIME}
  ${
    from === undefined
      ? ''
      : html`<details class="their-change"><summary>Their change (revision ${from} → ${c.current.revision})</summary>
  ${c.tables ? trusted(c.tables.theirs) : TABLES_OUT_OF_TIME}
  </details>`
  }
  <details class="merged-text">
    <summary>Review or edit the merged text</summary>
    <div class="field">
      <label for="content">Merged page text</label>
      <textarea id="content" name="content" rows="${rowsFor(c.merge.content, 10, 36)}">${preformatted(c.merge.content)}</textarea>
    </div>
  </details>
  ${summaryField(c.attempt.summary)}
  <div class="actions">
    <button class="primary" type="submit" name="intent" value="save">Save merged text</button>
    <a href="${wikiPath.diff(name, from ?? c.current.revision, c.current.revision)}">See their change alone</a>
  </div>
  <p class="save-status" data-save-status role="status" aria-live="polite"></p>
</form>
</article>`,
  });
}

export interface ResolutionState {
  /** The choice made so far for each conflict, if any. */
  readonly chosen?: readonly (Resolution | undefined)[];
  /** The whole text as the user left it, when they edited it by hand. */
  readonly wholeText?: string;
  readonly error?: string;
}

const CHOICES = [
  ['mine', 'Keep mine'],
  ['theirs', 'Keep theirs'],
  ['both', 'Keep both (mine first)'],
  ['edit', 'Write my own'],
] as const;

function conflictFieldset(c: Merged, i: number, state: ResolutionState): Html {
  const conflict = c.merge.conflicts[i]!;
  const chosen = state.chosen?.[i];
  const edited = chosen?.take === 'edit' ? chosen.text : ownTextDefault(conflict);
  const latest = c.changes[0];
  const side = (label: Html, text: string, kind: string) => html`<section class="side ${kind}">
      <h3>${label}</h3>
      ${text === '' ? html`<p class="empty-side">(removed these lines)</p>` : ''}<pre data-text="${kind}">${preformatted(text)}</pre>
    </section>`;
  return html`<li><fieldset class="conflict${chosen ? ' resolved' : ''}" id="conflict-${i + 1}" data-index="${i}" data-start="${conflict.start}" data-end="${conflict.end}">
  <legend>Conflict ${i + 1} of ${c.merge.conflicts.length}</legend>
  <div class="sides">
    ${side(html`Your text`, conflict.mine, 'mine')}
    ${side(html`Their text${latest ? html` <span class="hint">by <span class="who">${authorName(latest.author)}</span></span>` : ''}`, conflict.theirs, 'theirs')}
  </div>
  <details class="side base"><summary>The text before either change</summary><pre data-text="base">${preformatted(conflict.base)}</pre></details>
  <div class="choices">
    ${CHOICES.map(
      ([value, label]) =>
        html`<label class="choice"><input type="radio" name="choice-${i}" value="${value}"${chosen?.take === value ? html` checked` : ''}> ${label}</label>`,
    )}
  </div>
  <div class="field edit-hunk">
    <label for="edit-${i}">Your own text for this conflict <span class="hint">changing it chooses “Write my own”</span></label>
    <textarea id="edit-${i}" name="edit-${i}" rows="${Math.min(12, Math.max(3, edited.split('\n').length + 1))}">${preformatted(edited)}</textarea>
  </div>
</fieldset></li>`;
}

export function conflictView(c: Merged, state: ResolutionState = {}): Html {
  const { name } = c.attempt;
  const n = c.merge.conflicts.length;
  return layout({
    title: `Resolve conflicts: ${name}`,
    noindex: true,
    wide: true,
    scripts: ['resolve.js', ...SAVE_SCRIPTS],
    body: html`<article class="collision conflict-screen">
${pageHeader(name, 'edit', html`<span class="sub">Resolve conflicts in</span> ${name}`)}
<div class="notice warning">
  ${creatingExisting(c) ? existsNote(c) : html`<p><strong>Your edit collided with ${changesPhrase(c.changes)}.</strong></p>`}
  <p>You both changed the same lines in ${n === 1 ? 'one place' : `${n} places`}. Choose what to keep for each conflict, then save. Everything else from both of you is already merged, and nothing is saved until you press Save.</p>
  ${baseNote(c)}
</div>
${state.error ? html`<p class="notice error" role="alert">${state.error}</p>` : ''}
${liveRegions()}
<form class="page-save resolve" method="post" action="${wikiPath.page(name)}" ${saveFormData(name, c.attempt.draftBase)}>
  <input type="hidden" name="baseEtag" value="${c.current.etag!}">
  <input type="hidden" name="baseRevision" value="${c.current.revision}">
  <input type="hidden" name="resolve" value="1">
  <input type="hidden" name="mergeFrom" value="${c.attempt.baseEtag}">
  <input type="hidden" name="draftBase" value="${c.attempt.draftBase}">
  <input type="hidden" name="mine" value="${c.attempt.mine}">
  <input type="hidden" name="contentHash" value="${textHash(c.merge.content)}">
  <ol class="conflicts">
  ${c.merge.conflicts.map((_, i) => conflictFieldset(c, i, state))}
  </ol>
  <h2 id="whole-text">The whole text</h2>
  <p class="hint" id="whole-text-hint">Until you choose, each conflict shows here between <code>&lt;&lt;&lt;&lt;&lt;&lt;&lt; mine</code> and <code>&gt;&gt;&gt;&gt;&gt;&gt;&gt; theirs</code> lines. If you change this text by hand, it is saved exactly as you wrote it.</p>
  <p class="notice" data-hand-edited hidden>You edited the whole text by hand, so the choices above no longer change it. <button type="button" data-reapply>Use the choices again</button></p>
  <div class="field">
    <label for="content" class="visually-hidden">The whole text</label>
    <textarea id="content" name="content" rows="${rowsFor(state.wholeText ?? c.merge.content, 10, 36)}" aria-describedby="whole-text-hint"${state.wholeText === undefined ? '' : html` data-hand-edited-text`}>${preformatted(state.wholeText ?? c.merge.content)}</textarea>
  </div>
  ${summaryField(c.attempt.summary)}
  <div class="actions">
    <button class="primary" type="submit" name="intent" value="save">Save resolved text</button>
  </div>
  <p class="save-status" data-save-status role="status" aria-live="polite"></p>
</form>
</article>`,
  });
}

export function deletedView(c: Extract<Collision, { kind: 'deleted' }>, error?: string): Html {
  const { name } = c.attempt;
  const d = c.deletion;
  return layout({
    title: `Deleted: ${name}`,
    noindex: true,
    scripts: SAVE_SCRIPTS,
    body: html`<article class="collision deleted">
${pageHeader(name, 'edit', html`<span class="sub">Deleted</span> ${name}`)}
<div class="notice warning">
  ${
    d
      ? html`<p><strong>This page was deleted while you were editing</strong> — ${dateTime(d.lastModified)} by <span class="who">${authorName(d.author)}</span>${
          d.summary ? html` (<q>${d.summary}</q>)` : ''
        }.</p>`
      : html`<p><strong>This page does not exist.</strong></p>`
  }
  <p>Your text is kept below. You can create the page again with it, or copy it somewhere safe.</p>
</div>
${error ? html`<p class="notice error" role="alert">${error}</p>` : ''}
${liveRegions()}
<form class="page-save recreate" method="post" action="${wikiPath.page(name)}" ${saveFormData(name, c.attempt.draftBase)}>
  <input type="hidden" name="baseEtag" value="">
  <div class="field">
    <label for="content">Your text</label>
    <textarea id="content" name="content" rows="${rowsFor(c.attempt.mine, 10, 36)}">${preformatted(c.attempt.mine)}</textarea>
  </div>
  ${summaryField(c.attempt.summary)}
  <div class="actions">
    <button class="primary" type="submit" name="intent" value="save">Re-create the page</button>
    ${d ? html`<a href="${wikiPath.history(name)}">See the page's history</a>` : ''}
  </div>
  <p class="save-status" data-save-status role="status" aria-live="polite"></p>
</form>
</article>`,
  });
}

export function sameTextView(c: Extract<Collision, { kind: 'same' }>): Html {
  const { name } = c.attempt;
  return layout({
    title: name,
    noindex: true,
    scripts: ['draft.js'],
    body: html`<article class="collision same">
${pageHeader(name, 'edit')}
<div class="notice success" data-saved-draft ${saveFormData(name, c.attempt.draftBase)}>
  <p><strong>Nothing to save:</strong> while you were editing, the page was changed to exactly your text (revision ${c.current.revision}).</p>
  <p class="actions"><a class="button primary" href="${wikiPath.page(name)}">View the page</a></p>
</div>
</article>`,
  });
}
