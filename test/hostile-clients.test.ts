// Slow and hostile clients: the server keeps answering everyone else and closes them in time.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createPage, getPage } from './support/http.js';
import { type RunningServer, removeDir, startServer } from './support/server.js';

let server: RunningServer;
let port: number;

before(async () => {
  server = await startServer({ args: ['--request-timeout', '2000'] });
  port = Number(new URL(server.url).port);
  await createPage(server.url, 'Steady', 'still here');
});
after(async () => {
  await server.stop();
  removeDir(server.dataDir);
});

/** Opens a raw connection; resolves with everything the server sent once it closes (bounded). */
function rawConnection(): { socket: net.Socket; closed: Promise<{ data: string; ms: number }> } {
  const started = Date.now();
  const socket = net.connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (chunk) => (data += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<{ data: string; ms: number }>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data: `${data}[still open after 15 s]`, ms: Date.now() - started });
    }, 15_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data, ms: Date.now() - started });
    });
  });
  return { socket, closed };
}

test('1,500 idle connections: others are still served, and the idle ones are closed in time', async () => {
  const idle = Array.from({ length: 1500 }, () => rawConnection());
  await Promise.all(idle.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))));
  const res = await getPage(server.url, 'Steady');
  assert.equal(res.status, 200);
  assert.equal(res.text(), 'still here');
  const results = await Promise.all(idle.map(({ closed }) => closed));
  const stillOpen = results.filter((r) => r.data.includes('[still open'));
  assert.equal(stillOpen.length, 0, 'the server closed every connection that sent nothing');
});

test('headers sent one byte at a time (slowloris) get 408 problem+json and a closed connection', async () => {
  const { socket, closed } = rawConnection();
  const request = 'GET /api/pages/Steady HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'x'.repeat(200);
  let i = 0;
  const drip = setInterval(() => {
    if (i < request.length && !socket.destroyed) socket.write(request[i++]!);
  }, 100);
  // Meanwhile everyone else is served.
  assert.equal((await getPage(server.url, 'Steady')).status, 200);
  const { data } = await closed;
  clearInterval(drip);
  assert.match(data, /^HTTP\/1\.1 408 /);
  assert.match(data, /application\/problem\+json/);
  assert.match(data, /"code":"request-timeout"/);
  assert.ok(i < request.length, 'closed before the client finished its headers');
});

test('a body that never finishes gets 408 and changes nothing', async () => {
  const before = await getPage(server.url, 'Steady');
  const { socket, closed } = rawConnection();
  socket.write(
    `PUT /api/pages/Steady HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/markdown\r\nIf-Match: ${before.headers.etag}\r\n` +
      'Content-Length: 1000\r\n\r\npartial body',
  );
  const { data } = await closed;
  assert.match(data, /^HTTP\/1\.1 408 /);
  const afterwards = await getPage(server.url, 'Steady');
  assert.equal(afterwards.text(), 'still here');
  assert.equal(afterwards.headers.etag, before.headers.etag);
});

test('oversized headers get 431 problem+json', async () => {
  const { socket, closed } = rawConnection();
  socket.write(`GET /api/pages/Steady HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`);
  const { data } = await closed;
  assert.match(data, /^HTTP\/1\.1 431 /);
  assert.match(data, /"code":"headers-too-large"/);
});

test('garbage instead of HTTP gets 400 problem+json', async () => {
  const { socket, closed } = rawConnection();
  socket.write('HELLO THERE\r\n\r\n');
  const { data } = await closed;
  assert.match(data, /^HTTP\/1\.1 400 /);
  assert.match(data, /"code":"bad-request"/);
});
