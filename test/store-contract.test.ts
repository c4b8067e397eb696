// The PageStore contract: one table of named cases, run against every adapter. A case that
// needs something only some backends can do names it as a capability, and is skipped, with
// the reason, where the adapter lacks it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { AccountStore } from '../src/storage/accounts.js';
import { PostgresAccountStore } from '../src/storage/postgres/postgres-accounts.js';
import { openPostgresStore } from '../src/storage/postgres/postgres-store.js';
import { LATEST_VERSION } from '../src/storage/postgres/schema.js';
import { revisionEtag } from '../src/storage/revision-etag.js';
import { SqliteAccountStore } from '../src/storage/sqlite/sqlite-accounts.js';
import { SqlitePageStore } from '../src/storage/sqlite/sqlite-store.js';
import { type ChangeEvent, type PageState, type PageStore, SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN, StoreError, type WriteResult } from '../src/storage/store.js';
import { type Backing as SharedBacking, backingOf, postgresVerdict } from './support/backing.js';
import { describeUrl, probePostgres, TestSchemas, testDatabaseUrl } from './support/postgres.js';

// ---------------------------------------------------------------------------------------------
// Adapters

type Capability =
  /** onChange hears of writes made through another instance (another process). */
  | 'changes-across-instances'
  /** The clock that dates revisions can be replaced, so time can be made to run backwards. */
  | 'injectable-clock';

interface OpenOptions {
  readonly clock?: () => number;
}

/** A place the data lives; `accounts` opens the account store beside it (page protection). */
type Backing = SharedBacking<PageStore, OpenOptions> & { accounts(): Promise<AccountStore> };

/** Adds the account store of the same place, closed before the place is removed. */
function withAccounts(pages: SharedBacking<PageStore, OpenOptions>, open: () => Promise<AccountStore>): Backing {
  const opened: AccountStore[] = [];
  return {
    open: (options) => pages.open(options),
    async accounts() {
      const accounts = await open();
      opened.push(accounts);
      return accounts;
    },
    async dispose() {
      await Promise.allSettled(opened.map((accounts) => accounts.close()));
      await pages.dispose();
    },
  };
}

interface Adapter {
  readonly name: string;
  readonly capabilities: ReadonlySet<Capability>;
  /** Why the adapter's cases cannot run here (reported as a skip). */
  readonly skip?: string;
  /** Why they must fail (the backend is required but missing). */
  readonly failure?: string;
  fresh(): Promise<Backing>;
}

interface ContractCase {
  readonly name: string;
  readonly needs?: Capability;
  run(backing: Backing): Promise<void>;
}

const sqlite: Adapter = {
  name: 'SQLite',
  capabilities: new Set(['changes-across-instances', 'injectable-clock']),
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'midair-contract-'));
    const file = join(dir, 'midair.sqlite3');
    const pages = backingOf<PageStore, OpenOptions>(
      // Cases open several instances of one file, as --workers does: each is opened shared.
      async (options) => new SqlitePageStore(file, { shared: true, ...(options.clock ? { clock: options.clock } : {}) }),
      async () => rmSync(dir, { recursive: true, force: true }),
    );
    return withAccounts(pages, async () => new SqliteAccountStore(file));
  },
};

const POSTGRES_URL = testDatabaseUrl();
const postgresReach = await probePostgres(POSTGRES_URL, 2000);
const schemas = postgresReach.reachable ? new TestSchemas(POSTGRES_URL) : undefined;

function postgresBacking(schema: string): Backing {
  const pages = backingOf<PageStore, OpenOptions>(
    (options) =>
      openPostgresStore({
        url: POSTGRES_URL,
        schema,
        applicationName: schema,
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    () => schemas!.drop(schema),
  );
  return withAccounts(pages, () => PostgresAccountStore.open({ url: POSTGRES_URL, schema, poolSize: 2 }));
}

const postgres: Adapter = {
  name: 'PostgreSQL',
  capabilities: new Set(['changes-across-instances', 'injectable-clock']),
  ...postgresVerdict(postgresReach),
  async fresh() {
    return postgresBacking(schemas!.next());
  },
};

if (postgres.skip !== undefined) console.log(`store contract: PostgreSQL cases skipped: ${postgres.skip}`);

// ---------------------------------------------------------------------------------------------
// Helpers

const by = (summary: string, author = 'contract') => ({ summary, author });

function committed(result: WriteResult): PageState {
  assert.ok(result.ok, 'expected the write to commit, got a conflict');
  return result.state;
}

function assertConflict(result: WriteResult): void {
  assert.deepEqual(result, { ok: false, reason: 'conflict' });
}

/** Binary (code point) order: how both databases compare names, unlike JS's UTF-16 `<`. */
function codePointOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Sleeps into the first few milliseconds of the next wall-clock second. */
async function nextSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 5);
}

const secondOf = (ms: number) => Math.floor(ms / 1000);

function collect(store: PageStore): { events: ChangeEvent[]; stop: () => void } {
  const events: ChangeEvent[] = [];
  const stop = store.onChange((event) => events.push(event));
  return { events, stop };
}

/** Every change in the store, oldest (lowest sequence) first. */
async function allChanges(store: PageStore): Promise<ChangeEvent[]> {
  return (await store.recentChanges(1000)).reverse();
}

function sortedBySequence(events: readonly ChangeEvent[]): ChangeEvent[] {
  return [...events].sort((a, b) => a.sequence - b.sequence);
}

// sha256("Hello, world\n"), base64url, first 24 characters: pinned, so every adapter (and every
// process sharing a store) must hand out this very tag for this content.
const HELLO = 'Hello, world\n';
const HELLO_ETAG = '"N5gMM5Ud5rDkUMNwGyGb_u6T"';

/** Exactly `bytes` bytes of UTF-8 mixing 1-, 2-, 3- and 4-byte characters and line breaks. */
function textOfBytes(bytes: number): string {
  const unit = 'abc é 中 😀 \u0000\r\n';
  const unitBytes = Buffer.byteLength(unit);
  return unit.repeat(Math.floor(bytes / unitBytes)) + 'x'.repeat(bytes % unitBytes);
}

// ---------------------------------------------------------------------------------------------
// The contract

