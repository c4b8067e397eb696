// `npm run bench`: builds midair, starts it and the Fastify baseline as real processes, drives
// each scenario with wrk (or a Node client) from another CPU, and prints one table with every
// figure's ratio to its baseline measured in the same run. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context.js';
import { writeDocs } from './docs.js';
import { describeMachine, loadAverage, toolVersion } from './machine.js';
import { type BenchOptions, readOptions, UsageError, USAGE } from './options.js';
import { serverVersion, unreachableReason } from './postgres.js';
import { cleanUp, installExitHandlers, pinningAvailable, procAvailable, tempDir, which } from './processes.js';
import { formatVerdict, judgeTargets, renderTable, type Row, SCENARIOS, type ScenarioName, type ScenarioResult } from './results.js';
import { runConditionalGet } from './scenarios/conditional-get.js';
import { runConditionalPut } from './scenarios/conditional-put.js';
import { runContention } from './scenarios/contention.js';
import { runPlainGet } from './scenarios/plain-get.js';
import { runSoak } from './scenarios/soak.js';
import { runHostile } from './scenarios/hostile.js';
import { runStorage } from './scenarios/storage.js';
import { runSearch } from './scenarios/search.js';
import { runWikiViews } from './scenarios/wiki-views.js';
import { runFiles } from './scenarios/files.js';
import { REPOSITORY_MAIN } from './servers.js';
import { findWrk, WRK_INSTALL_HINT, wrkVersion } from './wrk.js';

const ROOT = join(import.meta.dirname, '..');

const RUNNERS: Record<ScenarioName, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  get304: runConditionalGet,
  get200: runPlainGet,
  put: runConditionalPut,
  contention: runContention,
  soak: runSoak,
  hostile: runHostile,
  storage: runStorage,
  search: runSearch,
  views: runWikiViews,
  files: runFiles,
};

function log(line: string): void {
  console.error(`bench: ${line}`);
}

/**
 * Compiles src/ the way `npm run build` does, but into a folder of the run's own: dist/ is
 * shared with whoever else builds and tests in this checkout, and must not change under a run.
 * The folder mirrors the repository around dist/ (node_modules, src, package.json) by symlinks,
 * so that dependencies, the module type and paths like ../../src/ui/public resolve as from dist/.
 */
function build(): string {
  const dir = tempDir('midair-bench-build-');
  for (const entry of ['node_modules', 'src', 'package.json']) symlinkSync(join(ROOT, entry), join(dir, entry));
  const out = join(dir, 'dist');
  log(`compiling src/ (tsc -p tsconfig.build.json --outDir ${out})`);
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', 'tsconfig.build.json', '--outDir', out], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
  if (result.status !== 0) throw new Error('the build failed: fix it, or run with --no-build to measure dist/ as it is');
  return join(out, 'main.js');
}

async function runScenarios(options: BenchOptions, wrk: string, midairMain: string): Promise<{ rows: Row[]; details: string[]; failed: boolean }> {
  const ctx: BenchContext = {
    options,
    wrk,
    midairMain,
    workDir: tempDir('midair-bench-run-'),
    log,
  };
  const rows: Row[] = [];
  const details: string[] = [];
  let failed = false;
  for (const name of SCENARIOS.filter((s) => options.only.includes(s))) {
    const started = performance.now();
    try {
      const result = await RUNNERS[name](ctx);
      rows.push(...result.rows);
      details.push(...result.details);
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      log(`scenario ${name} failed: ${message}`);
      rows.push({ id: name, scenario: name, label: '', rounds: [], skipped: `FAILED: ${message.split('\n')[0]}` });
    }
    log(`${name} took ${Math.round((performance.now() - started) / 1000)} s`);
  }
  return { rows, details, failed };
}

async function main(): Promise<number> {
  let options;
  try {
    options = readOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bench: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  installExitHandlers();
  if (!procAvailable()) log('no /proc: RSS and CPU time will be missing from the table');
  if (!pinningAvailable()) log('taskset is missing (or there is one CPU): server and load generator share the CPUs');

  const wrk = findWrk(log);
  if (wrk === undefined) {
    console.error(`bench: ${WRK_INSTALL_HINT}`);
    return 3;
  }
  const midairMain = options.build ? build() : REPOSITORY_MAIN;
  if (!existsSync(midairMain)) throw new Error(`${midairMain} is missing: run npm run build (or drop --no-build)`);

  const started = performance.now();
  const loadBefore = loadAverage();
  log(`${options.smoke ? 'smoke run' : 'full run'}: ${options.only.join(', ')}; ${options.rounds} round(s) of ${options.durationS} s; load average ${loadBefore}`);
  const { rows, details, failed } = await runScenarios(options, wrk, midairMain);
  const loadAfter = loadAverage();
  const verdicts = judgeTargets(rows);

  console.log(`\n${renderTable(rows)}\n`);
  for (const line of details) console.log(line);
  console.log('\nTargets (ratios in this run; never asserted by a test):');
  for (const verdict of verdicts) console.log(`  ${formatVerdict(verdict)}`);
  console.log(`\nLoad average before ${loadBefore}, after ${loadAfter}.`);

  const args = process.argv.slice(2);
  const complete = SCENARIOS.every((s) => options.only.includes(s));
  if (!options.docs) {
    if (!options.smoke) log('--no-docs: docs/BENCHMARKS.md left as it is');
  } else if (failed || !complete) {
    log(`docs/BENCHMARKS.md left as it is: ${failed ? 'a scenario failed' : 'only a full run (no --only) writes it'}`);
  } else {
    const tools = [wrkVersion(wrk)];
    const pgbench = which('pgbench');
    if (pgbench) tools.push(toolVersion(pgbench, ['--version']) ?? 'pgbench');
    if ((await unreachableReason(options.databaseUrl)) === undefined) tools.push(await serverVersion(options.databaseUrl));
    const written = writeDocs({
      command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
      date: new Date(),
      elapsedS: (performance.now() - started) / 1000,
      machine: describeMachine(),
      tools,
      loadBefore,
      loadAfter,
      options,
      rows,
      details,
      verdicts,
    });
    log(`wrote ${written.join(' and ')}`);
  }
  return failed ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error('bench failed:', error instanceof Error ? error.message : error);
} finally {
  await cleanUp();
}
process.exit(code);
