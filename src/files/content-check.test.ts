// The declared type against the bytes: a table of named cases.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContentCheck } from './content-check.js';
import { FileRuleError } from './errors.js';
import { parseDeclaredType } from './media-types.js';

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

async function check(contentType: string, ...pieces: (Buffer | string)[]): Promise<string> {
  const content = new ContentCheck(parseDeclaredType(contentType));
  try {
    for (const piece of pieces) await content.take(Buffer.from(piece));
    await content.finish();
    return 'accepted';
  } catch (error) {
    if (error instanceof FileRuleError) return error.rule;
    throw error;
  }
}

describe('ContentCheck', () => {
  const cases: [string, string, (Buffer | string)[], string][] = [
    ['a GIF declared as a GIF', 'image/gif', [GIF], 'accepted'],
    ['a GIF declared as a PNG', 'image/png', [GIF], 'type-mismatch'],
    ['words declared as a PNG', 'image/png', ['just words'], 'type-mismatch'],
    ['anything declared as octet-stream', 'application/octet-stream', [GIF], 'accepted'],
    ['UTF-8 text split inside a character', 'text/plain', [Buffer.from([0x68, 0xc3]), Buffer.from([0xa9])], 'accepted'],
    ['invalid UTF-8 declared as text', 'text/plain; charset=utf-8', [Buffer.from([0x68, 0xff])], 'type-mismatch'],
    ['text cut inside a character at the end', 'text/markdown', [Buffer.from([0x68, 0xc3])], 'type-mismatch'],
    ['a zip declared as text', 'text/plain', [Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64)])], 'type-mismatch'],
    ['SVG text declared as SVG', 'image/svg+xml', ['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'accepted'],
    ['a type file-type does not know', 'application/x-midair-test', ['opaque'], 'accepted'],
    ['a PNG cut off after its header chunk (no dimensions, never decoded)', 'image/png', [Buffer.concat([PNG_SIGNATURE, Buffer.from([0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.alloc(6)])], 'accepted'],
    ['image/jpg for a JPEG is an alias', 'image/jpg', [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0])], 'accepted'],
  ];
  for (const [name, type, pieces, expected] of cases) {
    it(name, async () => assert.equal(await check(type, ...pieces), expected));
  }

  it('refuses a missing, malformed or non-UTF-8 text Content-Type', () => {
    for (const value of [undefined, '', 'not a type', 'nonsense', 'text/plain; charset=latin1']) {
      assert.throws(() => parseDeclaredType(value), (error) => error instanceof FileRuleError && error.rule === 'media-type', String(value));
    }
    assert.deepEqual(parseDeclaredType('Image/PNG'), { essence: 'image/png', stored: 'image/png' });
    assert.deepEqual(parseDeclaredType('text/plain'), { essence: 'text/plain', stored: 'text/plain; charset=utf-8' });
  });
});
