import { createHash } from 'node:crypto';
import { keysOfExisting } from '../page-name-key.js';
import { type ConnectionPool, type Queryable, quoteIdentifier } from './driver.js';

/**
 * Versioned migrations, applied in order at start. schema_migrations records each applied
 * version; the check and the migrations share one transaction that first takes an advisory
 * lock on the schema, so several processes starting at once apply each migration exactly once.
 */
const MIGRATIONS: readonly (string | ((client: Queryable) => Promise<void>))[] = [
  `
  -- One row per page name: the latest revision's validators and no content, so the
  -- metadata read behind a 304 never touches a page body. COLLATE "C" orders names by
  -- their UTF-8 bytes, which is code-point order, the same as SQLite's BINARY.
  CREATE TABLE pages (
    name        text COLLATE "C" PRIMARY KEY,
    revision    integer NOT NULL,
    deleted     boolean NOT NULL,
    etag        text,
    modified_ms bigint  NOT NULL,
    date_shared boolean NOT NULL,
    size        integer NOT NULL
  );

  -- Every revision, deletions included. seq is the store-wide change sequence. content is
  -- the UTF-8 bytes (bytea, so that any text round-trips, U+0000 included) and comes last.
  CREATE TABLE revisions (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text COLLATE "C" NOT NULL,
    revision    integer NOT NULL,
    deleted     boolean NOT NULL,
    etag        text,
    modified_ms bigint  NOT NULL,
    date_shared boolean NOT NULL,
    size        integer NOT NULL,
    summary     text    NOT NULL,
    author      text    NOT NULL,
    content     bytea,
    UNIQUE (name, revision)
  );
  `,
  `
  -- Full-text search over current pages: the text of the latest revision (NUL-free, at most
  -- 256 KiB, as a tsvector holds at most 1 MB) and its vector, GIN-indexed.
  CREATE TABLE page_search (
    name   text COLLATE "C" PRIMARY KEY,
    body   text NOT NULL,
    vector tsvector NOT NULL
  );
  CREATE INDEX page_search_vector ON page_search USING gin (vector);
  INSERT INTO page_search (name, body, vector)
    SELECT p.name, left(convert_from(r.content, 'UTF8'), 262144), to_tsvector('simple', left(convert_from(r.content, 'UTF8'), 262144))
    FROM pages p JOIN revisions r ON r.name = p.name AND r.revision = p.revision
    WHERE NOT p.deleted AND position('\\x00'::bytea IN r.content) = 0;
  `,
  `
  -- Accounts (src/storage/accounts.ts). Sessions and tokens are kept by the SHA-256 digest of
  -- their secret, never the secret itself; passwords by their scrypt hash.
  CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text COLLATE "C" NOT NULL UNIQUE,
    role          text NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    password_hash text NOT NULL,
    disabled      boolean NOT NULL DEFAULT false,
    created_ms    bigint NOT NULL
  );
  CREATE TABLE sessions (
    digest     text PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ms bigint NOT NULL,
    seen_ms    bigint NOT NULL
  );
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE TABLE api_tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label      text NOT NULL,
    digest     text NOT NULL UNIQUE,
    created_ms bigint NOT NULL,
    used_ms    bigint
  );
  CREATE INDEX api_tokens_user ON api_tokens (user_id);
  -- Pages only admins may edit; by name, so a deleted protected page stays protected.
  CREATE TABLE page_protection (
    name         text COLLATE "C" PRIMARY KEY,
    protected_by text NOT NULL,
    since_ms     bigint NOT NULL
  );
  `,
  `
  -- Recent changes filtered by page or by author (src/storage/change-query.ts): each filter a
  -- range scan of one index, newest first, however long the history.
  CREATE INDEX IF NOT EXISTS revisions_name_seq ON revisions (name, seq);
  CREATE INDEX IF NOT EXISTS revisions_author_seq ON revisions (author, seq);
  `,
  `
  -- Compact history (src/storage/history-compactor.ts). encoding says how a row's content is
  -- stored (src/storage/revision-codec.ts): 0 the plain UTF-8 bytes, 1 raw DEFLATE. Rows
  -- written before it are plain. pending_compression holds the revisions that are no longer
  -- current and still plain; the compactor empties it in small batches, so a store is
  -- converted in place, and a conversion that was killed goes on at the next start.
  ALTER TABLE revisions ADD COLUMN encoding smallint NOT NULL DEFAULT 0;
  CREATE TABLE pending_compression (seq bigint PRIMARY KEY);
  INSERT INTO pending_compression (seq)
    SELECT r.seq FROM revisions r JOIN pages p ON p.name = r.name
    WHERE r.revision < p.revision AND NOT r.deleted;
  `,
  // Look-alike page names (src/storage/page-name-key.ts): one name per fold key, the UNIQUE
  // index deciding inside the creating write. The keys are computed in JavaScript, in batches
  // (lower() depends on the database's locale); look-alike pages stored before keep working, the
  // first of each set holding the key and the others none (NULL, which the index does not compare).
  async (client) => {
    await client.query('ALTER TABLE pages ADD COLUMN name_key text COLLATE "C"');
    const taken = new Set<string>();
    for (let after = ''; ; ) {
      const { rows } = await client.query('SELECT name FROM pages WHERE name > $1 ORDER BY name LIMIT 1000', [after]);
      if (rows.length === 0) break;
      const keyed = keysOfExisting((rows as { name: string }[]).map((r) => r.name), taken).filter((k) => k.key !== null);
      await client.query(
        'UPDATE pages p SET name_key = k.key FROM unnest($1::text[], $2::text[]) AS k(name, key) WHERE p.name = k.name',
        [keyed.map((k) => k.name), keyed.map((k) => k.key)],
      );
      after = (rows.at(-1) as { name: string }).name;
    }
    await client.query('CREATE UNIQUE INDEX pages_name_key ON pages (name_key)');
  },
  `
  -- Search, rebuilt (issue 13): seq is the revision's, body the start of its plain text (the
  -- snippets' source, search-snippet.ts);
  -- vector the words of the name (weight A) and of that text (weight D) exactly as
  -- search-terms.ts cuts them, the same words SQLite indexes, and name_vector those of the
  -- name alone (titles rank first). Every search reads a GIN index's whole pending list (4 MB
  -- by default): a short one keeps that cheap, at the cost of merging it more often on writes.
  -- The store fills the table for existing pages when it opens.
  DROP TABLE page_search;
  CREATE TABLE page_search (
    name        text COLLATE "C" PRIMARY KEY,
    seq         bigint NOT NULL,
    body        text NOT NULL,
    vector      tsvector NOT NULL,
    name_vector tsvector NOT NULL
  );
  CREATE INDEX page_search_vector ON page_search USING gin (vector) WITH (gin_pending_list_limit = 256);
  CREATE INDEX page_search_name_vector ON page_search USING gin (name_vector) WITH (gin_pending_list_limit = 256);
  CREATE INDEX page_search_seq ON page_search (seq);
  `,
  `
  -- Backlinks and moves (issue 16). links: a row per (page, page its text links to) for every
  -- current page, kept by the batch statement (write-batch.ts) in the write's transaction;
  -- to_name need not exist (red links). redirects: each name a page moved away from, and where
  -- it is now. links_unscanned: pages stored before links existed, whose links the store reads
  -- when it opens, a batch per transaction (links-fill.ts), so an interrupted fill goes on.
  CREATE TABLE IF NOT EXISTS links (
    from_name text COLLATE "C" NOT NULL,
    to_name   text COLLATE "C" NOT NULL,
    PRIMARY KEY (from_name, to_name)
  );
  CREATE INDEX IF NOT EXISTS links_to ON links (to_name, from_name);
  CREATE TABLE IF NOT EXISTS redirects (
    name   text COLLATE "C" PRIMARY KEY,
    target text COLLATE "C" NOT NULL
  );
  CREATE INDEX IF NOT EXISTS redirects_target ON redirects (target);
  CREATE TABLE IF NOT EXISTS links_unscanned (name text COLLATE "C" PRIMARY KEY);
  INSERT INTO links_unscanned (name) SELECT name FROM pages WHERE NOT deleted ON CONFLICT DO NOTHING;
  `,
  `
  -- Compact storage (issue 13, item 7). The search index keeps the snippets' source deflated
  -- (snippet: search-snippet.ts packSnippetSource), as SQLite does; body, the plain text that
  -- rows held before, is emptied as the store converts each row when it opens, in batches
  -- found through a partial index, so a conversion that was killed goes on at the next start.
  -- Revisions are now compressed as they are written; the current ones stored plain before
  -- are queued for the history compactor, which converts them in its own batches.
  ALTER TABLE page_search ADD COLUMN snippet bytea, ALTER COLUMN body DROP NOT NULL;
  CREATE INDEX page_search_plain ON page_search (name) WHERE body IS NOT NULL;
  INSERT INTO pending_compression (seq)
    SELECT r.seq FROM pages p JOIN revisions r ON r.name = p.name AND r.revision = p.revision
    WHERE NOT p.deleted AND r.encoding = 0
    ON CONFLICT DO NOTHING;
  `,
  // A tsvector rarely shrinks by the quarter pglz asks for, so it is stored as it is; lz4 keeps
  // what it saves (measured on the Markdown in node_modules: 5% of the vectors). Only servers
  // built with lz4 have it; values written before keep their form.
  async (client) => {
    const { rows } = await client.query("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)");
    if (rows.length > 0) await client.query('ALTER TABLE page_search ALTER COLUMN vector SET COMPRESSION lz4');
  },
  `
  -- Files (src/storage/files.ts, issue 17). A content is stored once, however many names and
  -- versions use it (sha256 UNIQUE), as 256 KiB bytea chunks, so a range reads only the chunks
  -- it needs. An upload is staged (staged_ms set, sha256 NULL) chunk by chunk and becomes
  -- visible only when the write that names it commits; staged rows a killed process left are
  -- dropped at open. Flags are smallint, as in SQLite, so both run the same SQL (file-sql.ts).
  CREATE TABLE file_contents (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256    text UNIQUE,
    size      bigint NOT NULL,
    staged_ms bigint
  );
  CREATE INDEX file_contents_staged ON file_contents (staged_ms) WHERE staged_ms IS NOT NULL;
  CREATE TABLE file_chunks (
    content_id bigint  NOT NULL,
    n          integer NOT NULL,
    data       bytea   NOT NULL,
    PRIMARY KEY (content_id, n)
  );
  ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
  CREATE TABLE files (
    name        text COLLATE "C" PRIMARY KEY,
    version     integer  NOT NULL,
    deleted     smallint NOT NULL,
    content_id  bigint,
    sha256      text,
    media_type  text,
    size        bigint   NOT NULL,
    modified_ms bigint   NOT NULL,
    date_shared smallint NOT NULL,
    width       integer,
    height      integer,
    name_key    text COLLATE "C" UNIQUE
  );
  CREATE TABLE file_versions (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text COLLATE "C" NOT NULL,
    version     integer  NOT NULL,
    deleted     smallint NOT NULL,
    content_id  bigint,
    sha256      text,
    media_type  text,
    size        bigint   NOT NULL,
    modified_ms bigint   NOT NULL,
    date_shared smallint NOT NULL,
    width       integer,
    height      integer,
    summary     text NOT NULL,
    author      text NOT NULL,
    UNIQUE (name, version)
  );
  CREATE INDEX file_versions_author ON file_versions (author);
  `,
];

