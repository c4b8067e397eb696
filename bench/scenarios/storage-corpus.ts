// The storage scenario's corpus: the Markdown that ships in node_modules (READMEs, changelogs,
// licences), written as pages of several revisions each, each revision a plausible edit of the
// one before (the document growing to its full length, then a paragraph added).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DOCUMENT = /^(readme|changelog|history|license|licence)(\.(md|markdown|txt))?$|\.(md|markdown)$/i;
const MAX_DEPTH = 6;

/** The Markdown files under `root`, in a stable order, each read once. */
export function markdownDocuments(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (depth < MAX_DEPTH && entry !== '.bin') visit(path, depth + 1);
      } else if (stat.isFile() && stat.size > 0 && stat.size < 2 * 1024 * 1024 && DOCUMENT.test(entry)) {
        found.push(readFileSync(path, 'utf8'));
      }
    }
  };
  visit(root, 0);
  return found;
}

export interface CorpusPage {
  readonly name: string;
  /** Oldest first. */
  readonly revisions: readonly string[];
}

/** Revision k of `revisions`: the first lines of the document, then all of it, then an added paragraph. */
function revisionsOf(title: string, document: string, revisions: number): string[] {
  const lines = document.split('\n');
  const texts: string[] = [];
  for (let k = 1; k <= revisions; k++) {
    const share = Math.min(1, 0.55 + (0.45 * k) / (revisions - 1 || 1));
    const body = lines.slice(0, Math.max(1, Math.ceil(lines.length * share))).join('\n');
    const added = k === revisions ? `\n\n## Notes\n\nRevision ${k} of ${title}: reviewed and extended.\n` : '';
    texts.push(`# ${title}\n\n${body}${added}`);
  }
  return texts;
}

/** Pages built from `documents` round-robin until their revisions hold at least `bytes` of text. */
export function corpusPages(documents: readonly string[], bytes: number, revisions: number): CorpusPage[] {
  if (documents.length === 0) throw new Error('storage: no Markdown documents found in node_modules');
  const pages: CorpusPage[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const title = `Document ${i}`;
    const texts = revisionsOf(title, documents[i % documents.length]!, revisions);
    pages.push({ name: title, revisions: texts });
    total += texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
  }
  return pages;
}

export function textBytes(pages: readonly CorpusPage[]): number {
  return pages.reduce((sum, page) => sum + page.revisions.reduce((s, text) => s + Buffer.byteLength(text, 'utf8'), 0), 0);
}
