// The benchmark harness works: `npm run bench -- --smoke` (about a second per scenario, one
// round, no docs written) exits 0 and prints a table row for every scenario. No speed is
// asserted here: numbers belong to docs/BENCHMARKS.md, produced by the full command.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { which } from '../bench/processes.js';

const ROOT = join(import.meta.dirname, '..');
const SCENARIOS = ['get304', 'get200', 'put', 'contention', 'soak', 'views'];
const CI = process.env['CI'] === 'true';

const missingWrk =
  which('wrk') === undefined
    ? CI
      ? undefined // CI installs wrk (.ci/run), so there its absence fails the run below.
      : 'wrk is not installed (apt-get install wrk); CI installs it, so this runs there'
    : undefined;

function runSmoke(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The harness compiles src/ into a folder of its own, so the other suites' dist/ is left alone.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), '--smoke'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    // The harness bounds its own children; this only keeps a hung run from hanging the suite.
    const timer = setTimeout(() => child.kill('SIGINT'), 270_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run bench -- --smoke', missingWrk === undefined ? {} : { skip: missingWrk }, () => {
  it('exits 0 and prints a table row for every scenario', { timeout: 280_000 }, async () => {
    const { code, stdout, stderr } = await runSmoke();
    const transcript = `--- stdout\n${stdout}\n--- stderr\n${stderr}`;
    assert.equal(code, 0, transcript);
    for (const scenario of SCENARIOS) {
      assert.match(stdout, new RegExp(`^\\| ${scenario} `, 'm'), `no table row for ${scenario}\n${transcript}`);
    }
    // PostgreSQL is measured when reachable and otherwise reported as skipped, never left out.
    const postgres = /^\| put PostgreSQL.*$/m.exec(stdout)?.[0];
    assert.ok(postgres, `no PostgreSQL row\n${transcript}`);
    if (CI) assert.doesNotMatch(postgres, /skipped/, `CI=true requires the PostgreSQL PUT to run\n${transcript}`);
    assert.match(stdout, /^Targets /m, transcript);
    assert.doesNotMatch(stdout, /FAILED/, transcript);
  });
});
