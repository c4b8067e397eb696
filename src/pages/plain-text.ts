// The text a reader sees on a page, without Markdown syntax: what the search index gets
// (WriteInfo.searchText), so snippets show words and never `**`, `](http…)` or `|---|`.
//
// Its signature is `(markdown: string) => string` on purpose: a pure function of the source,
// so it can run in the rendering worker pool as it is. Parsing is markdown-it's (linear for
// our purposes; none of the wiki's own rules), on at most PLAIN_TEXT_SOURCE characters.
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

/** Source characters parsed; the index keeps 256 Ki characters of text anyway (search-terms.ts). */
export const PLAIN_TEXT_SOURCE = 320 * 1024;

// html: true only so that raw HTML arrives as its own tokens, whose tags are then dropped.
const parser = new MarkdownIt({ html: true, linkify: false, typographer: false });

const TAG = /<[^<>]*>/g;
// [[Target]] and [[Target|label]] read as the text the link shows. Each attempt stops at the
// next bracket or newline, so the scan stays linear.
const WIKI_LINK = /\[\[([^[\]\n|]*)(?:\|([^[\]\n]*))?\]\]/g;
const BLOCK_END = new Set(['paragraph_close', 'heading_close', 'blockquote_close', 'list_item_close', 'tr_close', 'hr']);
const CELL_END = new Set(['th_close', 'td_close']);

/** The page's readable text: paragraphs, headings, list items, link labels, image alt text, code. */
export function searchText(markdown: string): string {
  const tokens = parser.parse(markdown.slice(0, PLAIN_TEXT_SOURCE), {});
  const out: string[] = [];
  for (const token of tokens) {
    if (token.type === 'inline') inlineText(token.children ?? [], out);
    else if (token.type === 'fence' || token.type === 'code_block') out.push(token.content, '\n');
    else if (token.type === 'html_block') out.push(token.content.replace(TAG, ' '), '\n');
    else if (BLOCK_END.has(token.type)) out.push('\n');
    else if (CELL_END.has(token.type)) out.push(' ');
  }
  return out.join('').replace(/\n{3,}/g, '\n\n').trim();
}

function inlineText(children: readonly Token[], out: string[]): void {
  for (const child of children) {
    switch (child.type) {
      case 'text':
        out.push(child.content.replace(WIKI_LINK, (_all, target: string, label?: string) => label?.trim() || target.trim()));
        break;
      case 'code_inline':
        out.push(child.content);
        break;
      case 'image':
        inlineText(child.children ?? [], out);
        break;
      case 'html_inline':
        out.push(child.content.replace(TAG, ''));
        break;
      case 'softbreak':
        out.push(' ');
        break;
      case 'hardbreak':
        out.push('\n');
        break;
      default:
        break;
    }
  }
}
