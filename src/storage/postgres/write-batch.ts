// Group commit on PostgreSQL: the writes waiting when a batch leaves are applied by ONE
// statement — one round trip and one commit (one WAL flush) for all of them. Each write is
// still its own compare-and-swap: a row that lost its race is simply not returned.
import { PAGE_COLUMNS, qualified, REVISION_COLUMNS } from '../columns.js';
import { pageNameKey } from '../page-name-key.js';
import type { PageWrite } from '../page-write.js';
import { compressRevision, REVISION_ENCODING, type RevisionEncoding } from '../revision-codec.js';
import { revisionEtag } from '../revision-etag.js';
import { packSnippetSource, snippetReference } from '../search-snippet-source.js';
import { nameVectorLiteral, storedSearchText, tsvectorLiteral } from '../search-terms.js';

/** One write of a batch; `etag`, `content` and `snippet` are null for a deletion. */
export interface BatchWrite {
  readonly name: string;
  readonly expectedRevision: number;
  readonly deleted: boolean;
  readonly etag: string | null;
  readonly size: number;
  readonly summary: string;
  readonly author: string;
  /** The new revision as stored: its UTF-8 bytes in `encoding` (revision-codec.ts). */
  readonly content: Buffer | null;
  readonly encoding: RevisionEncoding;
  /** What the search index keeps for snippets, deflated against the content (search-snippet-source.ts). */
  readonly snippet: Buffer | null;
  /** The indexed words as a tsvector literal (search-terms.ts tsvectorLiteral). */
  readonly vector: string | null;
  /** The name's words alone, as a tsvector literal. */
  readonly nameVector: string | null;
  /** The writer may not edit protected pages (WriteInfo.unlessProtected). */
  readonly unlessProtected: boolean;
  /** The name's fold key (page-name-key.ts), which a creation stores under a unique index. */
  readonly nameKey: string;
  /** The pages this revision links to (WriteInfo.links); none for a deletion. */
  readonly links: readonly string[];
}

/**
 * A queued write with its batch form in the making: compressing starts (in the thread pool)
 * when the write is queued, so it overlaps the wait for a batch instead of lengthening one.
 */
export type PreparedWrite = PageWrite & { readonly prepared: Promise<BatchWrite> };

export function prepareWrite(job: PageWrite): PreparedWrite {
  const prepared = batchWriteOf(job);
  // Awaited by the batch that takes the write; this only keeps an early failure from going unhandled.
  prepared.catch(() => undefined);
  return { ...job, prepared };
}

/**
 * A write as the batch statement takes it: hashed, compressed and indexed before the round
 * trip. The new revision is stored compressed at once (unless that would not shrink it), so
 * the history compactor never rewrites it and no dead copy of it is left behind.
 */
export async function batchWriteOf(job: PageWrite): Promise<BatchWrite> {
  const base = {
    name: job.name,
    expectedRevision: job.expectedRevision,
    summary: job.info.summary,
    author: job.info.author,
    unlessProtected: job.info.unlessProtected ?? false,
    nameKey: pageNameKey(job.name),
    links: job.kind === 'put' ? (job.info.links ?? []) : [],
  };
  if (job.kind === 'delete') {
    return { ...base, deleted: true, etag: null, size: 0, content: null, encoding: REVISION_ENCODING.plain, snippet: null, vector: null, nameVector: null };
  }
  const text = storedSearchText(job.info.searchText ?? job.content);
  const bytes = Buffer.from(job.content, 'utf8');
  const [stored, snippet] = await Promise.all([compressRevision(bytes), packSnippetSource(text, snippetReference(bytes))]);
  return {
    ...base,
    deleted: false,
    etag: revisionEtag(job.content),
    size: bytes.length,
    content: stored.bytes,
    encoding: stored.encoding,
    snippet,
    vector: tsvectorLiteral(job.name, text),
    nameVector: nameVectorLiteral(job.name),
  };
}

/**
 * $1…$9 and $12…$16 are parallel arrays (one element per write; names unique within a batch),
 * $17 and $18 parallel arrays of links (one element per link: the page, its target),
 * $10 the writer's clock, $11 the NOTIFY channel.
 *
 * - `w`: the writes, less those to protected pages made unless protected
 *   (WriteInfo.unlessProtected); the store tells those apart from lost races afterwards.
 * - `created`: expected revision 0 is a creation; the primary key, not a read, decides it,
 *   and the unique fold key ($13, page-name-key.ts) refuses a look-alike of an existing name.
 * - `updated`: the CAS proper. In READ COMMITTED a row a concurrent writer changed is
 *   re-checked against its new version (EvalPlanQual), so a lost race returns no row.
 *   Dates never run backwards within a page, and a revision in its predecessor's second is
 *   marked weak: date_shared, the column for lastModifiedIsWeak (RFC 9110 §8.8.2.2).
 * - `recorded`, `indexed`, `unindexed` follow only the rows that changed, in the same
 *   transaction, so history and the search index can never disagree with `pages`.
 * - `unlinked` and `linked` make the links table (backlinks) hold exactly the targets of each
 *   changed page ($17, $18: one element per link), touching only the rows that change, so no
 *   row is both deleted and inserted by the statement; a deletion keeps none. `scanned` takes
 *   the page off the migration's to-do list, and `unredirected` lets a creation replace the
 *   redirect a move left at its name.
 * - `superseded` queues the revision each update replaced for the history compactor
 *   (history-compactor.ts) if it is still plain: written before revisions were compressed at
 *   write, or by an older midair sharing the database. The statement's snapshot still holds it.
 * - One NOTIFY carries the batch's changes as a JSON array when it fits (payloads stay under
 *   8000 bytes); else each change gets its own, with the change or, if even that is too long,
 *   its sequence. It is sent only if the statement commits. The batch NOTIFY and its length
 *   test are uncorrelated subqueries: PostgreSQL runs each once, at the first row, and never
 *   without a row. One NOTIFY per batch rather than per write saves PostgreSQL a queue entry,
 *   and every listening process a message, for each write.
 */
