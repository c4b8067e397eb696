import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostPolicy } from './host-check.js';

const LOOPBACK = new HostPolicy({ listenHost: '127.0.0.1', publicOrigins: [] });
const PUBLIC = new HostPolicy({ listenHost: '127.0.0.1', publicOrigins: ['https://wiki.example.com', 'http://lan-host:8080'] });
const LAN = new HostPolicy({ listenHost: '0.0.0.0', publicOrigins: [] });
const LAN_PUBLIC = new HostPolicy({ listenHost: '0.0.0.0', publicOrigins: ['https://wiki.example.com'] });

const CASES: [string, HostPolicy, string, boolean][] = [
  ['localhost with a port', LOOPBACK, 'localhost:3000', true],
  ['LOCALHOST, any case', LOOPBACK, 'LocalHost:3000', true],
  ['a name under .localhost (RFC 6761)', LOOPBACK, 'wiki.localhost:3000', true],
  ['localhost with a trailing dot', LOOPBACK, 'localhost.:3000', true],
  ['127.0.0.1', LOOPBACK, '127.0.0.1:3000', true],
  ['127.1.2.3 (all of 127/8)', LOOPBACK, '127.1.2.3', true],
  ['[::1]', LOOPBACK, '[::1]:3000', true],
  ['a rebinding name', LOOPBACK, 'evil.test:3000', false],
  ['a rebinding name without a port', LOOPBACK, 'evil.test', false],
  ['a name that only starts like localhost', LOOPBACK, 'localhost.evil.test', false],
  ['a name ending in localhost without the dot', LOOPBACK, 'evillocalhost', false],
  ['a LAN address on a loopback listen', LOOPBACK, '192.168.1.5:3000', false],
  ['another IPv6 address', LOOPBACK, '[fe80::1]:3000', false],
  ['no Host at all (HTTP/1.0)', LOOPBACK, '', true],
  ['the public host', PUBLIC, 'wiki.example.com', true],
  ['the public host, any port (a proxy may drop it)', PUBLIC, 'wiki.example.com:8443', true],
  ['the second public host', PUBLIC, 'lan-host:8080', true],
  ['loopback beside PUBLIC_URL', PUBLIC, '127.0.0.1:3000', true],
  ['a sub-domain of the public host', PUBLIC, 'x.wiki.example.com', false],
  ['another name beside PUBLIC_URL', PUBLIC, 'evil.test', false],
  ['any name on 0.0.0.0 without PUBLIC_URL', LAN, 'evil.test', true],
  ['a LAN address on 0.0.0.0 without PUBLIC_URL', LAN, '192.168.1.5:3000', true],
  ['PUBLIC_URL narrows 0.0.0.0', LAN_PUBLIC, '192.168.1.5:3000', false],
  ['PUBLIC_URL on 0.0.0.0 keeps its host', LAN_PUBLIC, 'wiki.example.com', true],
];

for (const [name, policy, host, accepted] of CASES) {
  test(`host check: ${name}`, () => {
    assert.equal(policy.accepts(host), accepted);
  });
}

test('only a listen address that is not loopback, without PUBLIC_URL, warns at start', () => {
  assert.match(LAN.startWarning() ?? '', /PUBLIC_URL/);
  assert.equal(LOOPBACK.startWarning(), undefined);
  assert.equal(LAN_PUBLIC.startWarning(), undefined);
  assert.equal(new HostPolicy({ listenHost: '::1', publicOrigins: [] }).acceptsAnyHost, false);
  assert.equal(new HostPolicy({ listenHost: '::', publicOrigins: [] }).acceptsAnyHost, true);
});

test('the refusal names the host refused and the hosts served', () => {
  const problem = PUBLIC.refusal('Evil.test:3000');
  assert.equal(problem.status, 421);
  assert.match(problem.detail, /"evil\.test"/);
  assert.match(problem.detail, /wiki\.example\.com/);
  assert.match(problem.detail, /PUBLIC_URL/);
});
