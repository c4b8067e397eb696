// Backlinks, subpage listings and moves: one table of named cases, run against both stores
// (the PageStore contract's way, test/store-contract.test.ts), and the migration that fills the
// links of pages stored before the links table, on both.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pageLinks } from '../src/pages/page-links.js';
import { PostgresAccountStore } from '../src/storage/postgres/postgres-accounts.js';
import { openPostgresStore } from '../src/storage/postgres/postgres-store.js';
import { BEFORE_LINKS as POSTGRES_BEFORE_LINKS, migrate as migratePostgres } from '../src/storage/postgres/schema.js';
import { BEFORE_LINKS as SQLITE_BEFORE_LINKS, migrate as migrateSqlite } from '../src/storage/sqlite/schema.js';
import { SqliteAccountStore } from '../src/storage/sqlite/sqlite-accounts.js';
import { SqlitePageStore } from '../src/storage/sqlite/sqlite-store.js';
import type { AccountStore } from '../src/storage/accounts.js';
import type { LinkTargets, MoveInfo, PageState, PageStore, WriteResult } from '../src/storage/store.js';
import { postgresVerdict } from './support/backing.js';
import { probePostgres, TestSchemas, testDatabaseUrl } from './support/postgres.js';

interface Place {
  open(options?: { linkTargets?: LinkTargets }): Promise<PageStore>;
  accounts(): Promise<AccountStore>;
  /** Makes the place a store from before the links table, holding `pages` (name → text). */
  older(pages: Record<string, string>): Promise<void>;
  dispose(): Promise<void>;
}

interface Adapter {
  readonly name: string;
  readonly skip?: string;
  readonly failure?: string;
  fresh(): Place;
}

/** Closes whatever the place opened, then removes it. */
function place(open: Place['open'], accounts: Place['accounts'], older: Place['older'], remove: () => Promise<void>): Place {
  const opened: { close(): Promise<void> }[] = [];
  return {
    async open(options) {
      const store = await open(options);
      opened.push(store);
      return store;
    },
    async accounts() {
      const store = await accounts();
      opened.push(store);
      return store;
    },
    older,
    async dispose() {
      await Promise.allSettled(opened.map((store) => store.close()));
      await remove();
    },
  };
}

const sqlite: Adapter = {
  name: 'SQLite',
  fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'midair-links-'));
    const file = join(dir, 'midair.sqlite3');
    return place(
      async (options = {}) => new SqlitePageStore(file, { shared: true, ...options }),
      async () => new SqliteAccountStore(file),
      async (pages) => {
        const db = new Database(file);
        migrateSqlite(db, SQLITE_BEFORE_LINKS);
        for (const [name, text] of Object.entries(pages)) {
          db.prepare("INSERT INTO pages (name, revision, deleted, etag, modified_ms, date_shared, size, name_key) VALUES (?, 1, 0, '\"e\"', 1, 0, 1, ?)").run(name, name.toLowerCase());
          db.prepare("INSERT INTO revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content) VALUES (?, 1, 0, '\"e\"', 1, 0, 1, '', 'before', ?)").run(name, text);
        }
        db.close();
      },
      async () => rmSync(dir, { recursive: true, force: true }),
    );
  },
};

const POSTGRES_URL = testDatabaseUrl();
const reach = await probePostgres(POSTGRES_URL, 2000);
const schemas = reach.reachable ? new TestSchemas(POSTGRES_URL) : undefined;

const postgres: Adapter = {
  name: 'PostgreSQL',
  ...postgresVerdict(reach),
  fresh() {
    const schema = schemas!.next();
    return place(
      (options = {}) => openPostgresStore({ url: POSTGRES_URL, schema, ...options }),
      () => PostgresAccountStore.open({ url: POSTGRES_URL, schema, poolSize: 2 }),
      async (pages) => {
        const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
        try {
          await migratePostgres(pool, schema, POSTGRES_BEFORE_LINKS);
          for (const [name, text] of Object.entries(pages)) {
            await pool.query(`INSERT INTO ${schema}.pages (name, revision, deleted, etag, modified_ms, date_shared, size, name_key) VALUES ($1, 1, false, '"e"', 1, false, 1, $2)`, [name, name.toLowerCase()]);
            await pool.query(`INSERT INTO ${schema}.revisions (name, revision, deleted, etag, modified_ms, date_shared, size, summary, author, content) VALUES ($1, 1, false, '"e"', 1, false, 1, '', 'before', $2)`, [name, Buffer.from(text)]);
          }
        } finally {
          await pool.end();
        }
      },
      () => schemas!.drop(schema),
    );
  },
};