const CONTRACT: readonly ContractCase[] = [
  {
    name: 'head of a never-written name is revision 0 and does not exist',
    async run(backing) {
      const store = await backing.open();
      assert.deepEqual(await store.head('Never written'), {
        name: 'Never written',
        revision: 0,
        exists: false,
        lastModified: 0,
        lastModifiedIsWeak: false,
        size: 0,
      });
      assert.equal(await store.content('Never written', 1), undefined);
    },
  },
  {
    name: 'existingPages names the pages that exist now, deleted and never-written ones left out',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('A', 'a', 0, by('a')));
      committed(await store.put('B', 'b', 0, by('b')));
      committed(await store.delete('B', 1, by('gone')));
      committed(await store.put('C d', 'c', 0, by('c')));
      assert.deepEqual(await store.existingPages([]), new Set());
      const asked = ['A', 'B', 'C d', 'Never', 'A', "quote ' and \" and ]"];
      assert.deepEqual(await store.existingPages(asked), new Set(['A', 'C d']));
      // After a read of each (a store may answer from what it caches), the answer is the same.
      for (const name of asked) await store.head(name);
      assert.deepEqual(await store.existingPages(asked), new Set(['A', 'C d']));
      const many = Array.from({ length: 3000 }, (_, i) => `Page ${i}`);
      assert.deepEqual(await store.existingPages([...many, 'A']), new Set(['A']));
    },
  },
  {
    name: 'put with expected revision 0 creates revision 1',
    async run(backing) {
      const store = await backing.open();
      const before = Date.now();
      const state = committed(await store.put('Home', 'héllo', 0, by('first')));
      const afterwards = Date.now();
      assert.equal(state.name, 'Home');
      assert.equal(state.revision, 1);
      assert.equal(state.exists, true);
      assert.equal(state.etag, revisionEtag('héllo'));
      assert.equal(state.size, 6, 'size is in UTF-8 bytes');
      assert.ok(state.lastModified >= before && state.lastModified <= afterwards, 'lastModified is the time of the write');
      assert.equal(state.lastModifiedIsWeak, false);
      assert.deepEqual(await store.head('Home'), state);
      assert.equal(await store.content('Home', 1), 'héllo');
    },
  },
  {
    name: 'a second create with expected revision 0 conflicts and changes nothing',
    async run(backing) {
      const store = await backing.open();
      const first = committed(await store.put('Home', 'one', 0, by('first')));
      const changes = await store.recentChanges(10);
      assertConflict(await store.put('Home', 'two', 0, by('second')));
      assert.deepEqual(await store.head('Home'), first);
      assert.equal(await store.content('Home', 1), 'one');
      assert.equal(await store.content('Home', 2), undefined);
      assert.equal((await store.history('Home', { limit: 10 })).length, 1);
      assert.deepEqual(await store.recentChanges(10), changes);
    },
  },
  {
    name: 'put with the current revision replaces the content as the next revision',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Home', 'one', 0, by('first')));
      const state = committed(await store.put('Home', 'two', 1, by('second')));
      assert.equal(state.revision, 2);
      assert.equal(state.exists, true);
      assert.equal(state.etag, revisionEtag('two'));
      assert.equal(state.size, 3);
      assert.deepEqual(await store.head('Home'), state);
      assert.equal(await store.content('Home', 2), 'two');
      assert.equal(await store.content('Home', 1), 'one');
    },
  },
  {
    name: 'put with a stale or future expected revision conflicts and changes nothing',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Home', 'one', 0, by('first')));
      const current = committed(await store.put('Home', 'two', 1, by('second')));
      const changes = await store.recentChanges(10);
      assertConflict(await store.put('Home', 'stale', 1, by('stale')));
      assertConflict(await store.put('Home', 'future', 3, by('future')));
      assertConflict(await store.put('Never written', 'x', 1, by('no such page')));
      assert.deepEqual(await store.head('Home'), current);
      assert.equal(await store.content('Home', 2), 'two');
      assert.equal((await store.head('Never written')).revision, 0);
      assert.deepEqual(await store.recentChanges(10), changes);
    },
  },
  {
    name: 'revision numbers beyond any page find nothing and conflict',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Home', 'one', 0, by('first')));
      const huge = 2 ** 40;
      assert.equal(await store.content('Home', huge), undefined);
      assert.equal(await store.revision('Home', huge), undefined);
      assertConflict(await store.put('Home', 'x', huge, by('huge')));
      assertConflict(await store.delete('Home', huge, by('huge')));
      assert.equal((await store.head('Home')).revision, 1);
    },
  },
  {
    name: "delete with the current revision removes the page; re-creating expects the deletion's revision",
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Home', 'one', 0, by('first')));
      const deleted = committed(await store.delete('Home', 1, by('gone')));
      assert.equal(deleted.revision, 2);
      assert.equal(deleted.exists, false);
      assert.equal(deleted.etag, undefined);
      assert.equal(deleted.size, 0);
      assert.deepEqual(await store.head('Home'), deleted);
      assert.equal(await store.content('Home', 2), undefined, 'a deletion has no content');
      assert.equal(await store.content('Home', 1), 'one');
      assertConflict(await store.put('Home', 'again', 0, by('create over a deletion')));
      const recreated = committed(await store.put('Home', 'again', 2, by('back')));
      assert.equal(recreated.revision, 3);
      assert.equal(recreated.exists, true);
      assert.equal(recreated.etag, revisionEtag('again'));
      assert.equal(await store.content('Home', 3), 'again');
    },
  },
  {
    name: 'delete of a missing, already deleted or moved-on page conflicts',
    async run(backing) {
      const store = await backing.open();
      assertConflict(await store.delete('Missing', 0, by('never there')));
      assertConflict(await store.delete('Missing', 1, by('never there')));
      assert.equal((await store.head('Missing')).revision, 0);
      committed(await store.put('Gone', 'x', 0, by('first')));
      committed(await store.delete('Gone', 1, by('gone')));
      assertConflict(await store.delete('Gone', 2, by('twice')));
      assert.equal((await store.head('Gone')).revision, 2);
      committed(await store.put('Moved', 'one', 0, by('first')));
      committed(await store.put('Moved', 'two', 1, by('second')));
      assertConflict(await store.delete('Moved', 1, by('stale')));
      assert.equal((await store.head('Moved')).exists, true);
    },
  },
  {
    name: 'the ETag is a strong tag derived from the content alone, the same in every adapter',
    async run(backing) {
      const store = await backing.open();
      const a = committed(await store.put('A', HELLO, 0, by('a')));
      const b = committed(await store.put('B', HELLO, 0, by('b')));
      assert.equal(a.etag, HELLO_ETAG);
      assert.equal(b.etag, HELLO_ETAG, 'same content, same tag, whatever the name or time');
      assert.equal(revisionEtag(HELLO), HELLO_ETAG);
      const changed = committed(await store.put('A', `${HELLO}!`, 1, by('changed')));
      assert.notEqual(changed.etag, HELLO_ETAG);
      const back = committed(await store.put('A', HELLO, 2, by('back')));
      assert.equal(back.etag, HELLO_ETAG, 'reverting the content brings its tag back');
      assert.match(HELLO_ETAG, /^"[A-Za-z0-9_-]+"$/);
      assert.equal((await store.revision('A', 1))?.etag, HELLO_ETAG);
      assert.equal((await store.list({ limit: 10 })).pages.find((page) => page.name === 'B')?.etag, HELLO_ETAG);
    },
  },
  {
    name: 'a write in the same second as the previous one is weakly dated; one in a later second is not',
    async run(backing) {
      const store = await backing.open();
      let revision = committed(await store.put('Clock', 'v1', 0, by('first'))).revision;
      let sawSameSecond = false;
      for (let attempt = 0; attempt < 3 && !sawSameSecond; attempt++) {
        await nextSecond();
        const earlier = committed(await store.put('Clock', `a${attempt}`, revision, by('a')));
        const soon = committed(await store.put('Clock', `b${attempt}`, earlier.revision, by('b')));
        revision = soon.revision;
        // Asserted as the rule, since a slow machine may straddle a second now and then.
        assert.equal(soon.lastModifiedIsWeak, secondOf(soon.lastModified) === secondOf(earlier.lastModified));
        sawSameSecond ||= soon.lastModifiedIsWeak;
        assert.equal((await store.revision('Clock', soon.revision))?.lastModifiedIsWeak, soon.lastModifiedIsWeak);
      }
      assert.ok(sawSameSecond, 'two writes a few ms apart never shared a second');
      const previous = await store.head('Clock');
      await nextSecond();
      const later = committed(await store.put('Clock', 'later', previous.revision, by('later')));
      assert.ok(secondOf(later.lastModified) > secondOf(previous.lastModified));
      assert.equal(later.lastModifiedIsWeak, false);
      assert.equal((await store.head('Clock')).lastModifiedIsWeak, false);
    },
  },
  {
    name: 'lastModified never decreases within a page',
    async run(backing) {
      const store = await backing.open();
      let state = committed(await store.put('Busy', '0', 0, by('0')));
      for (let i = 1; i <= 20; i++) {
        const next = committed(
          i % 7 === 0 ? await store.delete('Busy', state.revision, by(`${i}`)) : await store.put('Busy', `${i}`, state.revision, by(`${i}`)),
        );
        assert.ok(next.lastModified >= state.lastModified, `revision ${next.revision} is dated before ${state.revision}`);
        state = next;
      }
      const dates = (await store.history('Busy', { limit: 100 })).map((info) => info.lastModified);
      assert.deepEqual(dates, [...dates].sort((x, y) => y - x));
    },
  },
  {
    name: 'when the clock runs backwards, lastModified stays put and the write is weakly dated',
    needs: 'injectable-clock',
    async run(backing) {
      let now = 1_700_000_000_500;
      const store = await backing.open({ clock: () => now });
      const first = committed(await store.put('Skew', 'one', 0, by('first')));
      assert.equal(first.lastModified, now);
      now -= 10_000;
      const behind = committed(await store.put('Skew', 'two', 1, by('clock went back')));
      assert.equal(behind.lastModified, first.lastModified);
      assert.equal(behind.lastModifiedIsWeak, true);
      // Another instance whose clock lags: the page's date still never runs backwards.
      const lagging = await backing.open({ clock: () => 1_600_000_000_000 });
      const other = committed(await lagging.put('Skew', 'three', 2, by('lagging process')));
      assert.equal(other.lastModified, first.lastModified);
      now = 1_700_000_001_000;
      const ahead = committed(await store.put('Skew', 'four', 3, by('next second')));
      assert.equal(ahead.lastModified, now);
      assert.equal(ahead.lastModifiedIsWeak, false);
    },
  },
  {
    name: 'the content of an old revision never changes',
    async run(backing) {
      const store = await backing.open();
      const contents = ['one', 'two', 'three'];
      for (const [i, content] of contents.entries()) committed(await store.put('Old', content, i, by(content)));
      committed(await store.delete('Old', 3, by('gone')));
      committed(await store.put('Old', 'five', 4, by('back')));
      for (const [i, content] of contents.entries()) assert.equal(await store.content('Old', i + 1), content);
      assert.equal(await store.content('Old', 4), undefined);
      assert.equal(await store.content('Old', 5), 'five');
      assert.equal(await store.content('Old', 0), undefined);
      assert.equal(await store.content('Old', 6), undefined);
      assert.equal(await store.content('Other', 1), undefined);
    },
  },
  {
    name: 'history lists revisions newest first, pages with limit and before, and shows deletions',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Page', 'one', 0, by('created', 'ada')));
      committed(await store.put('Page', 'two!', 1, by('edited', 'bob')));
      committed(await store.delete('Page', 2, by('deleted', 'cy')));
      committed(await store.put('Page', 'four', 3, by('restored', 'ada')));
      const all = await store.history('Page', { limit: 10 });
      assert.deepEqual(
        all.map((info) => [info.revision, info.summary, info.author, info.deleted, info.etag, info.size]),
        [
          [4, 'restored', 'ada', false, revisionEtag('four'), 4],
          [3, 'deleted', 'cy', true, null, 0],
          [2, 'edited', 'bob', false, revisionEtag('two!'), 4],
          [1, 'created', 'ada', false, revisionEtag('one'), 3],
        ],
      );
      assert.deepEqual((await store.history('Page', { limit: 2 })).map((info) => info.revision), [4, 3]);
      assert.deepEqual((await store.history('Page', { limit: 10, before: 3 })).map((info) => info.revision), [2, 1]);
      assert.deepEqual((await store.history('Page', { limit: 1, before: 3 })).map((info) => info.revision), [2]);
      assert.deepEqual(await store.history('Page', { limit: 10, before: 1 }), []);
      assert.deepEqual(await store.history('Never written', { limit: 10 }), []);
    },
  },
  {
    name: 'revision(n) describes one revision, and nothing for a revision that does not exist',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Page', 'one', 0, by('created', 'ada')));
      const deleted = committed(await store.delete('Page', 1, by('deleted', 'bob')));
      const history = await store.history('Page', { limit: 10 });
      assert.deepEqual(await store.revision('Page', 1), history[1]);
      assert.deepEqual(await store.revision('Page', 2), {
        revision: 2,
        etag: null,
        lastModified: deleted.lastModified,
        lastModifiedIsWeak: deleted.lastModifiedIsWeak,
        size: 0,
        summary: 'deleted',
        author: 'bob',
        deleted: true,
      });
      assert.equal(await store.revision('Page', 0), undefined);
      assert.equal(await store.revision('Page', 3), undefined);
      assert.equal(await store.revision('Never written', 1), undefined);
    },
  },
  {
    name: 'list is in binary code-point order, pages with limit and after, and leaves out deleted pages',
    async run(backing) {
      const store = await backing.open();
      // U+FF01 sorts before U+1F600 by code point, after it by UTF-16 code unit. (No two names
      // differ by case alone: that would be a look-alike.)
      const names = ['Zebra', 'apple', 'Apricot', 'Ä', '\uFF01 bang', '😀 smile', '中文', 'a b', 'a-b', 'ab', '~'];
      for (const name of names) committed(await store.put(name, `content of ${name}`, 0, by('create')));
      committed(await store.put('Deleted', 'x', 0, by('create')));
      committed(await store.delete('Deleted', 1, by('delete')));
      const expected = [...names].sort(codePointOrder);
      const all = await store.list({ limit: 100 });
      assert.deepEqual(all.pages.map((page) => page.name), expected);
      assert.equal(all.more, false);
      for (const page of all.pages) {
        const head = await store.head(page.name);
        assert.deepEqual(page, { name: head.name, revision: head.revision, etag: head.etag, lastModified: head.lastModified, size: head.size });
      }
      const paged: string[] = [];
      let after: string | undefined;
      for (let round = 0; round < 10; round++) {
        const page = await store.list({ limit: 3, ...(after === undefined ? {} : { after }) });
        paged.push(...page.pages.map((p) => p.name));
        assert.equal(page.more, paged.length < expected.length, `more after ${paged.length} names`);
        if (!page.more) break;
        after = page.pages.at(-1)!.name;
      }
      assert.deepEqual(paged, expected);
      assert.deepEqual(await store.list({ limit: 5, after: expected.at(-1)! }), { pages: [], more: false });
      assert.equal((await store.list({ limit: expected.length })).more, false);
      assert.equal((await store.list({ limit: expected.length - 1 })).more, true);
      // `after` need not be a page name: names strictly after it.
      assert.deepEqual((await store.list({ limit: 100, after: 'Apple0' })).pages[0]?.name, expected.find((n) => codePointOrder(n, 'Apple0') > 0));
    },
  },
  {
    name: 'unicode names (NFC, emoji, CJK, astral) round-trip exactly, and are not normalised by the store',
    async run(backing) {
      const store = await backing.open();
      const names = ['Café', '日本語のページ', '한국어', '👩‍👩‍👧 family', 'Ελληνικά', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'Zürich 🇨🇭'];
      for (const name of names) {
        assert.equal(name, name.normalize('NFC'));
        const state = committed(await store.put(name, name, 0, by(name, name)));
        assert.equal(state.name, name);
        assert.equal((await store.head(name)).name, name);
        assert.equal(await store.content(name, 1), name);
      }
      const listed = (await store.list({ limit: 100 })).pages.map((page) => page.name);
      assert.deepEqual(listed, [...names].sort(codePointOrder));
      const events = await allChanges(store);
      assert.deepEqual(events.map((event) => [event.name, event.summary, event.author]), names.map((n) => [n, n, n]));
      const decomposed = 'Café'.normalize('NFD');
      assert.equal((await store.head(decomposed)).exists, false, 'NFD is another name; normalising is the HTTP layer’s job');
    },
  },
  {
    name: 'content of any text round-trips exactly: NUL, CR LF, BOM, combining and astral characters',
    async run(backing) {
      const store = await backing.open();
      const texts = ['', 'a\u0000b', 'line\r\nbreak\rcr', '\uFEFFbom', 'e\u0301 combining', '𝄞 music', '\t tabs \u2028'];
      for (const [i, text] of texts.entries()) {
        const state = committed(await store.put(`Text ${i}`, text, 0, by('text')));
        assert.equal(state.size, Buffer.byteLength(text, 'utf8'));
        assert.equal(state.etag, revisionEtag(text));
        assert.equal(await store.content(`Text ${i}`, 1), text);
      }
      assert.equal((await store.head('Text 0')).exists, true, 'empty content is a page');
    },
  },
  {
    name: 'a 1 MiB content round-trips byte for byte',
    async run(backing) {
      const store = await backing.open();
      const big = textOfBytes(1024 * 1024);
      assert.equal(Buffer.byteLength(big), 1024 * 1024);
      const state = committed(await store.put('Big', big, 0, by('big')));
      assert.equal(state.size, 1024 * 1024);
      assert.equal(state.etag, revisionEtag(big));
      const read = await store.content('Big', 1);
      assert.ok(read === big, 'the content read back differs from the content written');
      assert.equal((await store.head('Big')).size, 1024 * 1024);
    },
  },
  {
    name: 'each committed write is one change with a new, higher sequence; a conflict is none',
    async run(backing) {
      const store = await backing.open();
      assert.deepEqual(await store.recentChanges(10), []);
      committed(await store.put('A', 'one', 0, by('a')));
      assert.equal((await store.recentChanges(10)).length, 1);
      assertConflict(await store.put('A', 'again', 0, by('conflict')));
      assertConflict(await store.delete('B', 0, by('conflict')));
      assert.equal((await store.recentChanges(10)).length, 1);
      committed(await store.put('B', 'one', 0, by('b')));
      committed(await store.put('A', 'two', 1, by('a')));
      committed(await store.delete('A', 2, by('a')));
      const sequences = (await store.recentChanges(10)).map((change) => change.sequence);
      assert.equal(sequences.length, 4);
      assert.deepEqual(sequences, [...sequences].sort((a, b) => b - a), 'newest (highest sequence) first');
      assert.equal(new Set(sequences).size, 4, 'no sequence is used twice');
    },
  },
  {
    name: 'recentChanges lists committed writes newest first, with their fields, up to a limit',
    async run(backing) {
      const store = await backing.open();
      const a1 = committed(await store.put('A', 'one', 0, by('a1', 'ada')));
      const b1 = committed(await store.put('B', 'uno', 0, by('b1', 'bob')));
      const a2 = committed(await store.delete('A', 1, by('a2', 'cy')));
      const recent = await store.recentChanges(100);
      const withoutSequence = recent.map(({ sequence: _, ...change }) => change);
      assert.deepEqual(withoutSequence, [
        { name: 'A', revision: 2, etag: null, deleted: true, summary: 'a2', author: 'cy', lastModified: a2.lastModified },
        { name: 'B', revision: 1, etag: b1.etag, deleted: false, summary: 'b1', author: 'bob', lastModified: b1.lastModified },
        { name: 'A', revision: 1, etag: a1.etag, deleted: false, summary: 'a1', author: 'ada', lastModified: a1.lastModified },
      ]);
      assert.deepEqual(await store.recentChanges(2), recent.slice(0, 2));
    },
  },
  {
    name: 'pageChanges replays one page’s revisions after a revision, oldest first, up to a limit',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('A', 'one', 0, by('a1')));
      committed(await store.put('B', 'uno', 0, by('b1')));
      committed(await store.put('A', 'two', 1, by('a2')));
      committed(await store.delete('A', 2, by('a3')));
      const all = await store.pageChanges('A', 0, 100);
      assert.deepEqual(all.map((change) => [change.name, change.revision, change.summary, change.deleted]), [
        ['A', 1, 'a1', false],
        ['A', 2, 'a2', false],
        ['A', 3, 'a3', true],
      ]);
      assert.ok(all[0]!.sequence < all[1]!.sequence && all[1]!.sequence < all[2]!.sequence, 'a page’s sequences rise with its revisions');
      assert.deepEqual(all, (await allChanges(store)).filter((change) => change.name === 'A'));
      assert.deepEqual(await store.pageChanges('A', 1, 1), [all[1]]);
      assert.deepEqual(await store.pageChanges('A', 3, 100), []);
      assert.deepEqual(await store.pageChanges('A', 1e15, 100), [], 'an absurd revision finds nothing');
      assert.deepEqual(await store.pageChanges('Never written', 0, 100), []);
    },
  },
  {
    name: 'onChange fires once per committed write, with its fields, and never for a conflict',
    async run(backing) {
      const store = await backing.open();
      const { events, stop } = collect(store);
      const created = committed(await store.put('A', 'one', 0, by('created', 'ada')));
      assertConflict(await store.put('A', 'x', 0, by('conflict')));
      const replaced = committed(await store.put('A', 'two', 1, by('replaced', 'bob')));
      const deleted = committed(await store.delete('A', 2, by('deleted', 'cy')));
      await waitFor(() => events.length >= 3, 'three change events');
      await sleep(300); // a duplicate, if any, would arrive now
      assert.deepEqual(events, await allChanges(store));
      assert.deepEqual(
        events.map((event) => [event.name, event.revision, event.etag, event.deleted, event.summary, event.author, event.lastModified]),
        [
          ['A', 1, created.etag, false, 'created', 'ada', created.lastModified],
          ['A', 2, replaced.etag, false, 'replaced', 'bob', replaced.lastModified],
          ['A', 3, null, true, 'deleted', 'cy', deleted.lastModified],
        ],
      );
      stop();
      committed(await store.put('A', 'after', 3, by('unheard')));
      await sleep(300);
      assert.equal(events.length, 3, 'an unsubscribed listener hears nothing more');
    },
  },
  {
    name: 'concurrent writes to different pages reach onChange once each',
    async run(backing) {
      const store = await backing.open();
      const { events } = collect(store);
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => store.put(`Page ${i}`, `${i}`, 0, by(`${i}`))));
      for (const result of results) committed(result);
      await waitFor(() => events.length >= 40, 'forty change events');
      await sleep(200);
      assert.deepEqual(sortedBySequence(events), await allChanges(store));
    },
  },
  {
    name: 'a write barred from protected pages (unlessProtected) to a protected page is refused as protected, before any conflict; others commit',
    async run(backing) {
      const store = await backing.open();
      const accounts = await backing.accounts();
      const barred = (summary: string) => ({ ...by(summary), unlessProtected: true });
      const PROTECTED = { ok: false, reason: 'protected' };
      committed(await store.put('Locked', 'v1', 0, by('v1')));
      committed(await store.put('Free', 'f1', 0, by('f1')));
      await accounts.setProtected('Locked', true, 'ana', 1);
      await accounts.setProtected('Unborn', true, 'ana', 1);
      assert.deepEqual(await store.put('Locked', 'v2', 1, barred('current')), PROTECTED);
      assert.deepEqual(await store.put('Locked', 'v2', 7, barred('stale')), PROTECTED, 'protected wins over a stale revision');
      assert.deepEqual(await store.delete('Locked', 1, barred('delete')), PROTECTED);
      assert.deepEqual(await store.put('Unborn', 'x', 0, barred('create')), PROTECTED, 'a protected name cannot be created');
      // Together, as one batch would take them: only the barred write to the protected page fails.
      const [refused, free, admin] = await Promise.all([
        store.put('Locked', 'barred', 1, barred('barred')),
        store.put('Free', 'f2', 1, barred('free')),
        store.put('Locked', 'by an admin', 1, by('admin')),
      ]);
      assert.deepEqual(refused, PROTECTED);
      assert.equal(committed(free).revision, 2);
      assert.equal(committed(admin).revision, 2);
      assert.equal(await store.content('Locked', 2), 'by an admin');
      assert.equal((await store.history('Locked', { limit: 10 })).length, 2, 'no refused write left a revision');
      await accounts.setProtected('Locked', false, 'ana', 2);
      assert.equal(committed(await store.put('Locked', 'v3', 2, barred('after'))).revision, 3);
    },
  },
  {
    name: '50 concurrent puts with the same expected revision: exactly one commits',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Race', 'start', 0, by('start')));
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.put('Race', `writer ${i}`, 1, by(`writer ${i}`))),
      );
      const winners = results.flatMap((result, i) => (result.ok ? [i] : []));
      assert.equal(winners.length, 1, `${winners.length} writers committed against revision 1`);
      for (const result of results) if (!result.ok) assertConflict(result);
      const head = await store.head('Race');
      assert.equal(head.revision, 2);
      assert.equal(await store.content('Race', 2), `writer ${winners[0]}`);
      assert.equal((await store.history('Race', { limit: 100 })).length, 2);
      assert.equal((await store.recentChanges(100)).length, 2);
    },
  },
  {
    name: '20 concurrent creates of one new name: exactly one commits',
    async run(backing) {
      const store = await backing.open();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.put('Fresh', `creator ${i}`, 0, by(`${i}`))));
      const winners = results.flatMap((result, i) => (result.ok ? [i] : []));
      assert.equal(winners.length, 1, `${winners.length} creators committed`);
      assert.equal((await store.head('Fresh')).revision, 1);
      assert.equal(await store.content('Fresh', 1), `creator ${winners[0]}`);
      assert.equal((await store.recentChanges(100)).length, 1);
    },
  },
  {
    name: 'close, then reopen on the same data, keeps pages, history and the changes',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Kept', 'one', 0, by('one')));
      committed(await store.put('Kept', 'two', 1, by('two')));
      committed(await store.put('Dropped', 'x', 0, by('x')));
      committed(await store.delete('Dropped', 1, by('gone')));
      const head = await store.head('Kept');
      const history = await store.history('Kept', { limit: 10 });
      const list = await store.list({ limit: 10 });
      const changes = await store.recentChanges(10);
      await store.close();
      const reopened = await backing.open();
      assert.deepEqual(await reopened.head('Kept'), head);
      assert.deepEqual(await reopened.history('Kept', { limit: 10 }), history);
      assert.deepEqual(await reopened.list({ limit: 10 }), list);
      assert.deepEqual(await reopened.recentChanges(10), changes);
      assert.equal(await reopened.content('Kept', 1), 'one');
      assertConflict(await reopened.put('Kept', 'stale', 1, by('stale')));
      committed(await reopened.put('Kept', 'three', 2, by('three')));
      const [newest] = await reopened.recentChanges(1);
      assert.ok(newest!.sequence > changes[0]!.sequence, 'sequences go on rising after a reopen');
    },
  },
  {
    name: 'three instances opening a fresh store at once all succeed and share one store',
    async run(backing) {
      const stores = await Promise.all([backing.open(), backing.open(), backing.open()]);
      committed(await stores[0]!.put('Shared', 'one', 0, by('first')));
      assertConflict(await stores[1]!.put('Shared', 'two', 0, by('second')));
      committed(await stores[2]!.put('Shared', 'two', 1, by('third')));
      for (const store of stores) assert.equal((await store.head('Shared')).revision, 2);
    },
  },
  {
    name: 'a write through one instance reaches onChange listeners on another, once, each page in revision order',
    needs: 'changes-across-instances',
    async run(backing) {
      const writer = await backing.open();
      const reader = await backing.open();
      const remote = collect(reader);
      const local = collect(writer);
      committed(await writer.put('A', 'one', 0, by('created', 'ada')));
      committed(await writer.put('A', 'two', 1, by('replaced', 'bob')));
      committed(await writer.delete('A', 2, by('deleted', 'cy')));
      await waitFor(() => remote.events.length >= 3, 'the other instance to hear of three writes');
      await sleep(300);
      const expected = await allChanges(reader);
      assert.deepEqual(remote.events, expected);
      assert.deepEqual(local.events, expected);
      // And the other way round, while both listen.
      committed(await reader.put('B', 'x', 0, by('from the reader')));
      await waitFor(() => local.events.length === 4, 'the writer to hear of the reader’s write');
      assert.equal(local.events[3]?.name, 'B');
      assert.equal(remote.events.length, 4);
      // Both at once: each listener sees every change once.
      const writes = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? writer : reader).put(`C${i}`, `${i}`, 0, by(`${i}`)));
      for (const result of await Promise.all(writes)) committed(result);
      await waitFor(() => local.events.length >= 34 && remote.events.length >= 34, 'both instances to hear of 30 more writes');
      await sleep(300);
      const all = await allChanges(writer);
      assert.equal(all.length, 34);
      assert.deepEqual(sortedBySequence(local.events), all);
      assert.deepEqual(sortedBySequence(remote.events), all);
    },
  },
  {
    name: 'search finds current pages containing every word, with a marked snippet',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Apples', 'Red apples grow on trees in the orchard.', 0, by('')));
      committed(await store.put('Pears', 'Pears also grow on trees, beside the apples.', 0, by('')));
      committed(await store.put('Stones', 'Nothing grows on stones.', 0, by('')));
      const hits = await store.search('apples trees', 10);
      assert.deepEqual(hits.map((h) => h.name).sort(), ['Apples', 'Pears']);
      for (const hit of hits) {
        assert.ok(hit.snippet.includes(`${SNIPPET_MARK_OPEN}apples${SNIPPET_MARK_CLOSE}`) || hit.snippet.includes(`${SNIPPET_MARK_OPEN}trees${SNIPPET_MARK_CLOSE}`), hit.snippet);
        assert.equal(typeof hit.rank, 'number');
      }
      assert.ok(hits[0]!.rank <= hits[1]!.rank, 'best first');
      assert.deepEqual(await store.search('orchard', 10).then((h) => h.map((x) => x.name)), ['Apples']);
      assert.deepEqual(await store.search('ORCHARD', 10).then((h) => h.map((x) => x.name)), ['Apples'], 'case-insensitive');
    },
  },
  {
    name: 'search follows the current revision: replaced words vanish, deleted pages vanish, re-created pages return',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Note', 'alpha bravo', 0, by('')));
      committed(await store.put('Note', 'charlie delta', 1, by('')));
      assert.deepEqual(await store.search('alpha', 10), []);
      assert.deepEqual((await store.search('charlie', 10)).map((h) => h.name), ['Note']);
      committed(await store.delete('Note', 2, by('')));
      assert.deepEqual(await store.search('charlie', 10), []);
      committed(await store.put('Note', 'echo charlie', 3, by('')));
      assert.deepEqual((await store.search('echo', 10)).map((h) => h.name), ['Note']);
    },
  },
  {
    name: 'search input is words, never query syntax: operators, quotes and empty input are harmless',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Syntax', 'OR AND NOT near quotes "here" and (parens) stars*', 0, by('')));
      for (const query of ['"', '(', 'a OR', 'NOT', '*', 'near(a b)', "'; DROP TABLE pages; --", 'stars*', '"here']) {
        await store.search(query, 10); // must not throw
      }
      assert.deepEqual(await store.search('', 10), []);
      assert.deepEqual(await store.search('  ,;  ', 10), []);
      assert.deepEqual((await store.search('(parens)', 10)).map((h) => h.name), ['Syntax']);
      assert.equal((await store.head('Syntax')).exists, true, 'nothing was dropped');
    },
  },
  {
    name: 'search respects the limit and finds unicode words',
    async run(backing) {
      const store = await backing.open();
      for (let i = 0; i < 5; i++) committed(await store.put(`Café ${i}`, `crème brûlée number ${i}`, 0, by('')));
      committed(await store.put('日本', '東京 の 地下鉄', 0, by('')));
      assert.equal((await store.search('crème', 3)).length, 3);
      assert.equal((await store.search('brûlée number', 10)).length, 5);
      assert.deepEqual((await store.search('東京', 10)).map((h) => h.name), ['日本']);
    },
  },
  {
    name: 'recentChanges pages back with `before` to the very first change, none skipped or repeated',
    async run(backing) {
      const store = await backing.open();
      for (let i = 0; i < 7; i++) committed(await store.put(`P${i % 3}`, `text ${i}`, Math.floor(i / 3), by(`s${i}`, i % 2 ? 'ada' : 'bob')));
      const everything = await store.recentChanges({ limit: 100 });
      assert.equal(everything.length, 7);
      const paged: ChangeEvent[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await store.recentChanges({ limit: 3, ...(before === undefined ? {} : { before }) });
        paged.push(...page);
        if (page.length < 3) break;
        before = page[page.length - 1]!.sequence;
      }
      assert.deepEqual(paged, everything);
      assert.deepEqual(await store.recentChanges({ limit: 10, before: everything[6]!.sequence }), []);
      // A number is the limit alone, as before the options existed.
      assert.deepEqual(await store.recentChanges(2), everything.slice(0, 2));
    },
  },
  {
    name: 'recentChanges filters by page, by author, and by both, each with the cursor',
    async run(backing) {
      const store = await backing.open();
      committed(await store.put('Alpha', 'a1', 0, by('1', 'ada')));
      committed(await store.put('Beta', 'b1', 0, by('2', 'bob')));
      committed(await store.put('Alpha', 'a2', 1, by('3', 'bob')));
      committed(await store.delete('Alpha', 2, by('4', 'ada')));
      committed(await store.put('Beta', 'b2', 1, by('5', 'ada')));
      const summaries = (changes: ChangeEvent[]) => changes.map((change) => change.summary);
      assert.deepEqual(summaries(await store.recentChanges({ limit: 10, name: 'Alpha' })), ['4', '3', '1']);
      assert.deepEqual(summaries(await store.recentChanges({ limit: 10, author: 'ada' })), ['5', '4', '1']);
      assert.deepEqual(summaries(await store.recentChanges({ limit: 10, name: 'Alpha', author: 'bob' })), ['3']);
      const [newestOfAda] = await store.recentChanges({ limit: 1, author: 'ada' });
      assert.deepEqual(summaries(await store.recentChanges({ limit: 10, author: 'ada', before: newestOfAda!.sequence })), ['4', '1']);
      const alpha = await store.recentChanges({ limit: 10, name: 'Alpha' });
      assert.deepEqual(summaries(await store.recentChanges({ limit: 1, name: 'Alpha', before: alpha[0]!.sequence })), ['3']);
      assert.deepEqual(await store.recentChanges({ limit: 10, name: 'Gamma' }), []);
      assert.deepEqual(await store.recentChanges({ limit: 10, author: 'nobody' }), []);
    },
  },
  {
    name: 'after the history is compacted, every revision reads back byte for byte with its ETag, and history is unchanged',
    async run(backing) {
      const store = await backing.open();
      const texts = [
        HELLO,
        '',
        'nul \u0000 and CR LF\r\n, a BOM \uFEFF and astral 😀𝄞\r\n'.repeat(50),
        textOfBytes(1024 * 1024),
        'the same line again\n'.repeat(20_000),
        'é',
      ];
      let revision = 0;
      for (const text of texts) revision = committed(await store.put('Kept', text, revision, by(`r${revision + 1}`))).revision;
      committed(await store.delete('Kept', revision, by('gone')));
      committed(await store.put('Other', 'other\n'.repeat(1000), 0, by('o1')));
      committed(await store.put('Other', 'other, edited\n'.repeat(1000), 1, by('o2')));
      const historyBefore = await store.history('Kept', { limit: 100 });
      const headBefore = await store.head('Other');
      assert.ok(store.compactHistory, 'the store compacts its history');
      await store.compactHistory();
      const check = async (reader: PageStore): Promise<void> => {
        for (const [i, text] of texts.entries()) {
          const read = await reader.content('Kept', i + 1);
          assert.ok(read === text, `revision ${i + 1} reads back byte for byte`);
          assert.equal((await reader.revision('Kept', i + 1))?.etag, revisionEtag(text), `revision ${i + 1} keeps its ETag`);
        }
        assert.equal(await reader.content('Kept', texts.length + 1), undefined, 'a deletion has no content');
        assert.deepEqual(await reader.history('Kept', { limit: 100 }), historyBefore);
        assert.equal(await reader.content('Other', 1), 'other\n'.repeat(1000));
        assert.equal(await reader.content('Other', 2), 'other, edited\n'.repeat(1000));
        assert.deepEqual(await reader.head('Other'), headBefore);
      };
      await check(store);
      // Another instance (another process) reads the compacted rows alike.
      await check(await backing.open());
    },
  },
  {
    name: 'a creation whose name only looks like an existing page (case, NFKC, invisible characters) is refused, naming it',
    async run(backing) {
      const store = await backing.open();
      const { events, stop } = collect(store);
      committed(await store.put('Foo', 'foo\n', 0, by('made')));
      for (const lookalike of ['foo', 'FOO', '\uFF26\uFF4F\uFF4F', 'Fo\u200Bo', '\u202EFoo']) {
        assert.deepEqual(await store.put(lookalike, 'twin\n', 0, by('twin')), { ok: false, reason: 'lookalike', existing: 'Foo' }, JSON.stringify(lookalike));
        assert.equal((await store.head(lookalike)).revision, 0, 'nothing was written');
      }
      committed(await store.put('Straße', 's\n', 0, by('made')));
      assert.deepEqual(await store.put('STRASSE', 's\n', 0, by('twin')), { ok: false, reason: 'lookalike', existing: 'Straße' });
      // The name itself taken is a plain conflict; the page itself is still edited as ever.
      assertConflict(await store.put('Foo', 'again\n', 0, by('again')));
      committed(await store.put('Foo', 'edited\n', 1, by('edited')));
      // A deleted page keeps its name: re-creating it works, a look-alike of it is still refused.
      committed(await store.delete('Foo', 2, by('gone')));
      assert.deepEqual(await store.put('foo', 'twin\n', 0, by('twin')), { ok: false, reason: 'lookalike', existing: 'Foo' });
      assert.equal(committed(await store.put('Foo', 'back\n', 3, by('back'))).revision, 4);
      committed(await store.put('Food', 'different\n', 0, by('other')));
      await waitFor(() => events.length >= 6, 'the six commits');
      stop();
      assert.deepEqual(events.map((e) => e.name), ['Foo', 'Straße', 'Foo', 'Foo', 'Foo', 'Food'], 'a refused creation is no change');
    },
  },
  {
    name: 'concurrent creations of look-alike names, in one instance and across two: exactly one commits',
    async run(backing) {
      const [a, b] = [await backing.open(), await backing.open()];
      for (let round = 0; round < 8; round++) {
        const names = [`Race${round}`, `race${round}`, `RACE${round}`, `\uFF32ace${round}`];
        const results = await Promise.all(names.map((name, i) => (i % 2 === 0 ? a : b).put(name, `${name}\n`, 0, by('race'))));
        const winners = results.flatMap((r, i) => (r.ok ? [names[i]!] : []));
        assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results)}`);
        for (const result of results) {
          if (!result.ok) assert.deepEqual(result, { ok: false, reason: 'lookalike', existing: winners[0] });
        }
        const existing = await a.existingPages(names);
        assert.deepEqual([...existing], winners);
      }
    },
  },
];

// ---------------------------------------------------------------------------------------------
// PostgreSQL only: operations rather than contract (migrations, lost connections, settings).

interface PostgresCase {
  readonly name: string;
  run(schema: string, admin: TestSchemas): Promise<void>;
}

const POSTGRES_ONLY: readonly PostgresCase[] = [
  {
    name: 'writes that arrive together commit as one batch, and one the database refuses fails alone',
    async run(schema, admin) {
      const backing = postgresBacking(schema);
      try {
        const store = await backing.open();
        // text cannot hold U+0000: PostgreSQL refuses the author of write 3, and with it the
        // whole statement of its batch; the store then retries the batch's writes one by one.
        const writes = Array.from({ length: 8 }, (_, i) => store.put(`Batch ${i}`, `${i}`, 0, by(`${i}`, i === 3 ? 'nul\u0000' : 'ok')));
        const outcomes = await Promise.allSettled(writes);
        assert.equal(outcomes[3]!.status, 'rejected');
        for (const [i, outcome] of outcomes.entries()) {
          if (i !== 3) assert.equal(outcome.status === 'fulfilled' && outcome.value.ok, true, `write ${i} committed`);
        }
        const pages = await admin.query<{ name: string }>(`SELECT name FROM ${schema}.pages ORDER BY name`);
        assert.deepEqual(pages.map((row) => row.name), [0, 1, 2, 4, 5, 6, 7].map((i) => `Batch ${i}`));
        const revisions = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.revisions`);
        assert.equal(Number(revisions[0]!.n), 7);
      } finally {
        await backing.dispose();
      }
    },
  },
  {
    name: 'three processes migrating one fresh schema at once apply each migration exactly once',
    async run(schema, admin) {
      const backing = postgresBacking(schema);
      try {
        await Promise.all([backing.open(), backing.open(), backing.open()]);
        const rows = await admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
        assert.deepEqual(
          rows.map((row) => row.version),
          Array.from({ length: LATEST_VERSION }, (_, i) => i + 1),
        );
      } finally {
        await backing.dispose();
      }
    },
  },
  {
    name: 'a search_path in the URL (?options=-c search_path=...) chooses the schema',
    async run(schema, admin) {
      await admin.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const store = await openPostgresStore({ url: url.toString(), applicationName: schema });
      try {
        committed(await store.put('Here', 'x', 0, by('x')));
        const rows = await admin.query<{ name: string }>(`SELECT name FROM ${schema}.pages`);
        assert.deepEqual(rows, [{ name: 'Here' }]);
      } finally {
        await store.close();
        await admin.drop(schema);
      }
    },
  },
  {
    name: 'an unreachable server is StoreError unavailable, quickly',
    async run() {
      const started = Date.now();
      const url = new URL(POSTGRES_URL);
      url.port = '1';
      await assert.rejects(openPostgresStore({ url: url.toString() }), (error: unknown) => {
        assert.ok(error instanceof StoreError, `not a StoreError: ${String(error)}`);
        assert.equal(error.code, 'unavailable');
        return true;
      });
      assert.ok(Date.now() - started < 3000);
    },
  },
  {
    name: 'a lost connection fails the call as unavailable, changes nothing, and the store recovers by itself',
    async run(schema, admin) {
      const backing = postgresBacking(schema);
      try {
        const store = await backing.open();
        const watcher = await backing.open();
        const { events } = collect(watcher);
        let missed = 0;
        watcher.onChange(() => undefined, () => missed++);
        committed(await store.put('Locked', 'one', 0, by('first')));
        await waitFor(() => events.length === 1, 'the first change event');
        // Hold the page's row so the next write waits inside the database, then cut every
        // connection the stores have (pool and LISTEN) while it waits.
        const lockSession = await lockRow(admin, schema, 'Locked');
        const blocked = store.put('Locked', 'two', 1, by('blocked'));
        // Handled from the start: it fails while the admin session is still terminating.
        const failed = assert.rejects(blocked, (error: unknown) => {
          assert.ok(error instanceof StoreError, `not a StoreError: ${String(error)}`);
          assert.equal(error.code, 'unavailable');
          return true;
        });
        await waitForAsync(async () => {
          const waiting = await admin.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [schema],
          );
          return waiting.length > 0;
        }, 'the write to wait for the row lock');
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [schema]);
        await failed;
        await lockSession.release();
        assert.equal((await store.head('Locked')).revision, 1, 'the interrupted write changed nothing');
        // Connections the server drops while they sit idle in the pool cost no caller an error.
        await waitFor(() => missed > 0, 'the listener to come back after the first cut', 8000);
        const missedBefore = missed;
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [schema]);
        assert.equal((await store.head('Locked')).revision, 1);
        // No restart: the listener comes back and, as it cannot know what committed while it was
        // away, tells its subscribers to re-read; the next calls get fresh connections.
        await waitFor(() => missed > missedBefore, 'the listener to report that it may have missed changes', 8000);
        committed(await store.put('Locked', 'two', 1, by('after the outage')));
        await waitFor(() => events.length === 2, 'the reconnected listener to hear of the write', 8000);
        assert.equal(events[1]?.summary, 'after the outage');
      } finally {
        await backing.dispose();
      }
    },
  },
];

