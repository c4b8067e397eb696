// The links table on SQLite (backlinks, issue 16): each write replaces its page's rows in its own
// transaction; pages stored before the table existed get theirs when a store opens
// (links_unscanned), a batch per transaction, so an interrupted fill resumes.
import type Database from 'better-sqlite3';
import { backlinksSql, type BacklinkRow, REDIRECT_SQL } from '../link-queries.js';
import { decodeRevisionSync } from '../revision-codec.js';
import type { LinkTargets } from '../store.js';

const FILL_BATCH = 200;

export function linkStatements(db: Database.Database) {
  return {
    unlink: db.prepare<[string], unknown>('DELETE FROM links WHERE from_name = ?'),
    // The targets travel as one JSON array: one statement, whatever their number.
    link: db.prepare<[string, string], unknown>('INSERT OR IGNORE INTO links (from_name, to_name) SELECT ?, value FROM json_each(?)'),
    scanned: db.prepare<[string], unknown>('DELETE FROM links_unscanned WHERE name = ?'),
    unredirect: db.prepare<[string], unknown>('DELETE FROM redirects WHERE name = ?'),
    unscanned: db.prepare<[number], { name: string; revision: number | null; deleted: number | null }>(
      'SELECT u.name, p.revision, p.deleted FROM links_unscanned u LEFT JOIN pages p ON p.name = u.name ORDER BY u.name LIMIT ?',
    ),
    text: db.prepare<[string, number], { content: string | Buffer | null; encoding: number }>('SELECT content, encoding FROM revisions WHERE name = ? AND revision = ?'),
    backlinks: db.prepare<[{ p1: string; p2: string; p3: number }], BacklinkRow>(backlinksSql((n) => `@p${n}`)),
    redirect: db.prepare<[string], { target: string }>(REDIRECT_SQL(() => '?')),
    redirected: db.prepare<[string], { name: string }>('SELECT name FROM redirects WHERE name IN (SELECT value FROM json_each(?))'),
  };
}

export type LinkStatements = ReturnType<typeof linkStatements>;

/**
 * Inside a write's transaction: the page's links become `links` (none for a deletion). A
 * creation had none (a delete cleared them, a move took them along) and may replace a redirect.
 */
export function replaceLinks(s: LinkStatements, name: string, created: boolean, links: readonly string[]): void {
  if (created) s.unredirect.run(name);
  else {
    s.unlink.run(name);
    s.scanned.run(name);
  }
  if (links.length > 0) s.link.run(name, JSON.stringify(links));
}

/** Reads the links of every page still in links_unscanned, a batch per IMMEDIATE transaction. */
export function fillUnscannedLinks(db: Database.Database, s: LinkStatements, targets: LinkTargets): void {
  const batch = db.transaction(() => {
    const rows = s.unscanned.all(FILL_BATCH);
    for (const row of rows) {
      if (row.revision !== null && row.deleted === 0) {
        const stored = s.text.get(row.name, row.revision);
        const text = stored?.content == null ? '' : decodeRevisionSync(stored.encoding, stored.content);
        s.unlink.run(row.name);
        const links = targets(text);
        if (links.length > 0) s.link.run(row.name, JSON.stringify(links));
      }
      s.scanned.run(row.name);
    }
    return rows.length;
  });
  while (batch.immediate() === FILL_BATCH);
}
