#!/usr/bin/env node
// Runs every *.test.ts under src/, bench/ and test/ (or the files named) on node:test, TypeScript via tsx.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

const named = process.argv.slice(2);
const files = named.length > 0 ? named : [...findTests('src'), ...findTests('bench'), ...findTests('test')];
// Most suites wait on server processes rather than the CPU, so a few files run at once.
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
// No test may hang a run: one that takes longer than this fails, and the run goes on.
const timeout = process.env.TEST_TIMEOUT_MS ?? '300000';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, `--test-timeout=${timeout}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
