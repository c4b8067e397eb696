// The AccountStore contract: one table of named cases, run against every adapter. PostgreSQL
// cases are skipped, with the reason, when it cannot be reached, and fail under CI=true.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AccountStore, AccountStoreError } from '../src/storage/accounts.js';
import { PostgresAccountStore } from '../src/storage/postgres/postgres-accounts.js';
import { SqliteAccountStore } from '../src/storage/sqlite/sqlite-accounts.js';
import { SqlitePageStore } from '../src/storage/sqlite/sqlite-store.js';
import { probePostgres, TestSchemas, testDatabaseUrl } from './support/postgres.js';
import { type Backing as SharedBacking, backingOf, postgresVerdict } from './support/backing.js';

/** One place the data lives, on which several instances can be opened (as several processes would). */
type Backing = SharedBacking<AccountStore>;

interface Adapter {
  readonly name: string;
  readonly skip?: string;
  readonly failure?: string;
  fresh(): Promise<Backing>;
}

const sqlite: Adapter = {
  name: 'SQLite',
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'midair-accounts-'));
    return backingOf(
      async () => new SqliteAccountStore(join(dir, 'midair.sqlite3')),
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
  async fresh() {
    const schema = schemas!.next();
    return backingOf(
      () => PostgresAccountStore.open({ url: POSTGRES_URL, schema, poolSize: 2 }),
      () => schemas!.drop(schema),
    );
  },
};

const NOW = 1_700_000_000_000;

/** Asks until the answer is `expected`, for at most `timeoutMs`; the last answer otherwise. */
async function settlesTo<T>(ask: () => Promise<T>, expected: T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let answer = await ask();
  while (answer !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    answer = await ask();
  }
  return answer;
}
const user = (name: string, role: 'reader' | 'editor' | 'admin' = 'editor') => ({ name, role, passwordHash: `$hash-of-${name}`, now: NOW });

interface ContractCase {
  readonly name: string;
  run(backing: Backing): Promise<void>;
}

