// The editor: a form that works without JavaScript (POST /wiki/{name}) and that the
// scripts enhance with drafts, a live warning, presence, a fetch PUT with If-Match, a live
// preview beside the text and keyboard shortcuts.
import { wikiPath } from '../format.js';
import { type Html, html, preformatted, trusted } from '../html.js';
import { layout } from '../layout.js';
import { pageHeader } from './page-chrome.js';

export interface EditorModel {
  readonly name: string;
  readonly text: string;
  readonly summary: string;
  /** The ETag of the revision being edited; '' to create the page. */
  readonly baseEtag: string;
  readonly baseRevision: number | undefined;
  /** An old revision whose text was loaded to restore it. */
  readonly restoredFrom?: number;
  /** Rendered Markdown of `text`, for a preview. */
  readonly preview?: string;
  readonly error?: string;
}

/** A textarea tall enough for the text, within limits. */
export function rowsFor(text: string, min: number, max: number): number {
  return Math.min(max, Math.max(min, text.split('\n').length + 3));
}

/** Scripts of every screen that saves a page. */
export const SAVE_SCRIPTS = ['save.js', 'draft.js', 'live.js'];

/** data- attributes that tell the scripts which page and version a save form is about. */
export function saveFormData(name: string, draftBase: string): Html {
  return html`data-page="${name}" data-api="${wikiPath.api(name)}" data-events="${wikiPath.events(name)}" data-draft-base="${draftBase}"`;
}

/** The live warning and presence lines, filled in by live.js. */
export function liveRegions(): Html {
  return html`<div class="notice warning" id="live-warning" role="status" aria-live="polite" hidden></div>
<p class="presence" id="presence" aria-live="polite" hidden></p>`;
}

export function summaryField(summary: string, id = 'summary'): Html {
  return html`<div class="field">
    <label for="${id}">Summary of your change <span class="hint">optional, shown in the history</span></label>
    <input id="${id}" name="summary" maxlength="500" value="${summary}" autocomplete="off">
  </div>`;
}

/**
 * The page as it will look: filled by the server for the form's Preview button, and kept up to
 * date by preview.js as the text changes (hidden until there is something to show).
 */
function previewPane(preview: string | undefined): Html {
  return html`<section class="preview" id="preview" aria-labelledby="preview-title"${preview === undefined ? html` hidden` : ''}>
  <h2 id="preview-title">Preview <span class="hint">not saved yet</span> <span class="hint" id="preview-status" role="status" aria-live="polite"></span></h2>
  <div class="markdown" id="preview-body">${trusted(preview ?? '')}</div>
</section>`;
}

const SHORTCUTS: readonly [keys: string, what: string][] = [
  ['Ctrl+S', 'Save the page'],
  ['Ctrl+Shift+P or Alt+P', 'Preview now'],
  ['Ctrl+B', 'Bold: **text**'],
  ['Ctrl+I', 'Italic: *text*'],
  ['Ctrl+K', 'Link to a page: [[Page Name]]'],
  ['?', 'This list (outside text fields)'],
];

/** The list of shortcuts that "?" opens (shortcuts.js); a modal dialog, so focus stays in it until it closes. */
function shortcutsDialog(): Html {
  return html`<dialog class="shortcuts" id="shortcuts" aria-labelledby="shortcuts-title">
  <h2 id="shortcuts-title">Keyboard shortcuts</h2>
  <p class="hint">On a Mac, ⌘ Cmd instead of Ctrl.</p>
  <dl>
    ${SHORTCUTS.map(([keys, what]) => html`<dt>${keys.split(/( or |\+)/).map((part) => (part === '+' || part === ' or ' ? part : html`<kbd>${part}</kbd>`))}</dt><dd>${what}</dd>
`)}
  </dl>
  <form method="dialog"><button type="submit" class="primary">Close</button></form>
</dialog>`;
}

export function editView(model: EditorModel): Html {
  const { name } = model;
  const creating = model.baseEtag === '';
  return layout({
    title: `${creating ? 'Creating' : 'Editing'} ${name}`,
    noindex: true,
    wide: true,
    scripts: [...SAVE_SCRIPTS, 'preview.js', 'shortcuts.js'],
    body: html`<article class="editor-screen">
${pageHeader(name, 'edit', html`<span class="sub">${creating ? 'Creating' : 'Editing'}</span> ${name}`)}
${model.restoredFrom === undefined ? '' : html`<p class="notice">This is the text of revision ${model.restoredFrom}. Saving it makes it the current version.</p>`}
${model.error ? html`<p class="notice error" role="alert">${model.error}</p>` : ''}
<div class="notice" id="draft-offer" role="region" aria-label="Unsaved draft" hidden></div>
${liveRegions()}
<div class="edit-panes">
<form class="page-save editor" method="post" action="${wikiPath.page(name)}" ${saveFormData(name, model.baseEtag)} data-preview="${wikiPath.page(name)}/preview">
  <input type="hidden" name="baseEtag" value="${model.baseEtag}">
  ${model.baseRevision === undefined ? '' : html`<input type="hidden" name="baseRevision" value="${model.baseRevision}">`}
  <div class="field">
    <label for="content">Page text <span class="hint">Markdown · <code>[[Page Name]]</code> links to another page</span></label>
    <textarea id="content" name="content" rows="${rowsFor(model.text, 14, 34)}" spellcheck="true">${preformatted(model.text)}</textarea>
  </div>
  ${summaryField(model.summary)}
  <div class="actions">
    <button class="primary" type="submit" name="intent" value="save">${creating ? 'Create page' : 'Save page'}</button>
    <button type="submit" name="intent" value="preview">Preview</button>
    <a href="${wikiPath.page(name)}">Cancel</a>
    <button type="button" class="link keys" data-shortcuts-open aria-haspopup="dialog" hidden>Keyboard shortcuts <kbd>?</kbd></button>
  </div>
  <p class="save-status" data-save-status role="status" aria-live="polite"></p>
</form>
${previewPane(model.preview)}
</div>
${shortcutsDialog()}
<details class="help">
  <summary>Formatting help</summary>
  <dl>
    <dt><code># Title</code>, <code>## Section</code></dt><dd>headings</dd>
    <dt><code>*italic*</code>, <code>**bold**</code>, <code>\`code\`</code></dt><dd>emphasis and code</dd>
    <dt><code>- item</code>, <code>1. item</code></dt><dd>lists</dd>
    <dt><code>[text](https://example.org)</code></dt><dd>a link to another site</dd>
    <dt><code>[[Page Name]]</code>, <code>[[Page Name|text]]</code></dt><dd>a link to a page of this wiki; a missing page's link is shown dashed and creates it</dd>
  </dl>
</details>
</article>`,
  });
}