/** Holds FOR UPDATE on one page row in its own session until released. */
async function lockRow(admin: TestSchemas, schema: string, name: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: admin.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`SELECT 1 FROM ${schema}.pages WHERE name = $1 FOR UPDATE`, [name]);
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

async function waitForAsync(condition: () => Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------
// Running

function skipReason(adapter: Adapter, needs: Capability | undefined): string | undefined {
  if (adapter.skip !== undefined) return adapter.skip;
  if (needs !== undefined && !adapter.capabilities.has(needs)) return `${adapter.name} lacks the capability "${needs}"`;
  return undefined;
}

for (const adapter of [sqlite, postgres]) {
  describe(`PageStore contract: ${adapter.name}`, () => {
    for (const contract of CONTRACT) {
      const skip = skipReason(adapter, contract.needs);
      it(contract.name, skip === undefined ? {} : { skip }, async () => {
        if (adapter.failure !== undefined) assert.fail(adapter.failure);
        const backing = await adapter.fresh();
        try {
          await contract.run(backing);
        } finally {
          await backing.dispose();
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

describe(`PostgreSQL store (${describeUrl(POSTGRES_URL)})`, () => {
  for (const operation of POSTGRES_ONLY) {
    it(operation.name, postgres.skip === undefined ? {} : { skip: postgres.skip }, async () => {
      if (postgres.failure !== undefined) assert.fail(postgres.failure);
      await operation.run(schemas!.next(), schemas!);
    });
  }
});
