// The title and tabs above every view of one page. The tabs depend on who is looking, so a
// page is rendered once with a marker in their place, and each viewer's copy has it filled in
// (personalize, account-nav.ts) with only the actions that viewer may take.
import { type Html, type HtmlValue, html, trusted } from '../html.js';
import { wikiPath } from '../format.js';

/** The view a page's tabs are above; 'missing' is the read view of a page that does not exist (nothing to move or delete). */
export type PageTab = 'read' | 'edit' | 'history' | 'protection' | 'move' | 'delete' | 'missing' | 'none';

/** What one viewer may do to one page (viewer.ts decides). */
export interface PageActions {
  readonly mayEdit: boolean;
  /** Admins switch protection. */
  readonly mayProtect: boolean;
  /** The page is protected, and the viewer could edit it otherwise: say why there is no Edit. */
  readonly protectedNote: boolean;
}

// Names are percent-encoded in the marker, so it holds no space, "<" or ">"; Markdown and
// every other text in a page is escaped, so no page text can make one.
const ACTIONS_MARKER = /<!--midair:page-actions ([^ <>]+) (read|edit|history|protection|move|delete|missing|none)-->/;

export function pageHeader(name: string, active: PageTab, heading: HtmlValue = name): Html {
  return html`<header class="page-head">
  <h1>${heading}</h1>
  ${trusted(`<!--midair:page-actions ${encodeURIComponent(name)} ${active}-->`)}
</header>`;
}

function pageTabs(name: string, active: PageTab, actions: PageActions): Html {
  const tab = (id: PageTab, href: string, label: string) =>
    html`<a href="${href}"${id === active || (id === 'read' && active === 'missing') ? html` aria-current="page"` : ''}>${label}</a>`;
  // Move and Delete go with Edit: the same access (page-write, and admins on a protected page).
  const organise = actions.mayEdit && active !== 'missing';
  return html`<nav class="tabs" aria-label="Page">
    ${tab('read', wikiPath.page(name), 'Read')}
    ${actions.mayEdit ? tab('edit', wikiPath.edit(name), 'Edit') : ''}
    ${tab('history', wikiPath.history(name), 'History')}
    ${organise ? tab('move', wikiPath.action(name, 'move'), 'Move') : ''}
    ${organise ? tab('delete', wikiPath.action(name, 'delete'), 'Delete') : ''}
    ${actions.mayProtect ? tab('protection', `${wikiPath.page(name)}/protection`, 'Protection') : ''}
  </nav>${actions.protectedNote ? html`\n  <p class="protected-note">Protected: only admins may edit this page.</p>` : ''}`;
}

/** The page with its tabs filled in for one viewer. */
export function fillPageActions(page: string, actionsOf: (name: string) => PageActions): string {
  const marker = ACTIONS_MARKER.exec(page);
  if (!marker) return page;
  const name = decodeURIComponent(marker[1]!);
  const actions = actionsOf(name);
  const tabs = pageTabs(name, marker[2] as PageTab, actions).value;
  const filled = page.slice(0, marker.index) + tabs + page.slice(marker.index + marker[0].length);
  if (!filled.includes(EDITORS_OPEN)) return filled;
  return actions.mayEdit ? filled.replaceAll(EDITORS_OPEN, '').replaceAll(EDITORS_CLOSE, '') : filled.replace(EDITORS_ONLY, '');
}

// Links that write to the page (create, re-create, restore) are kept only for viewers who may.
const EDITORS_OPEN = '<!--midair:editors-->';
const EDITORS_CLOSE = '<!--/midair:editors-->';
const EDITORS_ONLY = /<!--midair:editors-->[\s\S]*?<!--\/midair:editors-->/g;

/** Content shown only to viewers who may edit the page named in the page's header. */
export function forEditors(content: Html): Html {
  return html`${trusted(EDITORS_OPEN)}${content}${trusted(EDITORS_CLOSE)}`;
}
