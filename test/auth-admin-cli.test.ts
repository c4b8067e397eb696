// npm run admin: the built admin tool as a process, on SQLite (DATA_DIR / --data-dir) and on
// PostgreSQL (DATABASE_URL), including while a server runs on the same store.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { postgresTestOptions, postgresUrl, serverSchema } from './support/cluster.js';
import { addUser, cookie, passwordOf, postForm, runAdmin, type StoreTarget, sameOrigin, signIn } from './support/accounts.js';
import { putPage, request } from './support/http.js';
import { TestSchemas } from './support/postgres.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

function okRun(run: { code: number | null; stderr: string }, what: string): void {
  assert.equal(run.code, 0, `${what}: ${run.stderr}`);
}

/** The same cases against a server on either store. */
function cliCases(start: () => Promise<{ server: RunningServer; target: StoreTarget }>) {
  let server: RunningServer;
  let target: StoreTarget;
  let base: string;
  before(async () => {
    ({ server, target } = await start());
    base = server.url;
  });
  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('user add reads the password from standard input, never prints it, and the user signs in at once', async () => {
    const run = await runAdmin(target, ['user', 'add', 'Alice', '--role', 'admin'], 'correct horse battery\n');
    okRun(run, 'add');
    assert.equal(run.stdout.trim(), 'Added alice (admin).');
    assert.doesNotMatch(run.stdout + run.stderr, /correct horse/);
    const res = await postForm(base, '/login', { username: 'alice', password: 'correct horse battery' });
    assert.equal(res.status, 303);
  });

  it('refuses a duplicate, a bad name, a reserved name, a short password and an unknown role', async () => {
    await addUser(target, 'dup', 'editor');
    const cases: [string[], string, number, RegExp][] = [
      [['user', 'add', 'dup'], 'long enough pw\n', 1, /already a user named "dup"/],
      [['user', 'add', 'no spaces'], 'long enough pw\n', 1, /not a valid user name/],
      [['user', 'add', 'anonymous'], 'long enough pw\n', 1, /reserved/],
      [['user', 'add', 'shorty'], 'short\n', 1, /at least 8 characters/],
      [['user', 'add', 'roly', '--role', 'owner'], 'long enough pw\n', 2, /role must be one of reader, editor, admin/],
      [['user', 'frobnicate'], '', 2, /Unknown command/],
    ];
    for (const [args, stdin, code, message] of cases) {
      const run = await runAdmin(target, args, stdin);
      assert.equal(run.code, code, args.join(' '));
      assert.match(run.stderr, message, args.join(' '));
    }
    assert.doesNotMatch((await runAdmin(target, ['user', 'list'])).stdout, /shorty|roly/);
  });

  it('user list shows name, role, state and tokens; --help prints the usage', async () => {
    await addUser(target, 'lister', 'reader');
    const run = await runAdmin(target, ['user', 'list']);
    okRun(run, 'list');
    assert.match(run.stdout, /^NAME\s+ROLE\s+STATE\s+TOKENS\s+CREATED$/m);
    assert.match(run.stdout, /^lister\s+reader\s+enabled\s+0\s+/m);
    const help = await runAdmin(target, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /user add NAME/);
  });

  it('role, disable, enable, sign-out and reset-password act on a signed-in user at their next request', async () => {
    await addUser(target, 'ed', 'editor');
    const session = await signIn(base, 'ed');
    const write = (content: string) => putPage(base, `Ed ${content}`, content, { 'if-none-match': '*', cookie: cookie(session), ...sameOrigin(base) });
    assert.equal((await write('one')).status, 201);
    okRun(await runAdmin(target, ['user', 'role', 'ed', 'reader']), 'role');
    assert.equal((await write('two')).status, 403);
    okRun(await runAdmin(target, ['user', 'role', 'ed', 'editor']), 'role');
    assert.equal((await write('three')).status, 201);

    const signOut = await runAdmin(target, ['user', 'sign-out', 'ed']);
    okRun(signOut, 'sign-out');
    assert.match(signOut.stdout, /Ended 1 session/);
    assert.equal((await write('four')).status, 401);

    const reset = await runAdmin(target, ['user', 'reset-password', 'ed'], 'a new password for ed\n');
    okRun(reset, 'reset');
    assert.equal((await postForm(base, '/login', { username: 'ed', password: passwordOf('ed') })).status, 401);
    const fresh = await signIn(base, 'ed', 'a new password for ed');

    okRun(await runAdmin(target, ['user', 'disable', 'ed']), 'disable');
    assert.equal((await request(`${base}/account`, { headers: { cookie: cookie(fresh) } })).status, 401);
    assert.equal((await postForm(base, '/login', { username: 'ed', password: 'a new password for ed' })).status, 401);
    okRun(await runAdmin(target, ['user', 'enable', 'ed']), 'enable');
    await signIn(base, 'ed', 'a new password for ed');
  });

  it('never leaves the wiki without an enabled admin unless --force; remove deletes the user', async () => {
    await addUser(target, 'boss', 'admin');
    // alice (an admin from the first case) and boss: demoting one is fine, the last is refused.
    okRun(await runAdmin(target, ['user', 'role', 'alice', 'editor']), 'demote alice');
    for (const args of [['user', 'role', 'boss', 'editor'], ['user', 'disable', 'boss'], ['user', 'remove', 'boss']]) {
      const run = await runAdmin(target, args);
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.stderr, /no enabled admin/);
    }
    okRun(await runAdmin(target, ['user', 'role', 'alice', 'admin']), 'promote alice');
    okRun(await runAdmin(target, ['user', 'remove', 'boss']), 'remove boss');
    assert.doesNotMatch((await runAdmin(target, ['user', 'list'])).stdout, /boss/);
    assert.equal((await runAdmin(target, ['user', 'remove', 'boss'])).code, 1);
    await addUser(target, 'solo', 'editor');
    okRun(await runAdmin(target, ['user', 'role', 'alice', 'editor', '--force']), 'forced');
    okRun(await runAdmin(target, ['user', 'role', 'alice', 'admin']), 'restore');
  });

  it('token list and revoke; page protect, list and unprotect', async () => {
    await addUser(target, 'tok', 'editor');
    const session = await signIn(base, 'tok');
    for (const label of ['first', 'second']) {
      assert.equal((await postForm(base, '/account/tokens', { label }, { cookie: cookie(session), ...sameOrigin(base) })).status, 303);
    }
    const list = await runAdmin(target, ['token', 'list', 'tok']);
    assert.match(list.stdout, /^ID\s+LABEL\s+CREATED\s+LAST USED$/m);
    const id = /^(\d+)\s+second\s/m.exec(list.stdout)![1]!;
    okRun(await runAdmin(target, ['token', 'revoke', 'tok', id]), 'revoke one');
    assert.doesNotMatch((await runAdmin(target, ['token', 'list', 'tok'])).stdout, /second/);
    assert.match((await runAdmin(target, ['token', 'revoke', 'tok', '--all'])).stdout, /Revoked 1 token/);

    okRun(await runAdmin(target, ['page', 'protect', 'Front Page']), 'protect');
    assert.match((await runAdmin(target, ['page', 'list'])).stdout, /^Front Page\s+admin-cli\s+/m);
    const refused = await putPage(base, 'Front Page', 'x', { 'if-none-match': '*', cookie: cookie(session), ...sameOrigin(base) });
    assert.equal(refused.status, 403);
    okRun(await runAdmin(target, ['page', 'unprotect', 'Front Page']), 'unprotect');
    assert.match((await runAdmin(target, ['page', 'list'])).stdout, /No page is protected/);
    assert.equal((await runAdmin(target, ['page', 'protect', 'a//b'])).code, 1, 'not a page name');
  });
}

