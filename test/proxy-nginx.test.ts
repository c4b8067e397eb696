// The README's nginx block, run for real in front of midair: the block is read from README.md
// (so the docs and this test cannot drift), pointed at one midair and a free port, and a
// browser's session works through it: reads, 304s, conditional saves with Origin, Range, and
// Server-Sent Events that arrive without buffering. Without nginx the suite skips, except in CI.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addUser, cookie, passwordOf, postForm, sessionCookieOf } from './support/accounts.js';
import { EventStream } from './support/event-stream.js';
import { getPage, putPage, request } from './support/http.js';
import { type RunningServer, removeDir, startServer, tempDir } from './support/server.js';

const NGINX = '/usr/sbin/nginx';

function nginxVerdict(): { skip?: string } {
  if (spawnSync(NGINX, ['-v']).status === 0) return {};
  if (process.env['CI']) throw new Error(`${NGINX} is missing; .ci/run installs Debian's nginx`);
  return { skip: `${NGINX} is missing (apt-get install nginx); with CI=true this is a failure` };
}

/** The README's nginx block, aimed at one midair on loopback and listening on `port`. */
export function readmeNginxBlock(midairPort: number, port: number, hostVariable = '$http_host'): string {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README.md has an nginx block');
  const upstreams = block.match(/^\s*server \d+\.\d+\.\d+\.\d+:\d+;.*\n/gm) ?? [];
  assert.ok(upstreams.length > 0 && block.includes('listen 443 ssl;') && block.includes('proxy_set_header Host $http_host;'), 'the README block has the lines this test rewrites');
  let config = block.replace(upstreams[0]!, `    server 127.0.0.1:${midairPort};\n`);
  for (const line of upstreams.slice(1)) config = config.replace(line, '');
  return config
    .replace('upstream midair', `upstream midair_${port}`)
    .replaceAll('proxy_pass http://midair;', `proxy_pass http://midair_${port};`)
    .replace('listen 443 ssl;', `listen 127.0.0.1:${port};`)
    .replace('proxy_set_header Host $http_host;', `proxy_set_header Host ${hostVariable};`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    await request(url, { timeoutMs: 1000 });
    return true;
  } catch {
    return false;
  }
}

describe('the README nginx block in front of midair', nginxVerdict(), () => {
  const prefix = tempDir('midair-nginx-');
  let midair: RunningServer;
  let nginx: ChildProcess;
  let nginxLog = '';
  let port: number; // the README block, with $http_host
  let dropped: number; // the same block with the old $host
  let base: string;
  let host: string;
  let session: string;
  const browser = () => ({ host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', cookie: cookie(session) });

  before(async () => {
    [port, dropped] = [await freePort(), await freePort()];
    host = `wiki.test:${port}`;
    const dataDir = tempDir();
    await addUser({ dataDir }, 'ana', 'editor');
    midair = await startServer({ dataDir, args: ['--auth', 'accounts', '--trust-proxy', '127.0.0.1', '--public-url', `http://${host}`] });
    const midairPort = Number(new URL(midair.url).port);
    for (const dir of ['logs', 'temp']) mkdirSync(join(prefix, dir));
    const user = process.getuid?.() === 0 ? 'user root;\n' : '';
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${join(prefix, 'temp', kind)};`).join('\n');
    writeFileSync(join(prefix, 'nginx.conf'), `${user}worker_processes 1;\nevents { worker_connections 64; }\nhttp {\n    access_log off;\n${temp}\n${readmeNginxBlock(midairPort, port)}\n${readmeNginxBlock(midairPort, dropped, '$host')}\n}\n`);
    nginx = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', `daemon off; pid ${join(prefix, 'nginx.pid')}; error_log stderr;`], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout!.on('data', (chunk: Buffer) => (nginxLog += chunk.toString()));
    nginx.stderr!.on('data', (chunk: Buffer) => (nginxLog += chunk.toString()));
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && !(await answers(base)); i++) {
      if (nginx.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(await answers(base), `nginx did not start:\n${nginxLog}`);

    const login = await postForm(base, '/login', { username: 'ana', password: passwordOf('ana') }, { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
    session = sessionCookieOf(login)!;
    assert.ok(session, `signed in through nginx: ${login.status} ${login.text()}`);
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await midair?.stop();
    if (midair) removeDir(midair.dataDir);
    removeDir(prefix);
  });

  it('a browser creates, reads, revalidates and saves conditionally through it', async () => {
    const created = await putPage(base, 'Proxied', 'one two three\n', { ...browser(), 'if-none-match': '*' });
    assert.equal(created.status, 201, created.text());
    const etag = created.headers.etag!;
    assert.doesNotMatch(etag, /^W\//);

    const read = await getPage(base, 'Proxied', { host });
    assert.equal(read.status, 200);
    assert.equal(read.text(), 'one two three\n');
    assert.equal(read.headers.etag, etag);
    const revalidated = await getPage(base, 'Proxied', { host, 'if-none-match': etag });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.headers.etag, etag);
    // gzip stays midair's: a strong tag of its own for the coded variant, accepted in If-Match.
    const gzipped = await getPage(base, 'Proxied', { host, 'accept-encoding': 'gzip' });
    assert.doesNotMatch(String(gzipped.headers.etag), /^W\//);

    const saved = await putPage(base, 'Proxied', 'one two three four\n', { ...browser(), 'if-match': etag });
    assert.equal(saved.status, 200, saved.text());
    const stale = await putPage(base, 'Proxied', 'lost?\n', { ...browser(), 'if-match': etag });
    assert.equal(stale.status, 412);
    assert.equal((await getPage(base, 'Proxied', { host })).text(), 'one two three four\n');
  });

  it('passes Range and If-Range through', async () => {
    const current = await getPage(base, 'Proxied', { host });
    const part = await getPage(base, 'Proxied', { host, range: 'bytes=4-6', 'if-range': current.headers.etag! });
    assert.equal(part.status, 206);
    assert.equal(part.text(), 'two');
    assert.match(String(part.headers['content-range']), /^bytes 4-6\/\d+$/);
  });

  it('delivers Server-Sent Events as they happen, not when a buffer fills', async () => {
    const stream = await EventStream.open(`${base}/api/pages/Proxied/events`, { host });
    try {
      assert.equal(stream.res.statusCode, 200);
      const before = await getPage(base, 'Proxied', { host });
      const saved = await putPage(base, 'Proxied', 'five\n', { ...browser(), 'if-match': before.headers.etag! });
      assert.equal(saved.status, 200);
      // One small event, far smaller than nginx's buffers: it arrives only if nothing holds it back.
      const change = await stream.until(() => stream.events.find((e) => e.event === 'change' && e.data.includes(saved.headers.etag!.replaceAll('"', ''))), 'the change event through nginx', 10_000);
      assert.ok(change);
    } finally {
      stream.close();
    }
  });

  it('with the old `proxy_set_header Host $host` a save on a non-default port is refused, and the 403 says the ports differ', async () => {
    const other = `http://127.0.0.1:${dropped}`;
    const current = await getPage(other, 'Proxied');
    assert.equal(current.status, 200);
    const refused = await putPage(other, 'Proxied', 'six\n', { origin: other, 'sec-fetch-site': 'same-origin', cookie: cookie(session), 'if-match': current.headers.etag! });
    assert.equal(refused.status, 403);
    assert.equal(refused.json()['code'], 'csrf-rejected');
    assert.match(refused.json<{ detail: string }>().detail, /differ in port.*\$http_host/);
  });
});
