// The OpenAPI document drives a generated client without casts: the running server's document
// passes `redocly lint`, openapi-typescript turns it into types, the project's tsc checks a
// small client program against them, and the program then creates, updates, collides (412
// with its merge) and revalidates through openapi-fetch against the real server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { serverPerSuite } from './support/server.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const TOOL = join(ROOT, 'tools', 'openapi-client');
const GENERATED = join(TOOL, 'generated');
const DOCUMENT = join(GENERATED, 'openapi.json');
const PROGRAM = join(TOOL, 'conditional-client.ts');

const suite = serverPerSuite();
type Document = { paths: Record<string, Record<string, { operationId?: string; requestBody?: { content: Record<string, unknown> } }>> };
let served: Promise<Document> | undefined;

/** The running server's document, also written to tools/openapi-client/generated/ for the tools. */
function servedDocument(): Promise<Document> {
  served ??= (async () => {
    const response = await fetch(`${suite.url}/api/openapi.json`);
    assert.equal(response.status, 200);
    const text = await response.text();
    mkdirSync(GENERATED, { recursive: true });
    writeFileSync(DOCUMENT, text);
    return JSON.parse(text) as Document;
  })();
  return served;
}

test('every operation has a unique operationId, and PUT declares a text body', async () => {
  const document = await servedDocument();
  const ids = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
  assert.ok(ids.length >= 8);
  assert.ok(ids.every((id) => typeof id === 'string' && id !== ''), 'an operation without operationId');
  assert.equal(new Set(ids).size, ids.length, 'duplicate operationIds');
  const put = document.paths['/api/pages/{name}']!['put']!;
  assert.deepEqual(Object.keys(put.requestBody?.content ?? {}).sort(), ['text/markdown', 'text/plain']);
});

test('redocly lint passes on the served document (recommended rules, no errors or warnings)', async () => {
  await servedDocument();
  const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'redocly'), ['lint', DOCUMENT, '--format=json'], { cwd: GENERATED });
  const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
  assert.deepEqual(report.totals, { errors: 0, warnings: 0, ignored: 0 }, JSON.stringify(report.problems, null, 1));
});

test('a client generated with openapi-typescript + openapi-fetch typechecks without casts and works end to end', async () => {
  await servedDocument();
  // openapi-typescript needs TypeScript 5's JS API: the workspace tools/openapi-client has its own.
  await run(join(TOOL, 'node_modules', '.bin', 'openapi-typescript'), [DOCUMENT, '-o', join(GENERATED, 'midair-api.d.ts')], { cwd: TOOL });
  const code = readFileSync(PROGRAM, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  assert.doesNotMatch(code, /\bas\s+(?!const\b)[A-Za-z{[]|\bany\b|@ts-(ignore|expect-error)|!\./, 'the client program must not cast');
  // The project's own compiler (TypeScript 7) checks the calls against the generated types.
  await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(TOOL, 'tsconfig.json')], { cwd: ROOT }).catch((error: { stdout?: string }) => {
    assert.fail(`the generated client does not typecheck:\n${error.stdout ?? String(error)}`);
  });

  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROGRAM, suite.url, 'Generated client'], { cwd: ROOT });
  const seen = JSON.parse(stdout);
  assert.equal(seen.created.status, 201);
  // Stored as text: no JSON quotes, real newlines (openapi-fetch's default serializer would not).
  assert.equal(seen.read.text, '# Created…\n\nfirst line\n\nmiddle\n\nlast line\n');
  assert.equal(seen.updated.status, 200);
  assert.equal(seen.updated.revision, 2);
  assert.equal(seen.stale.status, 412);
  assert.equal(seen.stale.code, 'precondition-failed');
  assert.equal(seen.stale.currentEtag, seen.updated.etag);
  assert.deepEqual(seen.stale.merge, { clean: true, content: '# Created…\n\nfirst line, edited\n\nmiddle\n\nlast line, edited elsewhere\n' });
  assert.equal(seen.revalidated.status, 304);
  assert.deepEqual(seen.history, [2, 1]);
});
