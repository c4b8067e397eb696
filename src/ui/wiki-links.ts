// [[Page Name]], [[Page Name|label]], [[Page#Section]] and [[#Section]]: links between pages
// and to their headings, as a markdown-it inline rule. The parse records every target page in
// env.wikiLinks; the render styles each link by whether its page exists (env.existingPages),
// so the caller can look them all up in between.
import type { MarkdownIt, StateInline, Token } from 'markdown-it';
import { parsePageName } from '../pages/page-name.js';
import { wikiPath } from './format.js';
import { headingId } from './headings.js';

export interface WikiLinkEnv {
  wikiLinks?: Set<string>;
  existingPages?: ReadonlySet<string>;
  /** When set, the render writes LINK_MARK for each link's start tag and the targets here, in order. */
  linkOrder?: string[];
  /** With linkOrder: each link's heading id, '' for none. */
  linkFragments?: string[];
  [key: string | symbol]: unknown;
}

/** A link target as a page name, or undefined when it cannot name a page. */
export function wikiLinkTarget(text: string): string | undefined {
  try {
    return parsePageName(text.trim().replace(/\s+/g, ' '));
  } catch {
    return undefined;
  }
}

/** Where a link goes: a page (undefined: this one) and a heading's id ('' for none). */
export interface WikiLinkDestination {
  readonly name: string | undefined;
  readonly fragment: string;
}

/** The first "#" not escaped as "\#", or -1. */
function fragmentStart(text: string): number {
  for (let i = text.indexOf('#'); i >= 0; i = text.indexOf('#', i + 1)) if (text.charCodeAt(i - 1) !== 0x5c /* backslash */) return i;
  return -1;
}

const unescapeHash = (text: string) => text.replace(/\\#/g, '#');

/**
 * A link's target split at its first "#": the page name (the existence check uses it alone)
 * and the heading, made an id as headings are. A trailing "#" stays in the name ("C#"), and
 * "\#" is a "#" of the name ("[[C\# tips]]"). Undefined when it cannot name a page.
 */
export function wikiLinkDestination(text: string): WikiLinkDestination | undefined {
  const hash = fragmentStart(text);
  const heading = hash < 0 ? '' : text.slice(hash + 1).trim();
  if (heading === '') {
    const name = wikiLinkTarget(unescapeHash(text));
    return name === undefined ? undefined : { name, fragment: '' };
  }
  const page = text.slice(0, hash).trim();
  if (page === '') return { name: undefined, fragment: headingId(heading) };
  const name = wikiLinkTarget(unescapeHash(page));
  return name === undefined ? undefined : { name, fragment: headingId(heading) };
}

/**
 * Where the "]]" closing a link opened at `from` - 2 is, or -1. A target holds no "[", "]" or
 * line break, so the first of those decides, and each scan stops at the next "[": the scans of
 * all the "[[" of a text together read it about once (searching for "]]" to the end of the
 * text at each "[[" took minutes for a page of "[[").
 */
export function wikiLinkClose(src: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x5d /* ] */) return i + 1 < end && src.charCodeAt(i + 1) === 0x5d ? i : -1;
    if (c === 0x5b /* [ */ || c === 0x0a /* \n */) return -1;
  }
  return -1;
}

function wikiLinkRule(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  if (src.charCodeAt(pos) !== 0x5b /* [ */ || src.charCodeAt(pos + 1) !== 0x5b) return false;
  const close = wikiLinkClose(src, pos + 2, posMax);
  if (close < 0) return false;
  const inner = src.slice(pos + 2, close);
  const bar = inner.indexOf('|');
  const destination = wikiLinkDestination(bar < 0 ? inner : inner.slice(0, bar));
  const label = bar < 0 ? unescapeHash(inner).trim() : inner.slice(bar + 1).trim();
  if (destination === undefined || label === '') return false;
  if (!silent) {
    const open = state.push('wikilink_open', 'a', 1);
    open.meta = { ...destination };
    const text = state.push('text', '', 0);
    text.content = label;
    state.push('wikilink_close', 'a', -1);
    const env = state.env as WikiLinkEnv;
    if (destination.name !== undefined) (env.wikiLinks ??= new Set()).add(destination.name);
  }
  state.pos = close + 2;
  return true;
}

export function wikiLinks(md: MarkdownIt): void {
  // Before "link", so that [[x]] is never read as a reference link "[x]".
  md.inline.ruler.before('link', 'wikilink', wikiLinkRule);
  md.renderer.rules['wikilink_open'] = (tokens: Token[], idx: number, _options, env) => {
    const { name, fragment } = tokens[idx]!.meta as unknown as WikiLinkDestination;
    // A heading of this page: there whatever exists.
    if (name === undefined) return `<a class="wikilink" href="#${escapeHtml(fragment)}">`;
    const linkEnv = env as WikiLinkEnv | undefined;
    // Rendering without knowing which pages exist: a mark in the HTML, the name in order.
    if (linkEnv?.linkOrder) {
      linkEnv.linkOrder.push(name);
      (linkEnv.linkFragments ??= []).push(fragment);
      return LINK_MARK;
    }
    return wikiLinkTag(name, linkEnv?.existingPages?.has(name) ?? false, fragment);
  };
  md.renderer.rules['wikilink_close'] = () => '</a>';
}

/**
 * Stands for a wiki link's start tag in HTML rendered before the links' pages were looked up.
 * markdown-it turns every NUL of the source into U+FFFD, so no other NUL reaches the HTML.
 */
export const LINK_MARK = '\u0000';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** markdown-it's escaping (no apostrophe), so tags look as they did when markdown-it wrote them. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);
}

/** The start tag of a link to page `name` (at heading `fragment`), styled and aimed by whether the page exists. */
export function wikiLinkTag(name: string, exists: boolean, fragment = ''): string {
  if (exists) return `<a class="wikilink" href="${escapeHtml(wikiPath.page(name) + (fragment === '' ? '' : `#${fragment}`))}">`;
  return `<a class="wikilink missing" href="${escapeHtml(wikiPath.edit(name))}" title="${escapeHtml(`Create the page “${name}” (it does not exist yet)`)}">`;
}
