// The all-pages view as a tree: each subpage nested under its parent (`Team/Onboarding` under
// `Team`), in nested lists, styled by class only (the CSP allows no inline style).
import type { PageSummary } from '../../storage/store.js';
import { byteSize, dateTime, wikiPath } from '../format.js';
import { type Html, html } from '../html.js';

interface Node {
  readonly name: string;
  page?: PageSummary;
  readonly children: Map<string, Node>;
}

/** One listing's pages as a tree; a parent missing from it (it does not exist) is a plain label. */
export function buildPageTree(pages: readonly PageSummary[]): Node {
  const root: Node = { name: '', children: new Map() };
  for (const page of pages) {
    let node = root;
    const parts = page.name.split('/');
    parts.forEach((part, i) => {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = { name: parts.slice(0, i + 1).join('/'), children: new Map() }));
      node = child;
    });
    node.page = page;
  }
  return root;
}

function label(node: Node, part: string): Html {
  if (!node.page) return html`<span class="no-page" title="${`There is no page named “${node.name}”`}">${part}</span>`;
  return html`<a href="${wikiPath.page(node.name)}">${part}</a> <span class="meta">${byteSize(node.page.size)} · ${dateTime(node.page.lastModified)}</span>`;
}

function branches(node: Node, top: boolean): Html {
  // Sorted by the part's own text, so that "Team/A" nests under "Team" even though "Team B" comes between them in name order.
  const parts = [...node.children.keys()].sort();
  return html`<ul class="${top ? 'pages tree' : 'subtree'}">
${parts.map((part) => {
  const child = node.children.get(part)!;
  return html`<li>${label(child, part)}${child.children.size > 0 ? branches(child, false) : ''}</li>\n`;
})}</ul>`;
}

export function pageTree(pages: readonly PageSummary[]): Html {
  return branches(buildPageTree(pages), true);
}
