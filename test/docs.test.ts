// The docs stay true to the code: every error code documented, every route in the OpenAPI description.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROBLEMS } from '../src/http/errors.js';
import { request } from './support/http.js';
import { serverPerSuite } from './support/server.js';
import { USAGE } from '../src/config.js';

const root = join(import.meta.dirname, '..');
const suite = serverPerSuite();

test('docs/ERRORS.md lists every code of the error catalog with its status', () => {
  const doc = readFileSync(join(root, 'docs', 'ERRORS.md'), 'utf8');
  for (const [code, { status }] of Object.entries(PROBLEMS)) {
    assert.match(doc, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `${code} (${status}) is documented`);
  }
});

test('the OpenAPI 3.1 description lists every API route and method', async () => {
  const res = await request(`${suite.url}/api/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(String(res.headers.etag), /^"/);
  const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
  assert.equal(doc.openapi, '3.1.0');
  const expected: Record<string, string[]> = {
    '/api/pages': ['get'],
    '/api/pages/{name}': ['get', 'head', 'put', 'delete'],
    '/api/pages/{name}/revisions': ['get'],
    '/api/pages/{name}/revisions/{n}': ['get'],
    '/api/pages/{name}/events': ['get'],
    '/api/pages/{name}/backlinks': ['get'],
    '/api/changes': ['get'],
  };
  for (const [path, methods] of Object.entries(expected)) {
    assert.ok(doc.paths[path], `${path} is described`);
    for (const method of methods) assert.ok(doc.paths[path]![method], `${method.toUpperCase()} ${path} is described`);
  }
  const put = doc.paths['/api/pages/{name}']!['put'] as { responses: Record<string, unknown> };
  for (const status of ['200', '201', '412', '428']) assert.ok(put.responses[status], `PUT documents ${status}`);
  const problem = JSON.stringify(put.responses['412']);
  assert.match(problem, /"merge"/, 'the 412 documents the merge proposal');
  // OpenAPI has no MOVE operation: the description tells of it, and of the %2F in subpage names.
  const description = (doc as unknown as { info: { description: string } }).info.description;
  assert.match(description, /MOVE \/api\/pages\/\{name\}/);
  assert.match(description, /%2F/);
});

test('docs/API.md shows a curl example of every precondition case', () => {
  const doc = readFileSync(join(root, 'docs', 'API.md'), 'utf8');
  for (const header of ["If-None-Match: *", 'If-Match: "', 'If-Match: *', 'If-Unmodified-Since:', 'If-Modified-Since:', 'If-None-Match: "', 'If-Range:']) {
    assert.ok(doc.includes(`-H '${header}`), `curl example with ${header}`);
  }
  for (const status of ['201', '304', '412', '428', '416']) assert.ok(doc.includes(status), `mentions ${status}`);
});

test('the README gives the two quick-start command lines and documents every setting', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.ok(readme.includes('npm install && npm start'));
  assert.ok(readme.includes('npm test'));
  // Every setting the server's --help names: its flag and its environment variable.
  const rows = USAGE.split('\n').filter((line) => /^  --[a-z]/.test(line) && !line.startsWith('  --help'));
  const flags = rows.map((line) => line.trim().split(/\s+/)[0]!);
  // Each flag's variable is its name in capitals (--data-dir, DATA_DIR), and --help says so.
  const settings = flags.map((flag) => flag.slice(2).toUpperCase().replaceAll('-', '_'));
  rows.forEach((row, i) => assert.ok(row.includes(` ${settings[i]} `), `--help names ${settings[i]} beside ${flags[i]}`));
  assert.ok(flags.length >= 24, `${flags.length} flags in --help`);
  for (const name of [...settings, ...flags]) {
    assert.ok(readme.includes(`\`${name}`), `README documents ${name}`);
  }
});
