// Headings get ids, and a page with three or more headings gets a table of contents, as a
// markdown-it core rule. Written here rather than taken from markdown-it-anchor 10: that
// plugin searches the token list again after every heading and numbers a repeated heading by
// trying -1, -2, … from the start each time, so its cost grows with the square of the number of
// headings (10,000 repeated headings, 79 kB of text, took 11 s). Everything here is one pass.
import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import { escapeHtml } from './html.js';

/** Every heading id starts with this, so no heading can take an id of the page around it ("main", "content"…). */
export const HEADING_ID_PREFIX = 'section-';

/** Headings a page needs before it shows a table of contents. */
export const CONTENTS_MIN_HEADINGS = 3;

/**
 * A heading's (or a link fragment's) text as an id: lower case, letters and digits of any
 * script kept, every other run of characters one "-", with HEADING_ID_PREFIX in front.
 */
export function headingId(text: string): string {
  const slug = text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? HEADING_ID_PREFIX.slice(0, -1) : HEADING_ID_PREFIX + slug;
}

/**
 * Ids made unique in order of appearance: the second "Setup" is "section-setup-2". Each base
 * remembers the number it got to, and a candidate is skipped only when some heading took it
 * (each taken id is skipped at most once per base), so the whole page costs linear time.
 */
export class UniqueIds {
  private readonly taken = new Set<string>();
  private readonly next = new Map<string, number>();

  claim(id: string): string {
    let unique = id;
    if (this.taken.has(id)) {
      let n = this.next.get(id) ?? 2;
      while (this.taken.has(`${id}-${n}`)) n++;
      this.next.set(id, n + 1);
      unique = `${id}-${n}`;
    }
    this.taken.add(unique);
    return unique;
  }
}

export interface Heading {
  readonly level: number;
  readonly id: string;
  readonly text: string;
}

/** The plain text of a heading's inline tokens (its words and code, not its markup). */
function headingText(inline: Token | undefined): string {
  let text = '';
  for (const child of inline?.children ?? []) if (child.type === 'text' || child.type === 'code_inline') text += child.content;
  return text;
}

/** Nested lists of links to the headings, by level; a skipped level nests one step only. */
export function contentsHtml(headings: readonly Heading[]): string {
  let out = '<nav class="contents" aria-label="Contents">\n<p class="contents-title">Contents</p>\n';
  const open: number[] = [];
  for (const { level, id, text } of headings) {
    while (open.length > 0 && open[open.length - 1]! > level) {
      open.pop();
      out += '</li>\n</ol>\n';
    }
    if (open.length === 0 || open[open.length - 1]! < level) {
      open.push(level);
      out += '<ol>\n';
    } else {
      out += '</li>\n';
    }
    out += `<li><a href="#${escapeHtml(id)}">${escapeHtml(text)}</a>`;
  }
  for (let i = 0; i < open.length; i++) out += '</li>\n</ol>\n';
  return `${out}</nav>\n`;
}

function headingRule(state: StateCore): void {
  const ids = new UniqueIds();
  const headings: Heading[] = [];
  let first = -1;
  state.tokens.forEach((token, i) => {
    if (token.type !== 'heading_open') return;
    const text = headingText(state.tokens[i + 1]);
    const id = ids.claim(headingId(text));
    token.attrSet('id', id);
    headings.push({ level: Number(token.tag.slice(1)), id, text });
    if (first < 0 && token.level === 0) first = i;
  });
  if (headings.length < CONTENTS_MIN_HEADINGS) return;
  // Before the first heading outside quotes and lists, so a page's opening paragraph stays first.
  const contents = new state.Token('html_block', '', 0);
  contents.content = contentsHtml(headings);
  state.tokens.splice(Math.max(first, 0), 0, contents);
}

export function headingAnchors(md: MarkdownIt): void {
  md.core.ruler.push('heading_ids', headingRule);
}
