// The server as an operator runs it: settings from the environment, clean shutdown on signals.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPage, getPage } from './support/http.js';
import { removeDir, tempDir } from './support/server.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'main.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = async () => {
    for (let i = 0; i < 150 && !/listening on/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
    return output;
  };
  return { child, exit, listening, output: () => output };
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`PORT and DATA_DIR from the environment are honoured, and ${signal} shuts down cleanly (exit 0, data kept)`, async () => {
    const port = await freePort();
    const root = tempDir();
    const dataDir = join(root, 'nested', 'data');
    try {
      const server = run([], { PORT: String(port), DATA_DIR: dataDir });
      assert.match(await server.listening(), new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
      const base = `http://127.0.0.1:${port}`;
      const etag = await createPage(base, 'Kept', 'survives a restart');
      assert.ok(existsSync(join(dataDir, 'midair.sqlite3')));
      server.child.kill(signal);
      assert.equal(await server.exit, 0, server.output());

      const again = run(['--port', String(port), '--data-dir', dataDir], {});
      await again.listening();
      const page = await getPage(base, 'Kept');
      assert.equal(page.status, 200);
      assert.equal(page.headers.etag, etag);
      again.child.kill('SIGTERM');
      assert.equal(await again.exit, 0);
    } finally {
      removeDir(root);
    }
  });
}

test('a bad setting stops the start with exit code 2 and a message naming it', async () => {
  const server = run(['--port', 'eighty'], {});
  assert.equal(await server.exit, 2);
  assert.match(server.output(), /Not a TCP port: "eighty"/);
  assert.match(server.output(), /Usage:/);
});

test('--help prints every setting with its environment variable', async () => {
  const server = run(['--help'], {});
  assert.equal(await server.exit, 0);
  for (const name of ['PORT', 'HOST', 'DATA_DIR', 'LOG_LEVEL', 'BODY_LIMIT', 'DATABASE_URL', 'WORKERS', 'DB_POOL_SIZE', 'DB_STATEMENT_TIMEOUT']) {
    assert.match(server.output(), new RegExp(name));
  }
});

test('a second server on the same data folder is refused with a clear message, not a shared cache', async () => {
  const dataDir = tempDir();
  try {
    const first = run(['--port', '0', '--data-dir', dataDir], {});
    await first.listening();
    const second = run(['--port', '0', '--data-dir', dataDir], {});
    assert.equal(await second.exit, 1);
    assert.match(second.output(), /Another midair process \(pid \d+\) is using this store/);
    assert.doesNotMatch(second.output(), /at .*\.js:\d+/, 'no stack trace');
    first.child.kill('SIGTERM');
    assert.equal(await first.exit, 0);
  } finally {
    removeDir(dataDir);
  }
});
