// A move on SQLite (PageStore.move): one IMMEDIATE transaction renames the page's row, history,
// links and queue entries, adds a revision at the destination, and leaves a redirect.
import type Database from 'better-sqlite3';
import { PAGE_COLUMNS } from '../columns.js';
import { type MovedName, movedNames, moveSummary, subpageRange } from '../move-plan.js';
import { pageNameKey } from '../page-name-key.js';
import type { PageRow, RowDecoder } from '../rows.js';
import type { MoveInfo, MoveResult, PageState } from '../store.js';
import { NEXT_LAST_MODIFIED_IS_WEAK, NEXT_MODIFIED } from './values.js';

type Row = PageRow<number, number>;

export function moveStatements(db: Database.Database) {
  return {
    page: db.prepare<[string], Row>(`SELECT ${PAGE_COLUMNS} FROM pages WHERE name = ?`),
    subpages: db.prepare<[string, string], string>('SELECT name FROM pages WHERE name >= ? AND name < ? ORDER BY name').pluck(),
    // Another page holding the destination's fold key (page-name-key.ts): a look-alike.
    holder: db.prepare<[string, string], string>('SELECT name FROM pages WHERE name_key = ? AND name <> ?').pluck(),
    isProtected: db.prepare<[string], number>('SELECT 1 FROM page_protection WHERE name = ?').pluck(),
    rename: db.prepare<Record<string, string>, unknown>('UPDATE pages SET name = @to, name_key = @key WHERE name = @from'),
    renameRevisions: db.prepare<Record<string, string>, unknown>('UPDATE revisions SET name = @to WHERE name = @from'),
    renameLinks: db.prepare<Record<string, string>, unknown>('UPDATE links SET from_name = @to WHERE from_name = @from'),
    renameUnscanned: db.prepare<Record<string, string>, unknown>('UPDATE links_unscanned SET name = @to WHERE name = @from'),
    // The destination may have been a redirect; redirects to the source now lead to the destination.
    dropRedirect: db.prepare<Record<string, string>, unknown>('DELETE FROM redirects WHERE name = @to'),
    followRedirects: db.prepare<Record<string, string>, unknown>('UPDATE redirects SET target = @to WHERE target = @from'),
    redirect: db.prepare<Record<string, string>, unknown>('INSERT OR REPLACE INTO redirects (name, target) VALUES (@from, @to)'),
    // A protected page stays protected under its new name (and its old one, now a redirect).
    protect: db.prepare<Record<string, string>, unknown>(
      'INSERT OR IGNORE INTO page_protection (name, protected_by, since_ms) SELECT @to, protected_by, since_ms FROM page_protection WHERE name = @from',
    ),
    bump: db.prepare<Record<string, unknown>, Row>(
      `UPDATE pages SET revision = revision + 1, modified_ms = ${NEXT_MODIFIED}, date_shared = ${NEXT_LAST_MODIFIED_IS_WEAK}
       WHERE name = @name AND deleted = 0 RETURNING ${PAGE_COLUMNS}`,
    ),
    // The new revision has the bytes (and so the tag) of the one before it.
    record: db.prepare<Record<string, unknown>, unknown>(
      `INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content, encoding)
       SELECT name, @revision, 0, etag, @modified_ms, @date_shared, size, @summary, @author, content, encoding
       FROM revisions WHERE name = @name AND revision = @previous`,
    ),
  };
}

export type MoveStatements = ReturnType<typeof moveStatements>;

/** What the store does beside the move's own statements, in the same transaction. */
export interface MoveHooks {
  /** The search index and the compaction queue follow a page's new revision `seq`. */
  recorded(name: string, previousRevision: number, seq: number): void;
}

export interface MoveJob {
  readonly from: string;
  readonly to: string;
  readonly expectedRevision: number;
  readonly info: MoveInfo;
  readonly now: number;
}

/** The refusal of a move, decided before anything is written; undefined when it may go ahead. */
function refusal(s: MoveStatements, job: MoveJob, names: readonly MovedName[]): MoveResult | undefined {
  const source = s.page.get(job.from);
  if (!source || source.deleted === 1 || source.revision !== job.expectedRevision) return { ok: false, reason: 'conflict' };
  for (const { from, to } of names) {
    if (job.info.unlessProtected && (s.isProtected.get(from) !== undefined || s.isProtected.get(to) !== undefined)) return { ok: false, reason: 'protected' };
  }
  for (const { to } of names) if (s.page.get(to)) return { ok: false, reason: 'destination-exists', existing: to };
  for (const { from, to } of names) {
    const holder = s.holder.get(pageNameKey(to), from);
    if (holder !== undefined) return { ok: false, reason: 'lookalike', existing: holder };
  }
  return undefined;
}

/** Runs inside an IMMEDIATE transaction; the caller made sure `to` is not under `from` (nor the reverse). */
export function applyMove(s: MoveStatements, rows: RowDecoder<number, number>, job: MoveJob, hooks: MoveHooks): MoveResult {
  const range = subpageRange(job.from);
  const subpages = job.info.withSubpages ? s.subpages.all(range.from, range.to!) : [];
  const names = movedNames(job.from, job.to, subpages);
  const refused = refusal(s, job, names);
  if (refused) return refused;
  const states: PageState[] = [];
  for (const { from, to } of names) {
    const pair = { from, to };
    s.rename.run({ ...pair, key: pageNameKey(to) });
    s.renameRevisions.run(pair);
    s.renameLinks.run(pair);
    s.renameUnscanned.run(pair);
    s.protect.run(pair);
    s.dropRedirect.run(pair);
    s.followRedirects.run(pair);
    const row = s.bump.get({ name: to, now: job.now });
    // A deleted subpage's history moves along; its old name stays free, not a redirect.
    if (!row) continue;
    s.redirect.run(pair);
    const summary = moveSummary(from, job.info.summary);
    const { lastInsertRowid } = s.record.run({ ...row, summary, author: job.info.author, name: to, previous: row.revision - 1 });
    hooks.recorded(to, row.revision - 1, Number(lastInsertRowid));
    states.push(rows.toState(row, to));
  }
  return { ok: true, state: states[0]!, moved: names };
}
