// A move on PostgreSQL (PageStore.move): one transaction on one connection, outside the write
// batches. It locks the source's row first, so a write racing it waits and then finds the page
// gone (its compare-and-swap matches no row), or commits first and the move finds the revision
// moved on: exactly one wins.
import { PAGE_COLUMNS, REVISION_COLUMNS } from '../columns.js';
import { type MovedName, movedNames, moveSummary, subpageRange } from '../move-plan.js';
import { pageNameKey } from '../page-name-key.js';
import { decodeRevision } from '../revision-codec.js';
import type { PageRow, RevisionRow, RowDecoder } from '../rows.js';
import { snippetSource } from '../search-snippet.js';
import { nameVectorLiteral, storedSearchText, tsvectorLiteral } from '../search-terms.js';
import type { MoveInfo, MoveResult, PlainText } from '../store.js';
import type { Queryable } from './driver.js';

type Row = PageRow<string, boolean>;
type Revision = RevisionRow<string, boolean>;

/** Each moved name as parallel arrays: $1 from, $2 to. */
const MOVED = 'unnest($1::text[], $2::text[]) AS m(from_name, to_name)';

const SQL = {
  source: `SELECT ${PAGE_COLUMNS} FROM pages WHERE name = $1 FOR UPDATE`,
  subpages: 'SELECT name FROM pages WHERE name >= $1 AND name < $2 ORDER BY name FOR UPDATE',
  anyProtected: 'SELECT 1 FROM page_protection WHERE name = ANY($1::text[]) LIMIT 1',
  destination: 'SELECT name FROM pages WHERE name = ANY($1::text[]) ORDER BY name LIMIT 1',
  // Another page holding a destination's fold key (page-name-key.ts): a look-alike.
  holder: `SELECT k.name FROM unnest($1::text[], $2::text[]) AS m(from_name, key) JOIN pages k ON k.name_key = m.key
           WHERE k.name <> m.from_name LIMIT 1`,
  rename: `UPDATE pages p SET name = m.to_name, name_key = m.key FROM unnest($1::text[], $2::text[], $3::text[]) AS m(from_name, to_name, key)
           WHERE p.name = m.from_name`,
  renameRevisions: `UPDATE revisions r SET name = m.to_name FROM ${MOVED} WHERE r.name = m.from_name`,
  renameLinks: `UPDATE links l SET from_name = m.to_name FROM ${MOVED} WHERE l.from_name = m.from_name`,
  renameUnscanned: `UPDATE links_unscanned u SET name = m.to_name FROM ${MOVED} WHERE u.name = m.from_name`,
  // A protected page stays protected under its new name (and its old one); every process hears of it.
  protect: `WITH added AS (
              INSERT INTO page_protection (name, protected_by, since_ms)
              SELECT m.to_name, pp.protected_by, pp.since_ms FROM page_protection pp JOIN ${MOVED} ON pp.name = m.from_name
              ON CONFLICT DO NOTHING RETURNING name
            ) SELECT pg_notify($3, '+' || name) FROM added`,
  // The destination may have been a redirect; redirects to a source now lead to its destination.
  dropRedirects: 'DELETE FROM redirects WHERE name = ANY($1::text[])',
  followRedirects: `UPDATE redirects r SET target = m.to_name FROM ${MOVED} WHERE r.target = m.from_name`,
  // A deleted subpage's history moves along, but it gets no revision and leaves no redirect.
  record: `WITH bumped AS (
             UPDATE pages p SET revision = p.revision + 1, modified_ms = greatest($4::bigint, p.modified_ms),
               date_shared = (greatest($4::bigint, p.modified_ms) / 1000 = p.modified_ms / 1000)
             FROM unnest($1::text[], $2::text[]) AS m(name, summary)
             WHERE p.name = m.name AND NOT p.deleted
             RETURNING p.*, m.summary
           )
           INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content, encoding)
           SELECT b.name, b.revision, false, b.etag, b.modified_ms, b.date_shared, b.size, b.summary, $3, r.content, r.encoding
           FROM bumped b JOIN revisions r ON r.name = b.name AND r.revision = b.revision - 1
           RETURNING ${REVISION_COLUMNS}`,
  redirect: `INSERT INTO redirects (name, target) SELECT m.from_name, m.to_name FROM ${MOVED}
             ON CONFLICT (name) DO UPDATE SET target = excluded.target`,
  superseded: `INSERT INTO pending_compression (seq)
               SELECT r.seq FROM unnest($1::text[], $2::int[]) AS m(name, revision) JOIN revisions r ON r.name = m.name AND r.revision = m.revision
               ON CONFLICT DO NOTHING`,
  text: 'SELECT name, content, encoding FROM revisions WHERE seq = ANY($1::bigint[])',
  unindex: 'DELETE FROM page_search WHERE name = ANY($1::text[])',
  index: `INSERT INTO page_search (name, seq, body, vector, name_vector)
          SELECT u.name, u.seq, u.body, u.vector::tsvector, u.name_vector::tsvector
          FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(name, seq, body, vector, name_vector)
          ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, body = excluded.body, vector = excluded.vector, name_vector = excluded.name_vector`,
  notify: 'SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p',
} as const;