export const BATCH_WRITE_SQL = `
WITH w AS (
  SELECT u.* FROM unnest($1::text[], $2::bigint[], $3::bool[], $4::text[], $5::int[], $6::text[], $7::text[], $8::bytea[], $9::bytea[], $12::bool[], $13::text[], $14::text[], $15::text[], $16::smallint[])
    AS u(name, expected, gone, etag, size, summary, author, content, snippet, unless_protected, name_key, vector, name_vector, encoding)
  WHERE NOT (u.unless_protected AND EXISTS (SELECT 1 FROM page_protection pp WHERE pp.name = u.name))
),
created AS (
  INSERT INTO pages AS p (name, revision, deleted, etag, modified_ms, date_shared, size, name_key)
  SELECT w.name, 1, false, w.etag, $10::bigint, false, w.size, w.name_key FROM w WHERE w.expected = 0 AND NOT w.gone
  ON CONFLICT DO NOTHING
  RETURNING ${qualified('p', PAGE_COLUMNS)}
),
updated AS (
  UPDATE pages AS p SET revision = p.revision + 1, deleted = w.gone, etag = w.etag, size = w.size,
    modified_ms = greatest($10::bigint, p.modified_ms),
    date_shared = (greatest($10::bigint, p.modified_ms) / 1000 = p.modified_ms / 1000)
  FROM w
  WHERE p.name = w.name AND w.expected > 0 AND p.revision = w.expected AND NOT (w.gone AND p.deleted)
  RETURNING ${qualified('p', PAGE_COLUMNS)}
),
changed AS (
  SELECT * FROM created UNION ALL SELECT * FROM updated
),
recorded AS (
  INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content, encoding)
  SELECT c.name, c.revision, c.deleted, c.etag, c.modified_ms, c.date_shared, c.size, w.summary, w.author, w.content, w.encoding
  FROM changed c JOIN w ON w.name = c.name
  ORDER BY c.name
  RETURNING ${REVISION_COLUMNS}
),
link_rows AS (
  SELECT k.from_name, k.to_name FROM unnest($17::text[], $18::text[]) AS k(from_name, to_name)
),
unlinked AS (
  DELETE FROM links l USING changed c WHERE l.from_name = c.name
    AND (c.deleted OR NOT EXISTS (SELECT 1 FROM link_rows k WHERE k.from_name = l.from_name AND k.to_name = l.to_name))
),
linked AS (
  INSERT INTO links (from_name, to_name)
  SELECT k.from_name, k.to_name FROM link_rows k JOIN changed c ON c.name = k.from_name WHERE NOT c.deleted
  ON CONFLICT DO NOTHING
),
scanned AS (
  DELETE FROM links_unscanned u USING changed c WHERE u.name = c.name
),
unredirected AS (
  DELETE FROM redirects r USING created c WHERE r.name = c.name
),
superseded AS (
  INSERT INTO pending_compression (seq)
  SELECT r.seq FROM updated u JOIN revisions r ON r.name = u.name AND r.revision = u.revision - 1
  WHERE NOT r.deleted AND r.encoding = ${REVISION_ENCODING.plain}
  ON CONFLICT DO NOTHING
),
indexed AS (
  INSERT INTO page_search (name, seq, snippet, vector, name_vector)
  SELECT w.name, r.seq, w.snippet, w.vector::tsvector, w.name_vector::tsvector FROM recorded r JOIN w ON w.name = r.name WHERE NOT r.deleted
  ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, body = NULL, snippet = excluded.snippet, vector = excluded.vector, name_vector = excluded.name_vector
),
unindexed AS (
  DELETE FROM page_search s USING changed c WHERE s.name = c.name AND c.deleted
),
events AS (
  SELECT r.*, json_build_object('seq', r.seq, 'name', r.name, 'revision', r.revision, 'etag', r.etag, 'deleted', r.deleted,
                                'summary', r.summary, 'author', r.author, 'modified', r.modified_ms)::text AS payload
  FROM recorded r
),
joined AS (
  SELECT '[' || string_agg(payload, ',' ORDER BY seq) || ']' AS payload FROM events
),
together AS (
  SELECT payload, octet_length(payload) < 8000 AS fits FROM joined
)
SELECT ${qualified('e', REVISION_COLUMNS)},
  (SELECT pg_notify($11, t.payload) FROM together t WHERE t.fits) AS notified,
  CASE WHEN (SELECT t.fits FROM together t) THEN NULL
       ELSE pg_notify($11, CASE WHEN octet_length(e.payload) < 8000 THEN e.payload ELSE e.seq::text END) END AS notified_alone
FROM events e`;

/** The statement's parameters for a batch: arrays in the order of BATCH_WRITE_SQL. */
export function batchParameters(writes: readonly BatchWrite[], now: number, channel: string): unknown[] {
  return [
    writes.map((w) => w.name),
    writes.map((w) => w.expectedRevision),
    writes.map((w) => w.deleted),
    writes.map((w) => w.etag),
    writes.map((w) => w.size),
    writes.map((w) => w.summary),
    writes.map((w) => w.author),
    writes.map((w) => w.content),
    writes.map((w) => w.snippet),
    now,
    channel,
    writes.map((w) => w.unlessProtected),
    writes.map((w) => w.nameKey),
    writes.map((w) => w.vector),
    writes.map((w) => w.nameVector),
    writes.map((w) => w.encoding),
    writes.flatMap((w) => w.links.map(() => w.name)),
    writes.flatMap((w) => w.links),
  ];
}
