// The links of pages stored before the links table existed (links_unscanned, schema.ts), read
// when a store opens: a batch per transaction, the batch's rows locked (SKIP LOCKED, so several
// processes starting together share the work), so an interrupted fill goes on at the next start.
import { decodeRevision } from '../revision-codec.js';
import type { ConnectionPool } from './driver.js';
import type { LinkTargets } from '../store.js';

const FILL_BATCH = 200;

const SQL = {
  batch: `SELECT u.name, r.content, r.encoding FROM links_unscanned u
          LEFT JOIN pages p ON p.name = u.name AND NOT p.deleted
          LEFT JOIN revisions r ON r.name = p.name AND r.revision = p.revision
          ORDER BY u.name LIMIT $1 FOR UPDATE OF u SKIP LOCKED`,
  unlink: 'DELETE FROM links WHERE from_name = ANY($1::text[])',
  link: 'INSERT INTO links (from_name, to_name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
  scanned: 'DELETE FROM links_unscanned WHERE name = ANY($1::text[])',
} as const;

export async function fillUnscannedLinks(pool: ConnectionPool, targets: LinkTargets): Promise<void> {
  for (let filled = FILL_BATCH; filled === FILL_BATCH; ) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const rows = (await client.query(SQL.batch, [FILL_BATCH])).rows as { name: string; content: Buffer | null; encoding: number | null }[];
      const from: string[] = [];
      const to: string[] = [];
      for (const row of rows) {
        const links = row.content === null ? [] : targets(await decodeRevision(row.encoding ?? 0, row.content));
        for (const target of links) {
          from.push(row.name);
          to.push(target);
        }
      }
      const names = rows.map((row) => row.name);
      await client.query(SQL.unlink, [names]);
      await client.query(SQL.link, [from, to]);
      await client.query(SQL.scanned, [names]);
      await client.query('COMMIT');
      client.release();
      filled = rows.length;
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }
}