// ---------------------------------------------------------------------------------------------
// Helpers

const by = (summary = '', author = 'links') => ({ summary, author });

/** A write as the pages layer makes it: with the links of its text. */
const put = (store: PageStore, name: string, text: string, expected: number, summary = '') =>
  store.put(name, text, expected, { ...by(summary), links: pageLinks(text) });

function committed(result: WriteResult | Awaited<ReturnType<PageStore['move']>>): PageState {
  assert.ok(result.ok, `expected a commit, got ${JSON.stringify(result)}`);
  return result.state;
}

const move = (withSubpages = false, summary = ''): MoveInfo => ({ ...by(summary, 'mover'), withSubpages });

const names = (links: readonly { name: string; via?: string }[]) => links.map((link) => (link.via ? `${link.name} via ${link.via}` : link.name));

async function backlinksOf(store: PageStore, name: string): Promise<string[]> {
  return names(await store.backlinks(name, { limit: 100 }));
}

// ---------------------------------------------------------------------------------------------
// The cases

interface Case {
  readonly name: string;
  run(place: Place): Promise<void>;
}

const CASES: readonly Case[] = [
  {
    name: 'each write replaces its page’s links; a delete clears them; a missing page has backlinks (red links)',
    async run(place) {
      const store = await place.open();
      const a = committed(await put(store, 'A', 'see [[B]] and [[Nowhere]]', 0));
      committed(await put(store, 'C', '[[B|label]] [[B#Part]]', 0));
      assert.deepEqual(await backlinksOf(store, 'B'), ['A', 'C']);
      assert.deepEqual(await backlinksOf(store, 'Nowhere'), ['A'], 'a page that does not exist has backlinks');
      const a2 = committed(await put(store, 'A', 'now only [[Nowhere]] and [[D]]', a.revision));
      assert.deepEqual(await backlinksOf(store, 'B'), ['C']);
      assert.deepEqual(await backlinksOf(store, 'D'), ['A']);
      committed(await store.delete('A', a2.revision, by()));
      assert.deepEqual(await backlinksOf(store, 'Nowhere'), []);
      assert.deepEqual(await backlinksOf(store, 'D'), []);
      // A conflict changes no links.
      assert.equal((await put(store, 'C', '[[E]]', 7)).ok, false);
      assert.deepEqual(await backlinksOf(store, 'E'), []);
    },
  },
  {
    name: 'backlinks page in name order with limit and after',
    async run(place) {
      const store = await place.open();
      for (const name of ['P3', 'P1', 'P2', 'P4']) committed(await put(store, name, '[[Hub]]', 0));
      assert.deepEqual(names(await store.backlinks('Hub', { limit: 2 })), ['P1', 'P2']);
      assert.deepEqual(names(await store.backlinks('Hub', { limit: 2, after: 'P2' })), ['P3', 'P4']);
    },
  },
  {
    name: 'list with a prefix reads a page’s subpages; children keeps the direct ones; neither reaches outside the prefix',
    async run(place) {
      const store = await place.open();
      for (const name of ['Team', 'Team/A', 'Team/A/x', 'Team/B', 'Team B', 'Team0', 'Teams/C', 'Top']) committed(await put(store, name, name, 0));
      const list = async (options: { prefix?: string; children?: boolean; after?: string; limit?: number }) =>
        (await store.list({ limit: 100, ...options })).pages.map((p) => p.name);
      assert.deepEqual(await list({ prefix: 'Team/' }), ['Team/A', 'Team/A/x', 'Team/B']);
      assert.deepEqual(await list({ prefix: 'Team/', children: true }), ['Team/A', 'Team/B']);
      assert.deepEqual(await list({ prefix: 'Team/A/', children: true }), ['Team/A/x']);
      assert.deepEqual(await list({ prefix: 'Team/', after: 'Team/A', limit: 1 }), ['Team/A/x']);
      assert.deepEqual(await list({ children: true }), ['Team', 'Team B', 'Team0', 'Top'], 'no prefix: the top-level pages');
      assert.deepEqual(await list({ prefix: 'Nothing/' }), []);
    },
  },
  {
    name: 'a move takes the history (numbers, tags, bytes) along, adds a move revision and leaves a redirect',
    async run(place) {
      const store = await place.open();
      const v1 = committed(await put(store, 'Old', 'first [[Target]]', 0));
      const v2 = committed(await put(store, 'Old', 'second [[Target]]', v1.revision));
      const moved = await store.move('Old', 'New', v2.revision, move(false, 'tidy'));
      const state = committed(moved);
      assert.deepEqual({ name: state.name, revision: state.revision, etag: state.etag, exists: state.exists }, { name: 'New', revision: 3, etag: v2.etag, exists: true });
      assert.deepEqual(moved.ok && moved.moved, [{ from: 'Old', to: 'New' }]);
      const history = await store.history('New', { limit: 10 });
      assert.deepEqual(history.map((r) => [r.revision, r.etag, r.summary]), [
        [3, v2.etag, 'Moved from "Old": tidy'],
        [2, v2.etag, ''],
        [1, v1.etag, ''],
      ]);
      assert.equal(await store.content('New', 1), 'first [[Target]]');
      assert.equal(await store.content('New', 3), 'second [[Target]]');
      assert.deepEqual(await store.head('New'), state);
      assert.equal((await store.head('Old')).revision, 0, 'the old name has no history left');
      assert.deepEqual(await store.history('Old', { limit: 10 }), []);
      assert.equal(await store.redirect('Old'), 'New');
      assert.equal(await store.redirect('New'), undefined);
      assert.deepEqual(await backlinksOf(store, 'Target'), ['New'], 'links from the moved page moved with it');
      const [change] = await store.recentChanges(1);
      assert.deepEqual([change!.name, change!.revision, change!.author, change!.summary], ['New', 3, 'mover', 'Moved from "Old": tidy']);
      assert.deepEqual((await store.list({ limit: 10 })).pages.map((p) => p.name), ['New']);
    },
  },
  {
    name: 'links to the old name reach the new one through the redirect; a page made at the old name replaces the redirect',
    async run(place) {
      const store = await place.open();
      const old = committed(await put(store, 'Old', 'text', 0));
      committed(await put(store, 'Linker', '[[Old]]', 0));
      committed(await put(store, 'Direct', '[[New]] [[Old]]', 0));
      committed(await store.move('Old', 'New', old.revision, move()));
      assert.deepEqual(await backlinksOf(store, 'New'), ['Direct', 'Linker via Old']);
      assert.deepEqual(await backlinksOf(store, 'Old'), ['Direct', 'Linker']);
      // If-Match on a redirect: there is no page, so a replace conflicts; a creation succeeds.
      assert.equal((await put(store, 'Old', 'x', 1)).ok, false);
      committed(await put(store, 'Old', 'a page again', 0));
      assert.equal(await store.redirect('Old'), undefined);
      assert.deepEqual(await backlinksOf(store, 'New'), ['Direct']);
    },
  },
  {
    name: 'redirect chains collapse, and moving a page back onto its own redirect leaves no loop',
    async run(place) {
      const store = await place.open();
      const a = committed(await put(store, 'A', 'text', 0));
      const b = committed(await store.move('A', 'B', a.revision, move()));
      const c = committed(await store.move('B', 'C', b.revision, move()));
      assert.equal(await store.redirect('A'), 'C');
      assert.equal(await store.redirect('B'), 'C');
      committed(await store.move('C', 'A', c.revision, move()));
      assert.equal(await store.redirect('A'), undefined);
      assert.equal(await store.redirect('B'), 'A');
      assert.equal(await store.redirect('C'), 'A');
      assert.deepEqual((await store.history('A', { limit: 10 })).map((r) => r.revision), [4, 3, 2, 1]);
    },
  },
  {
    name: 'a move is refused, changing nothing, when stale, gone, protected, or when a page, a deleted page or a look-alike holds the destination',
    async run(place) {
      const store = await place.open();
      const src = committed(await put(store, 'Src', 'text', 0));
      committed(await put(store, 'Taken', 'x', 0));
      const gone = committed(await put(store, 'Gone', 'x', 0));
      committed(await store.delete('Gone', gone.revision, by()));
      assert.deepEqual(await store.move('Src', 'Dest', src.revision + 1, move()), { ok: false, reason: 'conflict' });
      assert.deepEqual(await store.move('Nope', 'Dest', 1, move()), { ok: false, reason: 'conflict' });
      assert.deepEqual(await store.move('Src', 'Taken', src.revision, move()), { ok: false, reason: 'destination-exists', existing: 'Taken' });
      assert.deepEqual(await store.move('Src', 'Gone', src.revision, move()), { ok: false, reason: 'destination-exists', existing: 'Gone' });
      assert.deepEqual(await store.move('Src', 'TAKEN', src.revision, move()), { ok: false, reason: 'lookalike', existing: 'Taken' });
      const accounts = await place.accounts();
      await accounts.setProtected('Src', true, 'admin', Date.now());
      assert.deepEqual(await store.move('Src', 'Dest', src.revision, { ...move(), unlessProtected: true }), { ok: false, reason: 'protected' });
      await accounts.setProtected('Src', false, 'admin', Date.now());
      await accounts.setProtected('Dest', true, 'admin', Date.now());
      assert.deepEqual(await store.move('Src', 'Dest', src.revision, { ...move(), unlessProtected: true }), { ok: false, reason: 'protected' });
      assert.deepEqual(await store.head('Src'), src);
      assert.equal((await store.head('Dest')).revision, 0);
      // A case-only rename is no look-alike of itself; an admin's move carries the protection along.
      await accounts.setProtected('Src', true, 'admin', Date.now());
      committed(await store.move('Src', 'SRC', src.revision, move()));
      assert.equal(await accounts.isProtected('SRC'), true);
    },
  },
  {
    name: 'with subpages, a page and all its subpages move together (deleted ones’ history too), or none does',
    async run(place) {
      const store = await place.open();
      const team = committed(await put(store, 'Team', '[[Team/A]]', 0));
      committed(await put(store, 'Team/A', '[[Team]]', 0));
      committed(await put(store, 'Team/A/x', 'deep', 0));
      const old = committed(await put(store, 'Team/Old', 'gone', 0));
      committed(await store.delete('Team/Old', old.revision, by()));
      committed(await put(store, 'Crew/A/x', 'in the way', 0));
      committed(await put(store, 'Teams', 'not a subpage', 0));
      assert.deepEqual(await store.move('Team', 'Crew', team.revision, move(true)), { ok: false, reason: 'destination-exists', existing: 'Crew/A/x' });
      assert.equal((await store.head('Team/A/x')).exists, true, 'nothing moved');
      const blocker = await store.head('Crew/A/x');
      committed(await store.delete('Crew/A/x', blocker.revision, by()));
      assert.deepEqual(await store.move('Team', 'Crew', team.revision, move(true)), { ok: false, reason: 'destination-exists', existing: 'Crew/A/x' }, 'a deleted page’s history blocks too');
      const result = await store.move('Team', 'Squad', team.revision, move(true));
      assert.deepEqual(result.ok && result.moved, [
        { from: 'Team', to: 'Squad' },
        { from: 'Team/A', to: 'Squad/A' },
        { from: 'Team/A/x', to: 'Squad/A/x' },
        { from: 'Team/Old', to: 'Squad/Old' },
      ]);
      assert.deepEqual((await store.list({ limit: 20 })).pages.map((p) => p.name), ['Crew/A/x', 'Squad', 'Squad/A', 'Squad/A/x', 'Teams'].filter((n) => n !== 'Crew/A/x'));
      assert.deepEqual((await store.history('Squad/Old', { limit: 5 })).map((r) => r.deleted), [true, false], 'a deleted subpage keeps its history, and gets no revision');
      assert.equal(await store.redirect('Team/A'), 'Squad/A');
      assert.equal(await store.redirect('Team/Old'), undefined);
      assert.equal((await store.head('Teams')).exists, true);
      assert.deepEqual(await backlinksOf(store, 'Team'), ['Squad/A']);
      assert.deepEqual(await backlinksOf(store, 'Squad'), ['Squad/A via Team']);
      assert.equal((await store.head('Squad/A')).revision, 2);
    },
  },
  {
    name: 'search finds a moved page under its new name, not its old one',
    async run(place) {
      const store = await place.open();
      const p = committed(await put(store, 'Zebra notes', 'stripes everywhere', 0));
      committed(await store.move('Zebra notes', 'Okapi notes', p.revision, move()));
      assert.deepEqual((await store.search('stripes', 10)).map((h) => h.name), ['Okapi notes']);
      assert.deepEqual((await store.search('okapi', 10)).map((h) => h.name), ['Okapi notes']);
      assert.deepEqual(await store.search('zebra', 10), []);
    },
  },
  {
    name: 'a move racing a write to its source: exactly one wins, every time',
    async run(place) {
      const store = await place.open();
      const other = await place.open();
      for (let round = 0; round < 10; round++) {
        const from = `Race ${round}`;
        const state = committed(await put(store, from, 'v1', 0));
        const [moved, written] = await Promise.all([
          store.move(from, `Moved ${round}`, state.revision, move()),
          other.put(from, 'v2', state.revision, by()),
        ]);
        assert.equal(Number(moved.ok) + Number(written.ok), 1, `round ${round}: ${JSON.stringify({ moved, written })}`);
        if (moved.ok) assert.equal(await store.content(`Moved ${round}`, moved.state.revision), 'v1');
        else assert.equal(await store.content(from, 2), 'v2');
      }
    },
  },
  {
    name: 'onChange hears a move’s revisions, in other instances too',
    async run(place) {
      const store = await place.open();
      const other = await place.open();
      const heard: string[] = [];
      const stop = other.onChange((event) => heard.push(`${event.name}@${event.revision}`));
      const p = committed(await put(store, 'Heard', 'x', 0));
      committed(await store.move('Heard', 'Heard too', p.revision, move()));
      const deadline = Date.now() + 5000;
      while (!heard.includes('Heard too@2') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      stop();
      // SQLite reads a change from its row when it hears of it: one read after the move names the page where it is now.
      assert.equal(heard.length, 2, heard.join());
      assert.match(heard[0]!, /^Heard( too)?@1$/);
      assert.equal(heard[1], 'Heard too@2');
    },
  },
  {
    name: 'the migration fills the links of pages stored before the links table, and an interrupted fill resumes',
    async run(place) {
      const pages: Record<string, string> = {};
      for (let i = 0; i < 450; i++) pages[`Old ${String(i).padStart(3, '0')}`] = `[[Hub]] [[Old ${i + 1}|next]]`;
      await place.older(pages);
      // Without the extractor nothing is filled yet.
      const plain = await place.open();
      assert.deepEqual(await backlinksOf(plain, 'Hub'), []);
      await plain.close();
      let read = 0;
      await assert.rejects(
        place.open({
          linkTargets: (text) => {
            if (++read > 250) throw new Error('interrupted');
            return pageLinks(text);
          },
        }),
      );
      const store = await place.open({ linkTargets: pageLinks });
      assert.equal((await store.backlinks('Hub', { limit: 1000 })).length, 450);
      assert.deepEqual(await backlinksOf(store, 'Old 7'), ['Old 006']);
      // A write after the fill is the page's own again.
      committed(await put(store, 'Old 000', 'no links', 1));
      assert.equal((await store.backlinks('Hub', { limit: 1000 })).length, 449);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Running

for (const adapter of [sqlite, postgres]) {
  describe(`links, subpages and moves: ${adapter.name}`, () => {
    for (const contract of CASES) {
      it(contract.name, adapter.skip === undefined ? {} : { skip: adapter.skip }, async () => {
        if (adapter.failure !== undefined) assert.fail(adapter.failure);
        const fresh = adapter.fresh();
        try {
          await contract.run(fresh);
        } finally {
          await fresh.dispose();
        }
      });
    }
  });
}

before(async () => {
  await schemas?.dropStale();
});
after(async () => {
  await schemas?.close();
});
