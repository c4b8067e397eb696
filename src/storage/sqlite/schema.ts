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
  `
  -- Accounts (src/storage/accounts.ts). Sessions and tokens are kept by the SHA-256 digest of
  -- their secret, never the secret itself; passwords by their scrypt hash.
  CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_ms    INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    digest     TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ms INTEGER NOT NULL,
    seen_ms    INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    digest     TEXT NOT NULL UNIQUE,
    created_ms INTEGER NOT NULL,
    used_ms    INTEGER
  );
  CREATE INDEX api_tokens_user ON api_tokens (user_id);
  -- Pages only admins may edit; by name, so a deleted protected page stays protected.
  CREATE TABLE page_protection (
    name         TEXT PRIMARY KEY,
    protected_by TEXT NOT NULL,
    since_ms     INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Search, rebuilt (issue 13): search_text holds the start of each current page's plain text
  -- (the snippets' source, deflated), keyed by the seq of the revision it came from; the FTS5
  -- index keeps no text of its own (contentless) and is fed the words of the name and of the
  -- whole text (search-terms.ts). The store fills both for existing pages when it opens.
  DROP TABLE page_search;
  CREATE TABLE search_text (
    seq  INTEGER PRIMARY KEY,
    body BLOB NOT NULL
  );
  CREATE VIRTUAL TABLE page_search USING fts5(name, body, content = '', contentless_delete = 1, tokenize = 'unicode61');
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