export const LATEST_VERSION = MIGRATIONS.length;

/** How many migrations a store had before the links table (tests build such stores). */
export const BEFORE_LINKS = MIGRATIONS.findIndex((migration) => typeof migration === 'string' && migration.includes('CREATE TABLE IF NOT EXISTS links ('));

/** How many migrations a store had before snippets were stored deflated (tests build such stores). */
export const BEFORE_DEFLATED_SNIPPETS = MIGRATIONS.findIndex((migration) => typeof migration === 'string' && migration.includes('ADD COLUMN snippet bytea'));

// The first key of each two-key advisory lock; the second is derived from the schema name,
// so stores in different schemas of one database never wait for each other.
export const MIGRATION_LOCK = 0x6d690001;

/** A stable int4 from a schema name, the second half of the store's advisory lock keys. */
export function schemaLockKey(schema: string): number {
  return createHash('sha256').update(schema, 'utf8').digest().readInt32BE(0);
}

/**
 * Brings the schema up to date (or up to migration `upTo`: tests build older stores with it)
 * and returns its name. With `schema` it is created when missing; without, the tables go into
 * the first schema of the connection's search_path.
 */
export async function migrate(pool: ConnectionPool, schema: string | undefined, upTo = MIGRATIONS.length): Promise<string> {
  const client = await pool.connect();
  try {
    let target = schema;
    if (target === undefined) {
      const { rows } = await client.query('SELECT current_schema() AS schema');
      target = (rows[0] as { schema: string | null } | undefined)?.schema ?? undefined;
      if (target === undefined) throw new Error('The search_path names no schema that exists; create it or set one');
    }
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [MIGRATION_LOCK, schemaLockKey(target)]);
    if (schema !== undefined) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      await client.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
    }
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version    integer PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query('SELECT coalesce(max(version), 0) AS version FROM schema_migrations');
    const applied = (rows[0] as { version: number }).version;
    for (let version = applied + 1; version <= upTo; version++) {
      const migration = MIGRATIONS[version - 1]!;
      if (typeof migration === 'string') await client.query(migration);
      else await migration(client);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
    client.release();
    return target;
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}