export interface PostgresMove {
  readonly from: string;
  readonly to: string;
  readonly expectedRevision: number;
  readonly info: MoveInfo;
  readonly now: number;
}

export interface MoveChannels {
  /** Changes (change-feed.ts), and protections (protected-names.ts). */
  readonly changes: string;
  readonly protection: string;
}

/** What the store lends a move: how its pages' plain text is made, where it notifies, its row decoder. */
export interface MoveContext {
  readonly plainText: PlainText;
  readonly channels: MoveChannels;
  readonly rows: RowDecoder<string, boolean>;
}

/** A committed move's new revisions, for the change feed and the hints. */
export type MoveOutcome = { readonly result: MoveResult; readonly recorded: readonly Revision[] };

const column = (names: readonly MovedName[], side: 'from' | 'to') => names.map((n) => n[side]);

/** Why the move may not go ahead, read under the locks it holds; undefined when it may. */
async function refusal(client: Queryable, job: PostgresMove, names: readonly MovedName[]): Promise<MoveResult | undefined> {
  const froms = column(names, 'from');
  const tos = column(names, 'to');
  if (job.info.unlessProtected && (await client.query(SQL.anyProtected, [[...froms, ...tos]])).rows.length > 0) return { ok: false, reason: 'protected' };
  const taken = (await client.query(SQL.destination, [tos])).rows[0] as { name: string } | undefined;
  if (taken) return { ok: false, reason: 'destination-exists', existing: taken.name };
  const holder = (await client.query(SQL.holder, [froms, tos.map(pageNameKey)])).rows[0] as { name: string } | undefined;
  if (holder) return { ok: false, reason: 'lookalike', existing: holder.name };
  return undefined;
}

/** The search index entries of the new revisions, made from their text as a write's are. */
async function reindex(client: Queryable, recorded: readonly Revision[], plainText: PlainText, froms: readonly string[]): Promise<void> {
  await client.query(SQL.unindex, [froms]);
  if (recorded.length === 0) return;
  const texts = (await client.query(SQL.text, [recorded.map((r) => r.seq)])).rows as { name: string; content: Buffer; encoding: number }[];
  const bodies = new Map<string, string>();
  for (const row of texts) bodies.set(row.name, storedSearchText(plainText(await decodeRevision(row.encoding, row.content))));
  const names = recorded.map((r) => r.name);
  const text = (name: string) => bodies.get(name) ?? '';
  await client.query(SQL.index, [names, recorded.map((r) => r.seq), names.map((n) => snippetSource(text(n))), names.map((n) => tsvectorLiteral(n, text(n))), names.map(nameVectorLiteral)]);
}

/** NOTIFY payloads as change-feed.ts reads them: one change each, or its sequence when too long. */
function payloads(recorded: readonly Revision[]): string[] {
  return recorded.map((r) => {
    const payload = JSON.stringify({ seq: Number(r.seq), name: r.name, revision: r.revision, etag: r.etag, deleted: r.deleted, summary: r.summary, author: r.author, modified: Number(r.modified_ms) });
    return Buffer.byteLength(payload) < 8000 ? payload : String(r.seq);
  });
}

/** The move's statements, inside a transaction the caller opened on `client` (and commits or rolls back). */
export async function applyPostgresMove(client: Queryable, job: PostgresMove, context: MoveContext): Promise<MoveOutcome> {
  const { plainText, channels, rows } = context;
  const source = (await client.query(SQL.source, [job.from])).rows[0] as Row | undefined;
  if (!source || source.deleted || source.revision !== job.expectedRevision) return { result: { ok: false, reason: 'conflict' }, recorded: [] };
  const range = subpageRange(job.from);
  const subpages = job.info.withSubpages ? ((await client.query(SQL.subpages, [range.from, range.to])).rows as { name: string }[]).map((r) => r.name) : [];
  const names = movedNames(job.from, job.to, subpages);
  const refused = await refusal(client, job, names);
  if (refused) return { result: refused, recorded: [] };
  const froms = column(names, 'from');
  const tos = column(names, 'to');
  await client.query(SQL.rename, [froms, tos, tos.map(pageNameKey)]);
  for (const statement of [SQL.renameRevisions, SQL.renameLinks, SQL.renameUnscanned, SQL.followRedirects]) await client.query(statement, [froms, tos]);
  await client.query(SQL.dropRedirects, [tos]);
  await client.query(SQL.protect, [froms, tos, channels.protection]);
  const recorded = (await client.query(SQL.record, [tos, froms.map((from) => moveSummary(from, job.info.summary)), job.info.author, job.now])).rows as Revision[];
  const live = new Set(recorded.map((r) => r.name));
  const redirected = names.filter((n) => live.has(n.to));
  await client.query(SQL.redirect, [column(redirected, 'from'), column(redirected, 'to')]);
  await client.query(SQL.superseded, [recorded.map((r) => r.name), recorded.map((r) => r.revision - 1)]);
  await reindex(client, recorded, plainText, froms);
  await client.query(SQL.notify, [channels.changes, payloads(recorded)]);
  const first = recorded.find((r) => r.name === job.to)!;
  return { result: { ok: true, state: rows.toState(first, job.to), moved: names }, recorded };
}