const CONTRACT: ContractCase[] = [
  {
    name: 'a user is added once, found by name with their hash, and listed by name',
    async run(backing) {
      const store = await backing.open();
      const bo = await store.addUser(user('bo', 'reader'));
      assert.deepEqual(bo, { id: bo.id, name: 'bo', role: 'reader', disabled: false, createdAt: NOW });
      await store.addUser(user('ana', 'admin'));
      await assert.rejects(store.addUser(user('bo')), (e: unknown) => e instanceof AccountStoreError && e.code === 'exists');
      assert.deepEqual(await store.userByName('bo'), { ...bo, passwordHash: '$hash-of-bo' });
      assert.equal(await store.userByName('nobody'), undefined);
      assert.deepEqual(
        (await store.users()).map((u) => u.name),
        ['ana', 'bo'],
      );
    },
  },
  {
    name: 'updates change only what they name; an unknown user is not-found',
    async run(backing) {
      const store = await backing.open();
      await store.addUser(user('bo'));
      const changed = await store.updateUser('bo', { role: 'admin' });
      assert.ok(changed.ok && changed.user.role === 'admin' && !changed.user.disabled);
      const disabled = await store.updateUser('bo', { disabled: true });
      assert.ok(disabled.ok && disabled.user.role === 'admin' && disabled.user.disabled);
      await store.updateUser('bo', { passwordHash: '$new' });
      assert.equal((await store.userByName('bo'))?.passwordHash, '$new');
      assert.deepEqual(await store.updateUser('nobody', { role: 'reader' }), { ok: false, reason: 'not-found' });
      assert.deepEqual(await store.removeUser('nobody'), { ok: false, reason: 'not-found' });
    },
  },
  {
    name: 'keepAnAdmin refuses to demote, disable or remove the last enabled admin, and only then',
    async run(backing) {
      const store = await backing.open();
      await store.addUser(user('ana', 'admin'));
      await store.addUser(user('bo', 'editor'));
      const keep = { keepAnAdmin: true };
      assert.deepEqual(await store.updateUser('ana', { role: 'editor' }, keep), { ok: false, reason: 'last-admin' });
      assert.deepEqual(await store.updateUser('ana', { disabled: true }, keep), { ok: false, reason: 'last-admin' });
      assert.deepEqual(await store.removeUser('ana', keep), { ok: false, reason: 'last-admin' });
      assert.equal((await store.userByName('ana'))?.role, 'admin', 'a refused change is rolled back');
      assert.ok((await store.updateUser('bo', { role: 'reader' }, keep)).ok, 'other users change freely');
      assert.ok((await store.updateUser('bo', { role: 'admin' }, keep)).ok);
      assert.ok((await store.updateUser('ana', { role: 'editor' }, keep)).ok, 'another admin remains');
      assert.ok((await store.updateUser('bo', { role: 'editor' })).ok, 'without keepAnAdmin the change is made');
    },
  },
  {
    name: 'two admins demoting each other at once: at most one succeeds (two instances)',
    async run(backing) {
      const one = await backing.open();
      const two = await backing.open();
      await one.addUser(user('ana', 'admin'));
      await one.addUser(user('bo', 'admin'));
      const results = await Promise.all([one.updateUser('ana', { role: 'editor' }, { keepAnAdmin: true }), two.updateUser('bo', { role: 'editor' }, { keepAnAdmin: true })]);
      assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
      assert.equal((await one.users()).filter((u) => u.role === 'admin').length, 1);
    },
  },
  {
    name: 'sessions: found by digest with their user, touched forward only, ended one by one or all at once',
    async run(backing) {
      const store = await backing.open();
      const bo = await store.addUser(user('bo'));
      await store.addSession('d1', bo.id, NOW);
      await store.addSession('d2', bo.id, NOW + 5);
      assert.deepEqual(await store.session('d1'), { session: { userId: bo.id, createdAt: NOW, seenAt: NOW }, user: bo });
      await store.touchSession('d1', NOW + 100);
      await store.touchSession('d1', NOW + 50);
      assert.equal((await store.session('d1'))?.session.seenAt, NOW + 100);
      assert.equal(await store.session('unknown'), undefined);
      await store.removeSession('d1');
      assert.equal(await store.session('d1'), undefined);
      assert.ok(await store.session('d2'));
      assert.equal(await store.removeSessionsOf(bo.id), 1);
      assert.equal(await store.session('d2'), undefined);
    },
  },
  {
    name: 'a session shows its user as they are now (role, disabled), seen from another instance',
    async run(backing) {
      const one = await backing.open();
      const two = await backing.open();
      const bo = await one.addUser(user('bo'));
      await one.addSession('d', bo.id, NOW);
      await two.updateUser('bo', { role: 'reader', disabled: true });
      const found = await one.session('d');
      assert.equal(found?.user.role, 'reader');
      assert.equal(found?.user.disabled, true);
    },
  },
  {
    name: 'pruning removes sessions idle or old past the cut-offs, and no others',
    async run(backing) {
      const store = await backing.open();
      const bo = await store.addUser(user('bo'));
      await store.addSession('old', bo.id, NOW - 10_000);
      await store.addSession('idle', bo.id, NOW - 500);
      await store.addSession('fresh', bo.id, NOW);
      await store.touchSession('old', NOW);
      assert.equal(await store.pruneSessions(NOW - 100, NOW - 5000), 2);
      assert.ok(await store.session('fresh'));
      assert.equal(await store.session('old'), undefined);
      assert.equal(await store.session('idle'), undefined);
    },
  },
  {
    name: 'tokens: found by digest, listed newest first, revoked only by their owner',
    async run(backing) {
      const store = await backing.open();
      const bo = await store.addUser(user('bo'));
      const ana = await store.addUser(user('ana'));
      const first = await store.addToken({ userId: bo.id, label: 'ci', digest: 't1', now: NOW });
      const second = await store.addToken({ userId: bo.id, label: 'laptop', digest: 't2', now: NOW + 1 });
      assert.deepEqual(first, { id: first.id, userId: bo.id, label: 'ci', createdAt: NOW, usedAt: null });
      assert.deepEqual(await store.token('t1'), { token: first, user: bo });
      assert.deepEqual(
        (await store.tokensOf(bo.id)).map((t) => t.label),
        ['laptop', 'ci'],
      );
      await store.touchToken(first.id, NOW + 10);
      assert.equal((await store.token('t1'))?.token.usedAt, NOW + 10);
      assert.equal(await store.removeToken(ana.id, first.id), false, 'not the owner');
      assert.equal(await store.removeToken(bo.id, first.id), true);
      assert.equal(await store.token('t1'), undefined);
      assert.equal(await store.removeToken(bo.id, first.id), false, 'already gone');
      assert.equal(await store.removeTokensOf(bo.id), 1);
      assert.equal(await store.token(`t${second.id}`), undefined);
      assert.deepEqual(await store.tokensOf(bo.id), []);
    },
  },
  {
    name: 'removing a user removes their sessions and tokens',
    async run(backing) {
      const store = await backing.open();
      const bo = await store.addUser(user('bo'));
      await store.addSession('s', bo.id, NOW);
      await store.addToken({ userId: bo.id, label: 'x', digest: 't', now: NOW });
      assert.ok((await store.removeUser('bo')).ok);
      assert.equal(await store.userByName('bo'), undefined);
      assert.equal(await store.session('s'), undefined);
      assert.equal(await store.token('t'), undefined);
      const again = await store.addUser(user('bo'));
      assert.deepEqual(await store.tokensOf(again.id), [], 'a new user of the same name inherits nothing');
    },
  },
  {
    name: 'page protection is by exact name, idempotent, and survives whatever happens to the page',
    async run(backing) {
      const store = await backing.open();
      assert.equal(await store.isProtected('Home'), false);
      await store.setProtected('Home', true, 'ana', NOW);
      await store.setProtected('Home', true, 'bo', NOW + 1);
      assert.equal(await store.isProtected('Home'), true);
      assert.equal(await store.isProtected('home'), false);
      assert.deepEqual(await store.protection('Home'), { name: 'Home', by: 'ana', since: NOW }, 'protecting twice keeps the first');
      await store.setProtected('Ünïcode ✓', true, 'ana', NOW);
      assert.deepEqual(
        (await store.protectedPages()).map((p) => p.name),
        ['Home', 'Ünïcode ✓'],
      );
      await store.setProtected('Home', false, 'ana', NOW);
      await store.setProtected('Home', false, 'ana', NOW);
      assert.equal(await store.isProtected('Home'), false);
    },
  },
  {
    name: 'protecting and unprotecting through one instance is seen by the others (as by other processes)',
    async run(backing) {
      const one = await backing.open();
      const other = await backing.open();
      assert.equal(await other.isProtected('Shared'), false);
      await one.setProtected('Shared', true, 'ana', NOW);
      assert.equal(await one.isProtected('Shared'), true, 'at once where it was made');
      assert.equal(await settlesTo(() => other.isProtected('Shared'), true), true, 'the other instance hears of it');
      await one.setProtected('Shared', false, 'ana', NOW);
      assert.equal(await settlesTo(() => other.isProtected('Shared'), false), false);
      await other.setProtected('Back', true, 'bo', NOW);
      assert.equal(await settlesTo(() => one.isProtected('Back'), true), true);
    },
  },
];

