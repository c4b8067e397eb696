// The title and tabs above every view of one page.
import { type Html, type HtmlValue, html } from '../html.js';
import { wikiPath } from '../format.js';

export type PageTab = 'read' | 'edit' | 'history' | 'none';

export function pageHeader(name: string, active: PageTab, heading: HtmlValue = name): Html {
  const tab = (id: PageTab, href: string, label: string) =>
    html`<a href="${href}"${id === active ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<header class="page-head">
  <h1>${heading}</h1>
  <nav class="tabs" aria-label="Page">
    ${tab('read', wikiPath.page(name), 'Read')}
    ${tab('edit', wikiPath.edit(name), 'Edit')}
    ${tab('history', wikiPath.history(name), 'History')}
  </nav>
</header>`;
}
