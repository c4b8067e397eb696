// A readable unified diff: changed lines with the changed words marked, unchanged lines
// folded down to a little context, line numbers on both sides.
import { diffLines, diffWords, type LineBlock, type WordBudget, wordBudget } from '../../merge/index.js';
import { type Html, html } from '../html.js';

const CONTEXT = 3;
/** Below this share of unchanged text, a pair of lines is shown as wholly replaced. */
const MIN_SIMILARITY = 0.35;

type Row =
  | { kind: 'same'; old: number; new: number; text: string }
  | { kind: 'removed'; old: number; content: Html }
  | { kind: 'added'; new: number; content: Html }
  | { kind: 'skip'; count: number };

function visible(line: string): { text: string; eol: Html | '' } {
  return line.endsWith('\n')
    ? { text: line.slice(0, -1), eol: '' }
    : { text: line, eol: html`<span class="eol">no newline at end</span>` };
}

function wholeLine(line: string): Html {
  const { text, eol } = visible(line);
  return html`${text}${eol}`;
}

/** The two lines with their changed words marked, or undefined when they are too different. */
function pairedLines(before: string, after: string, budget: WordBudget): [Html, Html] | undefined {
  const parts = diffWords(visible(before).text, visible(after).text, budget);
  if (!parts) return undefined;
  const same = parts.filter((p) => p.kind === 'same').reduce((n, p) => n + p.text.trim().length, 0);
  const longest = Math.max(before.trim().length, after.trim().length, 1);
  if (same / longest < MIN_SIMILARITY) return undefined;
  const side = (keep: 'removed' | 'added', line: string) =>
    html`${parts.map((p) =>
      p.kind === 'same' ? p.text : p.kind !== keep ? '' : keep === 'removed' ? html`<del>${p.text}</del>` : html`<ins>${p.text}</ins>`,
    )}${visible(line).eol}`;
  return [side('removed', before), side('added', after)];
}

function rowsOf(blocks: readonly LineBlock[], budget: WordBudget): Row[] {
  const rows: Row[] = [];
  let oldLine = 1;
  let newLine = 1;
  blocks.forEach((block, b) => {
    if (block.kind === 'same') {
      const n = block.lines.length;
      const head = b === 0 ? 0 : Math.min(CONTEXT, n);
      const tail = b === blocks.length - 1 ? 0 : Math.min(CONTEXT, n - head);
      block.lines.forEach((line, i) => {
        if (i === head && n - head - tail > 0) rows.push({ kind: 'skip', count: n - head - tail });
        if (i < head || i >= n - tail) rows.push({ kind: 'same', old: oldLine + i, new: newLine + i, text: line });
      });
      oldLine += n;
      newLine += n;
      return;
    }
    const pairs = block.removed.length === block.added.length
      ? block.removed.map((line, i) => pairedLines(line, block.added[i]!, budget))
      : [];
    block.removed.forEach((line, i) => rows.push({ kind: 'removed', old: oldLine + i, content: pairs[i]?.[0] ?? wholeLine(line) }));
    block.added.forEach((line, i) => rows.push({ kind: 'added', new: newLine + i, content: pairs[i]?.[1] ?? wholeLine(line) }));
    oldLine += block.removed.length;
    newLine += block.added.length;
  });
  return rows;
}

function row(r: Row): Html {
  switch (r.kind) {
    case 'skip':
      return html`<tr class="skip"><td colspan="3">⋯ ${r.count} unchanged line${r.count === 1 ? '' : 's'}</td></tr>`;
    case 'same':
      return html`<tr class="same"><td class="ln">${r.old}</td><td class="ln">${r.new}</td><td class="code">${wholeLine(r.text)}</td></tr>`;
    case 'removed':
      return html`<tr class="removed"><td class="ln">${r.old}</td><td class="ln"></td><td class="code"><span class="visually-hidden">Removed: </span>${r.content}</td></tr>`;
    case 'added':
      return html`<tr class="added"><td class="ln"></td><td class="ln">${r.new}</td><td class="code"><span class="visually-hidden">Added: </span>${r.content}</td></tr>`;
  }
}

export interface DiffStats {
  readonly added: number;
  readonly removed: number;
}

export function diffStats(blocks: readonly LineBlock[]): DiffStats {
  let added = 0;
  let removed = 0;
  for (const block of blocks) {
    if (block.kind === 'change') {
      added += block.added.length;
      removed += block.removed.length;
    }
  }
  return { added, removed };
}

export const LINES_ONLY_NOTE = 'This change is too large to compare word by word: some changed lines are shown whole.';

/** The diff of two texts as a table, captioned for screen readers. */
export function diffTable(before: string, after: string, caption: string): Html {
  const blocks = diffLines(before, after);
  const stats = diffStats(blocks);
  if (stats.added + stats.removed === 0) return html`<p class="diff-none">The two texts are the same.</p>`;
  // One word-diff budget for the whole table (see MAX_WORD_DIFF_WORK).
  const budget = wordBudget();
  const rows = rowsOf(blocks, budget);
  return html`<p class="diff-stats"><span class="plus">+${stats.added}</span> <span class="minus">−${stats.removed}</span> lines</p>
${budget.exhausted ? html`<p class="notice diff-lines-only">${LINES_ONLY_NOTE}</p>\n` : ''}<div class="diff-wrap"><table class="diff">
<caption class="visually-hidden">${caption}</caption>
<tbody>
${rows.map((r) => html`${row(r)}\n`)}</tbody>
</table></div>`;
}
