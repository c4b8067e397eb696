// The storage scenario's corpus: the Markdown that ships in node_modules (READMEs, changelogs,
// licences), written as pages of several revisions each, each revision a plausible edit of the
// one before (the document growing to its full length, then a paragraph added).

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