for (const adapter of [sqlite, postgres]) {
  describe(`AccountStore contract: ${adapter.name}`, () => {
    for (const contract of CONTRACT) {
      it(contract.name, adapter.skip === undefined ? {} : { skip: adapter.skip }, async () => {
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

describe('PostgreSQL: protected page names held in memory, kept in step by NOTIFY', postgres.skip === undefined ? {} : { skip: postgres.skip }, () => {
  it('a protection made while the LISTEN connection was cut is seen once it is back', async () => {
    if (postgres.failure !== undefined) assert.fail(postgres.failure);
    const schema = schemas!.next();
    const backing = backingOf(() => PostgresAccountStore.open({ url: POSTGRES_URL, schema, poolSize: 2 }), () => schemas!.drop(schema));
    try {
      const one = await backing.open();
      const other = await backing.open();
      assert.equal(await other.isProtected('Cut'), false, 'the first question starts the listener');
      const listener = `LISTEN "midair_protection.${schema}"`;
      const listening = async () => (await schemas!.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1', [listener]))[0]!.n;
      assert.equal(await settlesTo(listening, 1), 1, 'one instance listens (only the one that was asked)');
      await schemas!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [listener]);
      await one.setProtected('Cut', true, 'ana', NOW);
      assert.equal(await settlesTo(() => other.isProtected('Cut'), true), true, 'known again: asked of the database, then reloaded');
      assert.equal(await settlesTo(listening, 1), 1, 'the listener reconnected');
      await one.setProtected('Cut', false, 'ana', NOW);
      assert.equal(await settlesTo(() => other.isProtected('Cut'), false), false);
    } finally {
      await backing.dispose();
    }
  });
});

describe('the SQLite account store beside the page store', () => {
  it('shares the file with a running page store, which keeps its lock, and the pages are untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'midair-accounts-'));
    const file = join(dir, 'midair.sqlite3');
    const pages = new SqlitePageStore(file);
    const accounts = new SqliteAccountStore(file);
    try {
      const written = await pages.put('Home', 'hi', 0, { summary: '', author: 'ana' });
      assert.ok(written.ok);
      await accounts.addUser(user('ana', 'admin'));
      await accounts.setProtected('Home', true, 'ana', NOW);
      assert.deepEqual(await pages.head('Home'), written.state);
      assert.equal(await pages.content('Home', 1), 'hi');
    } finally {
      await accounts.close();
      await pages.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

before(async () => {
  await schemas?.dropStale();
});
after(async () => {
  await schemas?.close();
});
