// Real Markdown written by other people, for the scenarios that need a corpus: the READMEs,
// changelogs and licences that ship in node_modules, found by one bounded walk.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const DOCUMENT = /^(readme|changelog|changes|history|license|licence|contributing|security|upgrading|migrating)([-_.][\w.-]*)?(\.(md|markdown|txt))?$/i;
const MAX_DOCUMENT_BYTES = 512 * 1024;
const MAX_DOCUMENTS = 5000;
const MAX_DIRECTORIES = 200_000;

export interface SourceDocument {
  /** "fastify README.md" */
  readonly title: string;
  readonly text: string;
}

/** Every README, changelog and licence under `root` (symlinks followed once), in path order. */
export function findDocuments(root: string): SourceDocument[] {
  const found: SourceDocument[] = [];
  const seen = new Set<string>();
  const pending = [root];
  let directories = 0;
  while (pending.length > 0 && found.length < MAX_DOCUMENTS && directories++ < MAX_DIRECTORIES) {
    const dir = pending.pop()!;
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    let entries: string[];
    try {
      entries = readdirSync(real).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(real, entry);
      let stat;
      try {
        stat = statSync(path); // follows links; realpath and `seen` stop cycles
      } catch {
        continue;
      }
      if (stat.isDirectory()) pending.push(path);
      else if (stat.isFile() && DOCUMENT.test(entry) && stat.size > 0 && stat.size <= MAX_DOCUMENT_BYTES) {
        found.push({ title: `${basename(real)} ${entry}`, text: readFileSync(path, 'utf8') });
      }
    }
  }
  found.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  // Two versions of one package: the second is "… #2".
  const titles = new Map<string, number>();
  return found.map((doc) => {
    const n = (titles.get(doc.title) ?? 0) + 1;
    titles.set(doc.title, n);
    return n === 1 ? doc : { ...doc, title: `${doc.title} #${n}` };
  });
}
