import type { Database } from 'better-sqlite3';

/**
 * Versioned migrations, applied in order at start. PRAGMA user_version records how many
 * have run; the check and the migration share one IMMEDIATE transaction, so several
 * processes starting at once apply each migration exactly once.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- One row per page name: the latest revision's validators, and no content, so that
  -- the metadata read behind a 304 never touches the page body.
  CREATE TABLE pages (
    name        TEXT PRIMARY KEY,
    revision    INTEGER NOT NULL,
    deleted     INTEGER NOT NULL,
    etag        TEXT,
    modified_ms INTEGER NOT NULL,
    date_shared INTEGER NOT NULL,
    size        INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- Every revision, deletions included. seq is the store-wide change sequence;
  -- content comes last so that reading the other columns never reads its overflow pages.
  CREATE TABLE revisions (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    deleted     INTEGER NOT NULL,
    etag        TEXT,
    modified_ms INTEGER NOT NULL,
    date_shared INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    summary     TEXT NOT NULL,
    author      TEXT NOT NULL,
    content     TEXT,
    UNIQUE (name, revision)
  );
  `,
  `
  -- Full-text search over current pages only. Each row's rowid is the seq of the revision it
  -- holds, so replacing a page's text is an indexed delete plus an insert, never a scan.
  CREATE VIRTUAL TABLE page_search USING fts5(name UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2');
  INSERT INTO page_search (rowid, name, body)
    SELECT r.seq, r.name, r.content FROM pages p JOIN revisions r ON r.name = p.name AND r.revision = p.revision
    WHERE p.deleted = 0;
  `,
];

export function migrate(db: Database): void {
  db.transaction(() => {
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (let version = applied; version < MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version]!);
    }
    if (applied < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
