// The history compactor's SQLite half (src/storage/history-compactor.ts): the queue of
// superseded plain revisions, each batch's transaction, and giving freed pages back.
import type Database from 'better-sqlite3';
import { type CompactionBackend, type Compaction, type QueuedRevision, withinBytes } from '../history-compactor.js';
import { REVISION_ENCODING } from '../revision-codec.js';
import { withStoreErrors } from './errors.js';

// Free pages kept for later writes to reuse; beyond it they are given back to the file
// system, at most RELEASE_PAGES per batch so that no step holds the loop for long.
const KEEP_FREE_PAGES = 256;
const RELEASE_PAGES = 1024;
const AUTO_VACUUM_INCREMENTAL = 2;

/**
 * Queues the revision a write has just superseded, inside the write's transaction. A deletion
 * has no content to compress.
 */
export const QUEUE_SUPERSEDED_SQL =
  'INSERT INTO pending_compression (seq) SELECT seq FROM revisions WHERE name = ? AND revision = ? AND deleted = 0';

export function sqliteCompaction(db: Database.Database): CompactionBackend {
  const statements = {
    // size comes before content in the row: choosing a batch never reads a text.
    queued: db.prepare<[number], { seq: number; size: number }>(
      'SELECT q.seq, r.size FROM pending_compression q JOIN revisions r ON r.seq = q.seq ORDER BY q.seq LIMIT ?',
    ),
    text: db.prepare<[number], { content: string | Buffer | null; encoding: number }>(
      'SELECT content, encoding FROM revisions WHERE seq = ?',
    ),
    compress: db.prepare<[Buffer, number, number], unknown>(
      `UPDATE revisions SET content = ?, encoding = ? WHERE seq = ? AND encoding = ${REVISION_ENCODING.plain}`,
    ),
    dequeue: db.prepare<[number], unknown>('DELETE FROM pending_compression WHERE seq = ?'),
    autoVacuum: db.prepare<[], number>('PRAGMA auto_vacuum').pluck(),
    freePages: db.prepare<[], number>('PRAGMA freelist_count').pluck(),
  };
  const store = db.transaction((compactions: readonly Compaction[]) => {
    for (const { seq, encoded } of compactions) {
      if (encoded !== undefined && encoded.encoding !== REVISION_ENCODING.plain) {
        statements.compress.run(encoded.bytes, encoded.encoding, seq);
      }
      statements.dequeue.run(seq);
    }
  });
  return {
    async queued(rows, bytes) {
      return withStoreErrors(() =>
        withinBytes(statements.queued.all(rows), bytes).map(({ seq }): QueuedRevision => {
          const row = statements.text.get(seq);
          const plain = row?.encoding === REVISION_ENCODING.plain && typeof row.content === 'string';
          return { seq, text: plain ? Buffer.from(row.content as string, 'utf8') : undefined };
        }),
      );
    },
    async store(compactions) {
      withStoreErrors(() => store.immediate(compactions));
    },
    // SQLite keeps freed pages in the file. A file made with auto_vacuum = INCREMENTAL (every
    // new store) gives them back here, in bounded steps; an older file reuses them for later
    // writes, or shrinks with an offline `PRAGMA auto_vacuum = INCREMENTAL; VACUUM`.
    async afterBatch() {
      withStoreErrors(() => {
        if (statements.autoVacuum.get() !== AUTO_VACUUM_INCREMENTAL) return;
        const excess = statements.freePages.get()! - KEEP_FREE_PAGES;
        if (excess > 0) db.pragma(`incremental_vacuum(${Math.min(excess, RELEASE_PAGES)})`);
      });
    },
  };
}
