import type { Database } from 'better-sqlite3';
import { keysOfExisting } from '../page-name-key.js';

/**
 * Versioned migrations, applied in order at start. PRAGMA user_version records how many
 * have run; the check and the migration share one IMMEDIATE transaction, so several
 * processes starting at once apply each migration exactly once.
 */
const MIGRATIONS: readonly (string | ((db: Database) => void))[] = [
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
  -- Recent changes filtered by page or by author (src/storage/change-query.ts): each filter a
  -- range scan of one index, newest first, however long the history.
  CREATE INDEX IF NOT EXISTS revisions_name_seq ON revisions (name, seq);
  CREATE INDEX IF NOT EXISTS revisions_author_seq ON revisions (author, seq);
  `,
  `
  -- Compact history (src/storage/history-compactor.ts). encoding says how a row's content is
  -- stored (src/storage/revision-codec.ts): 0 plain TEXT, 1 raw DEFLATE BLOB. Rows written
  -- before it are plain. pending_compression holds the revisions that are no longer current
  -- and still plain; the compactor empties it in small batches, so a store is converted in
  -- place, and a conversion that was killed goes on at the next start.
  ALTER TABLE revisions ADD COLUMN encoding INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE pending_compression (seq INTEGER PRIMARY KEY);
  INSERT INTO pending_compression (seq)
    SELECT r.seq FROM revisions r JOIN pages p ON p.name = r.name
    WHERE r.revision < p.revision AND r.deleted = 0;
  `,
  // Look-alike page names (src/storage/page-name-key.ts): one name per fold key, the UNIQUE
  // index deciding inside the creating write. The keys are computed in JavaScript, in batches
  // (SQLite's lower() folds ASCII only); look-alike pages stored before keep working, the first
  // of each set holding the key and the others none (NULL, which the index does not compare).
  (db) => {
    db.exec('ALTER TABLE pages ADD COLUMN name_key TEXT');
    const read = db.prepare<[string], string>('SELECT name FROM pages WHERE name > ? ORDER BY name LIMIT 1000').pluck();
    const write = db.prepare<[string, string], unknown>('UPDATE pages SET name_key = ? WHERE name = ?');
    const taken = new Set<string>();
    for (let names = read.all(''); names.length > 0; names = read.all(names.at(-1)!)) {
      for (const { name, key } of keysOfExisting(names, taken)) if (key !== null) write.run(key, name);
    }
    db.exec('CREATE UNIQUE INDEX pages_name_key ON pages (name_key)');
  },
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
  `
  -- Backlinks and moves (issue 16). links: a row per (page, page its text links to) for every
  -- current page, replaced by each write in its own transaction; to_name need not exist (red
  -- links). redirects: each name a page moved away from, and where it is now. links_unscanned:
  -- pages stored before links existed, whose links the store reads when it opens, a batch per
  -- transaction (sqlite/sqlite-links.ts), so an interrupted fill goes on at the next start.
  CREATE TABLE IF NOT EXISTS links (
    from_name TEXT NOT NULL,
    to_name   TEXT NOT NULL,
    PRIMARY KEY (from_name, to_name)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS links_to ON links (to_name, from_name);
  CREATE TABLE IF NOT EXISTS redirects (
    name   TEXT PRIMARY KEY,
    target TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS redirects_target ON redirects (target);
  CREATE TABLE IF NOT EXISTS links_unscanned (name TEXT PRIMARY KEY) WITHOUT ROWID;
  INSERT OR IGNORE INTO links_unscanned (name) SELECT name FROM pages WHERE deleted = 0;
  `,
  `
  -- Files (src/storage/files.ts, issue 17). A content is stored once, however many names and
  -- versions use it (sha256 UNIQUE), as 256 KiB chunks, so a range reads only the chunks it
  -- needs. An upload is staged (staged_ms set, sha256 NULL) chunk by chunk and becomes visible
  -- only when the write that names it commits; staged rows a killed process left are dropped at
  -- open. files holds each name's current version (as pages does), file_versions every version.
  CREATE TABLE file_contents (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256    TEXT UNIQUE,
    size      INTEGER NOT NULL,
    staged_ms INTEGER
  );
  CREATE INDEX file_contents_staged ON file_contents (staged_ms) WHERE staged_ms IS NOT NULL;
  CREATE TABLE file_chunks (
    content_id INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    data       BLOB NOT NULL,
    PRIMARY KEY (content_id, n)
  );
  CREATE TABLE files (
    name        TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    deleted     INTEGER NOT NULL,
    content_id  INTEGER,
    sha256      TEXT,
    media_type  TEXT,
    size        INTEGER NOT NULL,
    modified_ms INTEGER NOT NULL,
    date_shared INTEGER NOT NULL,
    width       INTEGER,
    height      INTEGER,
    name_key    TEXT UNIQUE
  ) WITHOUT ROWID;
  CREATE TABLE file_versions (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    deleted     INTEGER NOT NULL,
    content_id  INTEGER,
    sha256      TEXT,
    media_type  TEXT,
    size        INTEGER NOT NULL,
    modified_ms INTEGER NOT NULL,
    date_shared INTEGER NOT NULL,
    width       INTEGER,
    height      INTEGER,
    summary     TEXT NOT NULL,
    author      TEXT NOT NULL,
    UNIQUE (name, version)
  );
  CREATE INDEX file_versions_author ON file_versions (author);
  `,
];

/** How many migrations a store had before the links table (tests build such stores). */
export const BEFORE_LINKS = MIGRATIONS.findIndex((migration) => typeof migration === 'string' && migration.includes('CREATE TABLE IF NOT EXISTS links ('));

/** Applies the migrations not yet applied, up to `upTo` (tests build older stores with it). */
export function migrate(db: Database, upTo = MIGRATIONS.length): void {
  // A new file is made incremental, so that the history compactor can give the pages it frees
  // back to the file system (sqlite-compaction.ts). In WAL mode the switch needs a VACUUM, which
  // costs nothing on a file without tables; an existing file keeps its mode.
  if (db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() === 0) {
    try {
      db.pragma('auto_vacuum = INCREMENTAL');
      db.exec('VACUUM');
    } catch {
      // another process is making the file at this moment: its mode is as good as ours
    }
  }
  db.transaction(() => {
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (let version = applied; version < upTo; version++) {
      const migration = MIGRATIONS[version]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
    }
    if (applied < upTo) db.pragma(`user_version = ${upTo}`);
  }).immediate();
}
