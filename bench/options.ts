// The command line of `npm run bench`, and the sizes a full run and a smoke run use.
import { parseArgs } from 'node:util';
import { SCENARIOS, type ScenarioName } from './results.js';

export interface BenchOptions {
  readonly rounds: number;
  /** Seconds of load per round and target. */
  readonly durationS: number;
  /** Seconds of unmeasured load before the first round of each target. */
  readonly warmupS: number;
  readonly soakS: number;
  readonly only: readonly ScenarioName[];
  readonly smoke: boolean;
  readonly docs: boolean;
  readonly build: boolean;
  /** Pages each GET scenario rotates over. */
  readonly pages: number;
  /** wrk connections for the GET scenarios. */
  readonly connections: number;
  /** wrk connections (one thread each) for PUT on SQLite. */
  readonly putConnections: number;
  /** wrk connections and pgbench clients for PUT on PostgreSQL: midair's default pool size. */
  readonly pgConnections: number;
  readonly pagesPerPutConnection: number;
  readonly writers: number;
  readonly databaseUrl: string;
  /** MiB of revision text the storage scenario writes. */
  readonly storageMiB: number;
}

export const USAGE = `Usage: npm run bench -- [options]

  --rounds N        rounds per scenario, reported as median [min–max] (default 5)
  --duration S      seconds of load per round (default 5)
  --soak S          seconds of the soak (default 60)
  --only a,b        run only these scenarios: ${SCENARIOS.join(', ')}
  --smoke           about a second per scenario, one round, 50 pages; prints only
  --no-docs         do not write docs/BENCHMARKS.md and docs/benchmarks.svg
  --no-build        measure the repository's dist/ as it is instead of compiling src/
  --help            this text
  --storage-mb N    MiB of revision text the storage scenario writes (default 24, smoke 2; 177 as in issue 13)

PostgreSQL is used when reachable at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).`;

export class UsageError extends Error {}

function positive(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} takes a positive number, not "${text}"`);
  return value;
}

export function readOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): BenchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        rounds: { type: 'string' },
        duration: { type: 'string' },
        soak: { type: 'string' },
        only: { type: 'string' },
        smoke: { type: 'boolean', default: false },
        'no-docs': { type: 'boolean', default: false },
        'no-build': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        'storage-mb': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const only = (values.only ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of only) {
    if (!SCENARIOS.includes(name as ScenarioName)) throw new UsageError(`--only: no scenario "${name}" (${SCENARIOS.join(', ')})`);
  }
  const smoke = values.smoke;
  const url = env['DATABASE_URL'];
  return {
    rounds: Math.round(positive(values.rounds, smoke ? 1 : 5, '--rounds')),
    durationS: positive(values.duration, smoke ? 1 : 5, '--duration'),
    warmupS: smoke ? 0 : 2,
    soakS: positive(values.soak, smoke ? 2 : 60, '--soak'),
    only: only.length > 0 ? (only as ScenarioName[]) : SCENARIOS,
    smoke,
    docs: !smoke && !values['no-docs'],
    build: !values['no-build'],
    pages: smoke ? 50 : 1000,
    connections: 50,
    putConnections: 16,
    pgConnections: 10,
    pagesPerPutConnection: 4,
    writers: 50,
    databaseUrl: url === undefined || url === '' ? 'postgres://postgres@127.0.0.1:5432/test' : url,
    storageMiB: positive(values['storage-mb'], smoke ? 2 : 24, '--storage-mb'),
  };
}
