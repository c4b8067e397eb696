import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, passwordProblem, verifyNobody, verifyPassword } from './password.js';

test('a hash names scrypt and its parameters, is salted, and verifies only its password', async () => {
  const [one, two] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
  assert.match(one, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(one, two, 'a fresh salt each time');
  assert.equal(await verifyPassword('correct horse', one), true);
  assert.equal(await verifyPassword('correct horse', two), true);
  assert.equal(await verifyPassword('correct hors', one), false);
  assert.equal(await verifyPassword('', one), false);
});

test('composed and decomposed accents are one password (NFKC)', async () => {
  const hash = await hashPassword('caf\u00e9 au lait');
  assert.equal(await verifyPassword('cafe\u0301 au lait', hash), true);
});

test('unreadable or hostile stored hashes verify nothing and cost nothing', async () => {
  const good = await hashPassword('pw123456');
  for (const bad of ['', 'plain', good.replace('ln=15', 'ln=40'), good.replace('r=8', 'r=99'), good.replace('$scrypt$', '$argon2id$')]) {
    assert.equal(await verifyPassword('pw123456', bad), false, bad);
  }
  assert.equal(await verifyNobody('anything'), false);
});

test('new passwords need 8 to 1024 characters', () => {
  assert.match(passwordProblem('short') ?? '', /at least 8/);
  assert.equal(passwordProblem('eight ch'), undefined);
  assert.equal(passwordProblem('ü'.repeat(8)), undefined, 'characters, not bytes');
  assert.match(passwordProblem('x'.repeat(1025)) ?? '', /at most 1024/);
});
