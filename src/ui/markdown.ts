// Page source to HTML: CommonMark with tables and strikethrough, raw HTML off, only safe
// URL schemes, [[wiki links]], heading ids and a table of contents.
import MarkdownIt from 'markdown-it';
import type { RendererRule, Token } from 'markdown-it';
import { headingAnchors } from './headings.js';
import { LINK_MARK, type WikiLinkEnv, wikiLinks, wikiLinkTag } from './wiki-links.js';

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);
const SAFE_DATA_IMAGE = /^data:image\/(png|gif|jpeg|webp);/;

/**
 * True for URLs that cannot run script: relative ones and the schemes in SAFE_SCHEMES, plus
 * data: raster images. Browsers ignore tabs, newlines and leading control characters and
 * spaces in a scheme ("java\tscript:"), so they are ignored here too.
 */
export function isSafeUrl(url: string): boolean {
  // eslint-disable-next-line no-control-regex
  const squeezed = url.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(squeezed)?.[1];
  if (scheme === undefined) return true;
  if (scheme === 'data') return SAFE_DATA_IMAGE.test(squeezed);
  return SAFE_SCHEMES.has(scheme);
}

function isExternal(href: string): boolean {
  return /^(https?:)?\/\//i.test(href);
}

const ALIGNMENTS = new Set(['left', 'center', 'right']);

/**
 * A table cell with its column's alignment as a class: markdown-it writes it as a style
 * attribute, which the Content-Security-Policy (no 'unsafe-inline' styles) makes browsers ignore.
 */
const alignedCell: RendererRule = (tokens, idx, _options, _env, self) => {
  const token = tokens[idx]!;
  const align = /^text-align:(\w+)$/.exec(String(token.attrGet('style') ?? ''))?.[1];
  const attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
  if (align !== undefined && ALIGNMENTS.has(align)) attrs.push(['class', `align-${align}`]);
  return `<${token.tag}${self.renderAttrs({ attrs } as Token)}>`;
};

function createRenderer() {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: true });
  md.validateLink = isSafeUrl;
  md.use(wikiLinks);
  md.use(headingAnchors);
  md.renderer.rules['th_open'] = alignedCell;
  md.renderer.rules['td_open'] = alignedCell;
  // Links to other sites: no referrer, no ranking credit, no window.opener.
  md.renderer.rules['link_open'] = (tokens, idx, _options, _env, self) => {
    const token = tokens[idx]!;
    const href = String(token.attrGet('href') ?? '');
    const attrs = [...(token.attrs ?? [])];
    if (isExternal(href)) attrs.push(['rel', 'nofollow ugc noopener noreferrer']);
    return `<a${self.renderAttrs({ attrs } as Token)}>`;
  };
  const image = md.renderer.rules['image']!;
  md.renderer.rules['image'] = (tokens, idx, options, env, self) =>
    image(tokens, idx, options, env, self).replace(/^<img /, '<img loading="lazy" ');
  return md;
}

const md = createRenderer();

export interface ParsedMarkdown {
  readonly tokens: Token[];
  /** The pages the text links to with [[...]]. */
  readonly wikiLinks: ReadonlySet<string>;
}

export function parseMarkdown(source: string): ParsedMarkdown {
  const env: WikiLinkEnv = {};
  const tokens = md.parse(source, env);
  return { tokens, wikiLinks: env.wikiLinks ?? new Set() };
}

/** HTML for parsed Markdown; `existingPages` decides how each wiki link looks and where it goes. */
export function renderMarkdown(parsed: ParsedMarkdown, existingPages: ReadonlySet<string>): string {
  const env: WikiLinkEnv = { existingPages };
  return md.renderer.render(parsed.tokens, md.options, env);
}

/**
 * A text rendered once for every state of its links: the HTML cut at each wiki link's start
 * tag, and the link targets in order (`parts` has one more entry than `links`).
 */
export interface RenderedParts {
  readonly parts: readonly string[];
  readonly links: readonly string[];
  /** The heading id each link aims at, '' for the page's top (as long as `links`). */
  readonly fragments: readonly string[];
}

/** Renders Markdown before knowing which linked pages exist (the slow part, for a worker). */
export function renderParts(source: string): RenderedParts {
  const parsed = parseMarkdown(source);
  const env: WikiLinkEnv = { linkOrder: [], linkFragments: [] };
  const markup = md.renderer.render(parsed.tokens, md.options, env);
  return { parts: markup.split(LINK_MARK), links: env.linkOrder!, fragments: env.linkFragments! };
}

/** The HTML of rendered parts once the existing pages are known: linear in its length. */
export function joinParts(rendered: RenderedParts, existingPages: ReadonlySet<string>): string {
  const { parts, links, fragments } = rendered;
  let out = parts[0] ?? '';
  links.forEach((name, i) => {
    out += wikiLinkTag(name, existingPages.has(name), fragments[i]) + (parts[i + 1] ?? '');
  });
  return out;
}
