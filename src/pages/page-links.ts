// The pages a revision links to: the targets of its [[Page]], [[Page|label]] and
// [[Page#Section]] links, as page names (the wiki's link rule, src/ui/wiki-links.ts, reads
// them the same way). The write path hands them to the store, which keeps the links table
// (backlinks) in the write's own transaction.
import { parsePageName } from './page-name.js';

/** Most distinct targets kept for one revision: a page of a million links costs a bounded write. */
export const MAX_LINKS_PER_PAGE = 1000;

/** A link's target text as a page name ("#Section" is not part of it), or undefined. */
function targetName(inner: string): string | undefined {
  const bar = inner.indexOf('|');
  const label = (bar < 0 ? inner : inner.slice(bar + 1)).trim();
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const hash = target.indexOf('#');
  const page = (hash < 0 ? target : target.slice(0, hash)).trim().replace(/\s+/g, ' ');
  if (label === '' || page === '') return undefined;
  try {
    return parsePageName(page);
  } catch {
    return undefined;
  }
}

/** Where the "]]" closing a link whose target starts at `from` is, or -1: a target holds no "[", "]" or line break. */
function closeOf(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5d /* ] */) return text.charCodeAt(i + 1) === 0x5d ? i : -1;
    if (c === 0x5b /* [ */ || c === 0x0a /* \n */) return -1;
  }
  return -1;
}

/**
 * The distinct pages `markdown` links to, in order of first appearance, at most
 * MAX_LINKS_PER_PAGE. Linear: each scan for a "]]" stops at the next "[", so all of them
 * together read the text about once. Links inside code are counted too (the text is not parsed
 * as Markdown here): a backlink too many, never one missing.
 */
export function pageLinks(markdown: string): string[] {
  const found = new Set<string>();
  for (let open = markdown.indexOf('[['); open >= 0 && found.size < MAX_LINKS_PER_PAGE; ) {
    const close = closeOf(markdown, open + 2);
    if (close < 0) {
      open = markdown.indexOf('[[', open + 1);
      continue;
    }
    const name = targetName(markdown.slice(open + 2, close));
    if (name !== undefined) found.add(name);
    open = markdown.indexOf('[[', close + 2);
  }
  return [...found];
}

/**
 * The links table's target for a file a page shows or links to: the file's path in the wiki,
 * "/files/NAME". No page name begins with "/", so it never stands for a page, and a file's
 * "used on" list is the backlinks of this target, from the same table as a page's.
 */
export function fileLinkTarget(fileName: string): string {
  return `/files/${fileName}`;
}
