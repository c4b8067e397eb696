// kill -9 rounds: writers create and conditionally update pages while the server is killed
// again and again; then every acknowledged write is checked byte for byte.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getPage, putPage, request } from './http.js';
import { startServer } from './server.js';

export interface Acknowledged {
  readonly name: string;
  readonly revision: number;
  readonly content: string;
}

export interface KillRoundsResult {
  readonly acknowledged: Acknowledged[];
  /** The write each page had in flight when its process died: committed or not, nobody was told. */
  readonly inFlight: Map<string, string>;
}

export interface KillRoundsOptions {
  readonly dataDir: string;
  readonly rounds: number;
  readonly writers?: number;
  /** Extra environment for the server (for example DATABASE_URL). */
  readonly env?: Record<string, string>;
  readonly onRound?: (round: number, acknowledged: number) => void;
}

export async function killRounds(options: KillRoundsOptions): Promise<KillRoundsResult> {
  const writers = options.writers ?? 8;
  const acknowledged: Acknowledged[] = [];
  const inFlight = new Map<string, string>();
  for (let round = 0; round < options.rounds; round++) {
    const server = await startServer({ dataDir: options.dataDir, ...(options.env ? { env: options.env } : {}) });
    let stop = false;
    const running = Array.from({ length: writers }, async (_, w) => {
      const name = `Page ${w}`;
      for (let i = 0; !stop; i++) {
        const current = await getPage(server.url, name).catch(() => undefined);
        if (!current) return;
        const content = `round ${round} writer ${w} write ${i}\n`.repeat(1 + (i % 50));
        const headers: Record<string, string> = current.status === 200 ? { 'if-match': current.headers.etag! } : { 'if-none-match': '*' };
        inFlight.set(name, content);
        const res = await putPage(server.url, name, content, headers).catch(() => undefined);
        if (!res) return;
        if (res.status === 200 || res.status === 201) {
          acknowledged.push({ name, revision: res.json<{ revision: number }>().revision, content });
          inFlight.delete(name);
        }
      }
    });
    // Kill once this round has made progress (however slow the machine), then a little later
    // at a different moment each round: early in a batch, mid-batch, late.
    const target = acknowledged.length + writers * 2;
    const deadline = Date.now() + 20_000;
    while (acknowledged.length < target && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, (round * 37) % 150));
    await server.kill();
    stop = true;
    await Promise.all(running);
    options.onRound?.(round, acknowledged.length);
  }
  return { acknowledged, inFlight };
}

/** Restarts the server and checks every acknowledged write, then the SQLite file itself. */
export async function verifyKillRounds(dataDir: string, result: KillRoundsResult, env?: Record<string, string>): Promise<void> {
  const server = await startServer({ dataDir, ...(env ? { env } : {}) });
  try {
    for (const ack of result.acknowledged) {
      const res = await request(`${server.url}/api/pages/${encodeURIComponent(ack.name)}/revisions/${ack.revision}`);
      assert.equal(res.status, 200, `${ack.name} revision ${ack.revision}`);
      assert.equal(res.text(), ack.content, `${ack.name} revision ${ack.revision} is byte for byte what was acknowledged`);
    }
    const names = new Set(result.acknowledged.map((a) => a.name));
    for (const name of names) {
      const last = result.acknowledged.filter((a) => a.name === name).at(-1)!;
      const text = (await getPage(server.url, name)).text();
      assert.ok(text === last.content || text === result.inFlight.get(name), `${name} holds its last acknowledged write or the one in flight`);
      // History has no gap: revisions 1..n, newest first.
      const history = (await request(`${server.url}/api/pages/${encodeURIComponent(name)}/revisions?limit=1000`)).json<{ revisions: { revision: number }[] }>();
      const numbers = history.revisions.map((r) => r.revision);
      assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => numbers.length - i), `${name} history has no gap`);
    }
  } finally {
    await server.stop();
  }
  if (env?.['DATABASE_URL']) return;
  const db = new Database(join(dataDir, 'midair.sqlite3'), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const mismatched = db
      .prepare('SELECT p.name FROM pages p JOIN revisions r ON r.name = p.name AND r.revision = p.revision WHERE r.etag IS NOT p.etag')
      .all();
    assert.deepEqual(mismatched, [], 'every page row points at its own latest revision');
  } finally {
    db.close();
  }
}
