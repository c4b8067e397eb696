import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { clearSessionCookie, sendSessionCookie, sessionIdOf } from './session-cookie.js';

async function app() {
  const server = Fastify();
  server.get('/id', async (request) => ({ id: sessionIdOf(request) ?? null }));
  server.get('/start', async (request, reply) => {
    reply.header('set-cookie', 'other=1; Path=/');
    sendSessionCookie(request, reply, 'new-id', 3600);
    return '';
  });
  server.get('/clear-then-start', async (request, reply) => {
    clearSessionCookie(request, reply);
    sendSessionCookie(request, reply, 'new-id', 3600);
    return '';
  });
  server.get('/clear', async (request, reply) => {
    clearSessionCookie(request, reply);
    return '';
  });
  return server;
}

function setCookies(headers: Record<string, unknown>): string[] {
  return [headers['set-cookie'] ?? []].flat().map(String);
}

test('session cookie: read from among other cookies, absent when not sent', async () => {
  const server = await app();
  assert.deepEqual((await server.inject({ url: '/id', headers: { cookie: 'a=1; midair_session=abc%20d; b=2' } })).json(), { id: 'abc d' });
  assert.deepEqual((await server.inject({ url: '/id', headers: { cookie: 'a=1' } })).json(), { id: null });
  assert.deepEqual((await server.inject({ url: '/id' })).json(), { id: null });
});

test('session cookie: set HttpOnly, SameSite=Lax, Path=/, with its lifetime, beside other cookies', async () => {
  const lines = setCookies((await (await app()).inject({ url: '/start' })).headers);
  assert.equal(lines.length, 2);
  assert.ok(lines.includes('other=1; Path=/'));
  const line = lines.find((l) => l.startsWith('midair_session='))!;
  assert.match(line, /^midair_session=new-id;/);
  for (const attribute of [/; Max-Age=3600/, /; Path=\//, /; HttpOnly/, /; SameSite=Lax/]) assert.match(line, attribute);
  assert.doesNotMatch(line, /; Secure/, 'plain HTTP: a Secure cookie would never come back');
});

test('session cookie: cleared with Max-Age=0 and a past Expires', async () => {
  const [line, ...rest] = setCookies((await (await app()).inject({ url: '/clear' })).headers);
  assert.equal(rest.length, 0);
  assert.match(line!, /^midair_session=;/);
  assert.match(line!, /; Max-Age=0/);
  assert.match(line!, /; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
});

test('session cookie: a clear followed by a new session in one response sends only the new one', async () => {
  const lines = setCookies((await (await app()).inject({ url: '/clear-then-start' })).headers);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /^midair_session=new-id;/);
});
