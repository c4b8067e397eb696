import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeOrigin, originMismatch, type RequestSource, requestSource } from './same-origin.js';

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
    assert.equal(requestSource(headers, [OWN]), expected);
  });
}

test('origins compare without their default port', () => {
  assert.equal(normalizeOrigin('https://wiki.example:443'), 'https://wiki.example');
  assert.equal(normalizeOrigin('http://wiki.example:80'), 'http://wiki.example');
  assert.equal(normalizeOrigin('http://wiki.example:8080'), 'http://wiki.example:8080');
  assert.equal(normalizeOrigin('ftp://wiki.example'), undefined);
  assert.equal(requestSource({ origin: 'https://wiki.example' }, ['https://wiki.example:443']), 'same-origin');
});

test('any of several own origins (PUBLIC_URL and a loopback name) is ours', () => {
  const own = ['https://wiki.example', OWN];
  assert.equal(requestSource({ origin: 'https://wiki.example' }, own), 'same-origin');
  assert.equal(requestSource({ origin: OWN }, own), 'same-origin');
  assert.equal(requestSource({ origin: 'https://evil.example' }, own), 'cross-origin');
  assert.equal(requestSource({ origin: 'https://wiki.example' }, []), 'cross-origin');
});

const MISMATCHES: [string, Record<string, string>, string, RegExp | undefined][] = [
  ['a port dropped by a proxy', { origin: 'http://wiki.example:8080' }, 'http://wiki.example', /differ in port.*\$http_host/],
  ['a port the page has and Host lacks, the other way round', { origin: 'http://127.0.0.1' }, 'http://127.0.0.1:3000', /differ in port/],
  ['https at the proxy, http to midair', { origin: 'https://wiki.example' }, 'http://wiki.example', /TRUST_PROXY/],
  ['the browser says same-origin but the host differs', { origin: 'http://wiki.example', 'sec-fetch-site': 'same-origin' }, 'http://midair', /same-origin.*\$http_host/],
  ['another site', { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }, 'http://wiki.example', undefined],
  ['another port of the same host, as the browser says (same-site): another site, not a proxy', { origin: 'http://127.0.0.1:4000', 'sec-fetch-site': 'same-site' }, 'http://127.0.0.1:3000', undefined],
  ['a port dropped by a proxy, the browser saying same-origin', { origin: 'http://wiki.example:8080', 'sec-fetch-site': 'same-origin' }, 'http://wiki.example', /differ in port/],
  ['another host, no Sec-Fetch-Site', { origin: 'http://evil.example' }, 'http://wiki.example', undefined],
  ['no Origin', { 'sec-fetch-site': 'same-origin' }, 'http://wiki.example', undefined],
];

for (const [name, headers, own, expected] of MISMATCHES) {
  test(`origin mismatch hint: ${name}`, () => {
    const hint = originMismatch(headers, [own]);
    if (expected === undefined) assert.equal(hint, undefined);
    else assert.match(hint ?? '', expected);
  });
}

test('origin mismatch hint: among several own origins, the one on the same host is named', () => {
  const hint = originMismatch({ origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' }, ['http://wiki.example', 'http://127.0.0.1']);
  assert.match(hint ?? '', /differ in port.*http:\/\/127\.0\.0\.1\b/);
  // An https PUBLIC_URL already says the site is https: no TRUST_PROXY hint then.
  assert.doesNotMatch(originMismatch({ origin: 'https://evil.example' }, ['https://wiki.example', 'http://127.0.0.1']) ?? '', /TRUST_PROXY/);
});
