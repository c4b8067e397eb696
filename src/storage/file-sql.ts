// The SQL of the file store, written once for both databases: parameters are $1, $2… (the
// SQLite dialect respells them), flags are small integers in both, and no statement uses a
// function only one database has. Rows are decoded here too.
import { contentEtag, type FileState, type FileVersionInfo } from './files.js';

export interface FileQuery {
  readonly text: string;
  readonly values: readonly unknown[];
}

export type FileRow = Record<string, unknown>;

const FILE_COLUMNS = 'name, version, deleted, sha256, media_type, size, modified_ms, date_shared, width, height';
const VERSION_COLUMNS = `${FILE_COLUMNS}, summary, author`;

// A version's date never runs backwards within a name; it is weak when it shares its second
// with the previous one's (RFC 9110 §8.8.2.2). $1 is always the writer's clock.
const NEXT_MODIFIED = 'CASE WHEN $1 > modified_ms THEN $1 ELSE modified_ms END';
const NEXT_DATE_SHARED = `CASE WHEN (${NEXT_MODIFIED}) / 1000 = modified_ms / 1000 THEN 1 ELSE 0 END`;

export const FILE_SQL = {
  head: `SELECT ${FILE_COLUMNS} FROM files WHERE name = $1`,
  list: `SELECT ${FILE_COLUMNS} FROM files WHERE deleted = 0 AND name > $1 ORDER BY name LIMIT $2`,
  versions: `SELECT ${VERSION_COLUMNS} FROM file_versions WHERE name = $1 AND version < $2 ORDER BY version DESC LIMIT $3`,
  version: `SELECT ${VERSION_COLUMNS} FROM file_versions WHERE name = $1 AND version = $2`,
  bytesBy: 'SELECT coalesce(sum(size), 0) AS bytes FROM file_versions WHERE author = $1',
  chunks: `SELECT c.n, c.data FROM file_chunks c JOIN file_contents f ON f.id = c.content_id
           WHERE f.sha256 = $1 AND f.staged_ms IS NULL AND c.n >= $2 AND c.n <= $3 ORDER BY c.n`,
  stage: 'INSERT INTO file_contents (sha256, size, staged_ms) VALUES (NULL, 0, $1) RETURNING id',
  stageChunk: 'INSERT INTO file_chunks (content_id, n, data) VALUES ($1, $2, $3)',
  dropChunks: 'DELETE FROM file_chunks WHERE content_id IN (SELECT id FROM file_contents WHERE id = $1 AND staged_ms IS NOT NULL)',
  dropStaged: 'DELETE FROM file_contents WHERE id = $1 AND staged_ms IS NOT NULL',
  // Uploads a killed process left staged; `$1` is a time before which no live upload began.
  dropOldChunks: 'DELETE FROM file_chunks WHERE content_id IN (SELECT id FROM file_contents WHERE staged_ms IS NOT NULL AND staged_ms < $1)',
  dropOldStaged: 'DELETE FROM file_contents WHERE staged_ms IS NOT NULL AND staged_ms < $1',
  storedContent: 'SELECT id FROM file_contents WHERE sha256 = $1 AND staged_ms IS NULL',
  keepStaged: 'UPDATE file_contents SET sha256 = $2, size = $3, staged_ms = NULL WHERE id = $1 AND staged_ms IS NOT NULL',
  // No row when the name, or its fold key (a look-alike), is taken.
  create: `INSERT INTO files (name, version, deleted, content_id, sha256, media_type, size, modified_ms, date_shared, width, height, name_key)
           VALUES ($2, 1, 0, $3, $4, $5, $6, $1, 0, $7, $8, $9)
           ON CONFLICT DO NOTHING RETURNING ${FILE_COLUMNS}`,
  lookalike: 'SELECT k.name FROM files k WHERE k.name_key = $1 AND NOT EXISTS (SELECT 1 FROM files p WHERE p.name = $2)',
  replace: `UPDATE files SET version = version + 1, deleted = 0, content_id = $3, sha256 = $4, media_type = $5, size = $6,
              width = $7, height = $8, modified_ms = ${NEXT_MODIFIED}, date_shared = ${NEXT_DATE_SHARED}
            WHERE name = $2 AND version = $9 RETURNING ${FILE_COLUMNS}`,
  remove: `UPDATE files SET version = version + 1, deleted = 1, content_id = NULL, sha256 = NULL, media_type = NULL, size = 0,
             width = NULL, height = NULL, modified_ms = ${NEXT_MODIFIED}, date_shared = ${NEXT_DATE_SHARED}
           WHERE name = $2 AND version = $3 AND deleted = 0 RETURNING ${FILE_COLUMNS}`,
  record: `INSERT INTO file_versions (name, version, deleted, content_id, sha256, media_type, size, modified_ms, date_shared, width, height, summary, author)
           SELECT name, version, deleted, content_id, sha256, media_type, size, modified_ms, date_shared, width, height, $2, $3
           FROM files WHERE name = $1`,
} as const;

export function fileQuery(text: string, ...values: unknown[]): FileQuery {
  return { text, values };
}

const optionalNumber = (value: unknown) => (value === null || value === undefined ? undefined : Number(value));

/** A `files` row as a FileState (PostgreSQL gives bigint as strings: every number goes through Number). */
export function toFileState(row: FileRow): FileState {
  const deleted = Number(row['deleted']) !== 0;
  const sha256 = deleted ? undefined : (row['sha256'] as string);
  const width = optionalNumber(row['width']);
  const height = optionalNumber(row['height']);
  return {
    name: row['name'] as string,
    exists: !deleted,
    version: Number(row['version']),
    ...(sha256 === undefined ? {} : { sha256, etag: contentEtag(sha256), mediaType: row['media_type'] as string }),
    size: Number(row['size']),
    lastModified: Number(row['modified_ms']),
    lastModifiedIsWeak: Number(row['date_shared']) !== 0,
    ...(width === undefined ? {} : { width }),
    ...(height === undefined ? {} : { height }),
  };
}

export function toFileVersion(row: FileRow): FileVersionInfo {
  const state = toFileState(row);
  return { ...state, deleted: !state.exists, summary: row['summary'] as string, author: row['author'] as string };
}

/** The state of a name that was never used. */
export function missingFile(name: string): FileState {
  return { name, exists: false, version: 0, size: 0, lastModified: 0, lastModifiedIsWeak: false };
}
