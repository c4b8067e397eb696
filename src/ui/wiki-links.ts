// [[Page Name]] and [[Page Name|label]]: links between pages, as a markdown-it inline rule.
// The parse records every target in env.wikiLinks; the render styles each link by whether
// its page exists (env.existingPages), so the caller can look them all up in between.
import type { MarkdownIt, StateInline, Token } from 'markdown-it';
import { parsePageName } from '../http/page-name.js';
import { wikiPath } from './format.js';

export interface WikiLinkEnv {
  wikiLinks?: Set<string>;
  existingPages?: ReadonlySet<string>;
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

function wikiLinkRule(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  if (src.charCodeAt(pos) !== 0x5b /* [ */ || src.charCodeAt(pos + 1) !== 0x5b) return false;
  const close = src.indexOf(']]', pos + 2);
  if (close < 0 || close + 2 > posMax) return false;
  const inner = src.slice(pos + 2, close);
  if (/[[\]\n]/.test(inner)) return false;
  const bar = inner.indexOf('|');
  const name = wikiLinkTarget(bar < 0 ? inner : inner.slice(0, bar));
  const label = (bar < 0 ? inner : inner.slice(bar + 1)).trim();
  if (name === undefined || label === '') return false;
  if (!silent) {
    const open = state.push('wikilink_open', 'a', 1);
    open.meta = { name };
    const text = state.push('text', '', 0);
    text.content = label;
    state.push('wikilink_close', 'a', -1);
    const env = state.env as WikiLinkEnv;
    (env.wikiLinks ??= new Set()).add(name);
  }
  state.pos = close + 2;
  return true;
}

export function wikiLinks(md: MarkdownIt): void {
  // Before "link", so that [[x]] is never read as a reference link "[x]".
  md.inline.ruler.before('link', 'wikilink', wikiLinkRule);
  const escape = md.utils.escapeHtml;
  md.renderer.rules['wikilink_open'] = (tokens: Token[], idx: number, _options, env) => {
    const name = (tokens[idx]!.meta as { name: string }).name;
    if ((env as WikiLinkEnv | undefined)?.existingPages?.has(name)) {
      return `<a class="wikilink" href="${escape(wikiPath.page(name))}">`;
    }
    return `<a class="wikilink missing" href="${escape(wikiPath.edit(name))}" title="${escape(`Create the page “${name}” (it does not exist yet)`)}">`;
  };
  md.renderer.rules['wikilink_close'] = () => '</a>';
}