describe('npm run admin on SQLite', () => {
  cliCases(async () => {
    const dataDir = tempDir();
    const server = await startServer({ dataDir, args: ['--auth', 'accounts'] });
    return { server, target: { dataDir } };
  });

  it('--data-dir wins over DATA_DIR, and a fresh folder gets its store made', async () => {
    const used = tempDir();
    const ignored = tempDir();
    try {
      const run = await runAdmin({ dataDir: ignored }, ['user', 'add', 'first', '--role', 'admin', '--data-dir', used], 'first password\n');
      okRun(run, 'add');
      assert.match((await runAdmin({ dataDir: used }, ['user', 'list'])).stdout, /first\s+admin/);
      assert.match((await runAdmin({ dataDir: ignored }, ['user', 'list'])).stdout, /No users yet/);
    } finally {
      removeDir(used);
      removeDir(ignored);
    }
  });
});

describe('npm run admin on PostgreSQL', postgresTestOptions(), () => {
  const schemas = new TestSchemas(postgresUrl);
  after(async () => schemas.close());
  cliCases(async () => {
    const databaseUrl = await serverSchema(schemas);
    const server = await startServer({ args: ['--auth', 'accounts'], env: { DATABASE_URL: databaseUrl } });
    return { server, target: { dataDir: server.dataDir, databaseUrl } };
  });
});

// util-linux's script(1) gives the tool a terminal, as a person at a shell would.
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('npm run admin at a terminal', () => {
  it('asks for the password twice without echoing it; a mismatch changes nothing', { skip: hasScript ? false : 'script(1) (util-linux) is not installed' }, async () => {
    const dataDir = tempDir();
    const cli = join(import.meta.dirname, '..', 'dist', 'auth', 'admin-cli.js');
    // Each answer is typed only once its prompt is on the screen, as a person would: keys sent
    // before the tool turns echo off would be echoed (and a busy machine makes that likely).
    const prompts = [/New password for \S+: /g, /Again, to be sure: /g];
    const typing = async (args: string, answers: string[]) => {
      const log = join(dataDir, `typescript-${Date.now()}.log`);
      const child = spawn('script', ['-qfc', `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} ${args} --data-dir ${JSON.stringify(dataDir)}`, log], {
        // The folder above is the store: an inherited DATABASE_URL (CI sets one) must not win over it.
        env: { ...process.env, DATABASE_URL: '' },
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const screen = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
      for (const [i, answer] of answers.entries()) {
        const deadline = Date.now() + 20_000;
        while (!(screen().match(prompts[i]!)?.length) && Date.now() < deadline) await sleep(50);
        child.stdin.write(answer);
      }
      child.stdin.end();
      return { code: await exited, screen: screen() };
    };
    try {
      // Backspace (DEL) works as typed.
      const added = await typing('user add tty --role reader', ['secretX\x7f pass\r', 'secret pass\r']);
      assert.match(added.screen, /New password for tty: /);
      assert.match(added.screen, /Added tty \(reader\)/);
      assert.doesNotMatch(added.screen, /secret/, 'nothing typed is shown');
      const mismatch = await typing('user reset-password tty', ['one password\r', 'another one\r']);
      assert.match(mismatch.screen, /The two passwords differ; nothing was changed/);
      const server = await startServer({ dataDir, args: ['--auth', 'private'] });
      try {
        assert.equal((await postForm(server.url, '/login', { username: 'tty', password: 'secret pass' })).status, 303);
      } finally {
        await server.stop();
      }
    } finally {
      removeDir(dataDir);
    }
  });
});
