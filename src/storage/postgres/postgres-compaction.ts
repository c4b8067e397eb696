// The history compactor's PostgreSQL half (src/storage/history-compactor.ts): the queue of
// superseded plain revisions and each batch's one-statement transaction.
//
// Compressed in the application, not left to TOAST: measured on the Markdown in node_modules,
// plain bytea under TOAST's pglz takes 0.60 of the text on disk, lz4 0.65, raw DEFLATE 0.42.
// The column keeps its default storage (EXTENDED): the current revision, stored plain, still
// gets pglz, and pglz gives up on a DEFLATE stream within its first KiB.
import { type CompactionBackend, type QueuedRevision, withinBytes } from '../history-compactor.js';
import { REVISION_ENCODING } from '../revision-codec.js';
import type { ConnectionPool } from './driver.js';
import { asStoreError } from './errors.js';

const SQL = {
  // size comes from the row, not the text: choosing a batch never reads a text.
  queued: 'SELECT q.seq, r.size FROM pending_compression q JOIN revisions r ON r.seq = q.seq ORDER BY q.seq LIMIT $1',
  texts: 'SELECT seq, content, encoding FROM revisions WHERE seq = ANY($1::bigint[])',
  // One statement, so one transaction: the new forms and the dequeueing commit together.
  store: `
    WITH c AS (SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::smallint[]) AS c(seq, content, encoding)),
    compressed AS (
      UPDATE revisions r SET content = c.content, encoding = c.encoding
      FROM c WHERE r.seq = c.seq AND c.content IS NOT NULL AND r.encoding = ${REVISION_ENCODING.plain}
    )
    DELETE FROM pending_compression q USING c WHERE q.seq = c.seq`,
} as const;

async function query<Row>(pool: ConnectionPool, name: keyof typeof SQL, values: readonly unknown[]): Promise<Row[]> {
  try {
    return (await pool.query({ name: `midair_compaction_${name}`, text: SQL[name], values })).rows as Row[];
  } catch (error) {
    throw asStoreError(error);
  }
}

export function postgresCompaction(pool: ConnectionPool): CompactionBackend {
  return {
    async queued(rows, bytes) {
      // BIGINT arrives as a string.
      const chosen = withinBytes(await query<{ seq: string; size: number }>(pool, 'queued', [rows]), bytes);
      if (chosen.length === 0) return [];
      const found = await query<{ seq: string; content: Buffer | null; encoding: number }>(pool, 'texts', [chosen.map((r) => r.seq)]);
      const bySeq = new Map(found.map((row) => [row.seq, row]));
      return chosen.map(({ seq }): QueuedRevision => {
        const row = bySeq.get(seq);
        const plain = row?.encoding === REVISION_ENCODING.plain && row.content !== null;
        return { seq: Number(seq), text: plain ? row.content! : undefined };
      });
    },
    async store(compactions) {
      const shrunk = compactions.map(({ encoded }) => (encoded?.encoding === REVISION_ENCODING.plain ? undefined : encoded));
      await query(pool, 'store', [
        compactions.map((c) => c.seq),
        shrunk.map((encoded) => encoded?.bytes ?? null),
        shrunk.map((encoded) => encoded?.encoding ?? REVISION_ENCODING.plain),
      ]);
    },
  };
}
