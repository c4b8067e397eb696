import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTENT_SECURITY_POLICY, cspDirectives, securityHeaderValues } from './security-headers.js';

test("helmet's policy is the wiki's own, directive for directive", () => {
  const directives = cspDirectives();
  assert.deepEqual(directives['script-src'], ["'self'"]);
  assert.deepEqual(directives['frame-ancestors'], ["'none'"]);
  const rebuilt = Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
  assert.equal(rebuilt, CONTENT_SECURITY_POLICY);
});

test('the recorded headers: the policy, nosniff, no framing, same-origin referrers', () => {
  const headers = securityHeaderValues();
  assert.equal(headers['content-security-policy']?.replaceAll(';', '; '), CONTENT_SECURITY_POLICY);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['referrer-policy'], 'same-origin');
  assert.match(headers['strict-transport-security'] ?? '', /^max-age=\d+$/);
});
