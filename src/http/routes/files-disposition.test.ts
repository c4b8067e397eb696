import assert from 'node:assert/strict';
import { it } from 'node:test';
import { contentDisposition, isInline } from './files-disposition.js';

it('shows in place only images (not SVG), PDF, plain text, audio and video', () => {
  const inline = ['image/png', 'image/jpeg; x=1', 'application/pdf', 'text/plain; charset=utf-8', 'audio/ogg', 'video/mp4'];
  const attached = ['image/svg+xml', 'text/html', 'application/octet-stream', 'text/markdown', 'application/javascript', 'application/xhtml+xml'];
  for (const type of inline) assert.ok(isInline(type), type);
  for (const type of attached) assert.ok(!isInline(type), type);
});

it('names the file exactly in filename*, and in plain ASCII without quotes in filename', () => {
  assert.equal(contentDisposition('Ünï "q" 50%.bin', 'application/octet-stream'), `attachment; filename="_n_ _q_ 50_.bin"; filename*=UTF-8''%C3%9Cn%C3%AF%20%22q%22%2050%25.bin`);
  assert.equal(contentDisposition("it's (1).png", 'image/png'), `inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`);
});
