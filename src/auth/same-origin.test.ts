import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeOrigin, type RequestSource, requestSource } from './same-origin.js';

const OWN = 'http://127.0.0.1:3000';

const CASES: [string, Record<string, string | string[]>, RequestSource][] = [
  ['no header at all (curl, an old browser)', {}, 'unknown'],
  ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }, 'same-origin'],
  ['Sec-Fetch-Site, any case', { 'sec-fetch-site': 'Same-Origin' }, 'same-origin'],
  ['Sec-Fetch-Site: same-site (another port or subdomain)', { 'sec-fetch-site': 'same-site' }, 'cross-origin'],
  ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, 'cross-origin'],
  ['Sec-Fetch-Site: none (typed into the address bar)', { 'sec-fetch-site': 'none' }, 'cross-origin'],
  ['our Origin', { origin: OWN }, 'same-origin'],
  ['our Origin, upper case host', { origin: 'HTTP://127.0.0.1:3000' }, 'same-origin'],
  ['another port', { origin: 'http://127.0.0.1:3001' }, 'cross-origin'],
  ['another scheme', { origin: 'https://127.0.0.1:3000' }, 'cross-origin'],
  ['Origin: null', { origin: 'null' }, 'cross-origin'],
  ['an Origin that is not a URL', { origin: 'evil' }, 'cross-origin'],
  ['same-origin site but a foreign Origin', { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }, 'cross-origin'],
  ['our Origin but a cross-site fetch', { 'sec-fetch-site': 'cross-site', origin: OWN }, 'cross-origin'],
  ['two Origin lines', { origin: [OWN, OWN] }, 'cross-origin'],
];

for (const [name, headers, expected] of CASES) {
  test(`request source: ${name}`, () => {
    assert.equal(requestSource(headers, OWN), expected);
  });
}

test('origins compare without their default port', () => {
  assert.equal(normalizeOrigin('https://wiki.example:443'), 'https://wiki.example');
  assert.equal(normalizeOrigin('http://wiki.example:80'), 'http://wiki.example');
  assert.equal(normalizeOrigin('http://wiki.example:8080'), 'http://wiki.example:8080');
  assert.equal(normalizeOrigin('ftp://wiki.example'), undefined);
  assert.equal(requestSource({ origin: 'https://wiki.example' }, 'https://wiki.example:443'), 'same-origin');
});
