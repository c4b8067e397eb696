// What a scenario measures, how rounds are summarised (median and min–max), the ratios to the
// baselines, the targets, and the table that shows them.

export type ScenarioName = 'get304' | 'get200' | 'put' | 'contention' | 'soak' | 'hostile' | 'storage' | 'search' | 'views' | 'files';
export const SCENARIOS: readonly ScenarioName[] = ['get304', 'get200', 'put', 'contention', 'soak', 'hostile', 'storage', 'search', 'views', 'files'];

/** One round against one server (or store, or pgbench). */
export interface Measurement {
  /** Requests answered as expected per second (for writes: successful writes per second). */
  readonly rps: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Requests the CPU figure is divided by. */
  readonly requests: number;
  /** Unexpected statuses, socket errors and timeouts. */
  readonly errors: number;
  readonly rssBytes?: number;
  /** CPU time the measured process used during the round (user + system). */
  readonly cpuSeconds?: number;
}

export interface Row {
  readonly id: string;
  readonly scenario: ScenarioName;
  readonly label: string;
  /** The row this one is compared with. */
  readonly baselineId?: string;
  readonly rounds: readonly Measurement[];
  readonly notes?: readonly string[];
  /** Why the row has no numbers. */
  readonly skipped?: string;
}

export interface ScenarioResult {
  readonly rows: Row[];
  /** Lines printed (and written to the docs) under the table. */
  readonly details: string[];
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The value below which `p` percent of `sorted` (ascending) lie, nearest-rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

function spread(values: readonly (number | undefined)[]): Spread | undefined {
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (known.length === 0) return undefined;
  return { median: median(known), min: Math.min(...known), max: Math.max(...known) };
}

export interface Summary {
  readonly rps?: Spread;
  readonly p50Ms?: Spread;
  readonly p99Ms?: Spread;
  readonly rssBytes?: Spread;
  readonly cpuUsPerRequest?: Spread;
  readonly errors: number;
  readonly requests: number;
}

export function summarise(row: Row): Summary {
  const r = row.rounds;
  const optional = <K extends keyof Summary>(key: K, value: Summary[K] | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    ...optional('rps', spread(r.map((m) => m.rps))),
    ...optional('p50Ms', spread(r.map((m) => m.p50Ms))),
    ...optional('p99Ms', spread(r.map((m) => m.p99Ms))),
    ...optional('rssBytes', spread(r.map((m) => m.rssBytes))),
    ...optional('cpuUsPerRequest', spread(r.map((m) => metricOf(m, 'cpuUsPerRequest')))),
    errors: r.reduce((sum, m) => sum + m.errors, 0),
    requests: r.reduce((sum, m) => sum + m.requests, 0),
  };
}

type Metric = 'rps' | 'p50Ms' | 'p99Ms' | 'rssBytes' | 'cpuUsPerRequest';

function metricOf(m: Measurement, metric: Metric): number | undefined {
  if (metric === 'cpuUsPerRequest') return m.cpuSeconds === undefined || m.requests === 0 ? undefined : (m.cpuSeconds * 1e6) / m.requests;
  return m[metric];
}

/**
 * `row` against `base` for one metric. The scenarios interleave a row's rounds with its
 * baseline's, so round i of each ran moments apart, under the same spell of a shared machine:
 * when both have every round, the ratio is the median of the per-round ratios, and its spread
 * is theirs. Otherwise it is the median over the baseline's median.
 */
export function ratioSpread(rows: readonly Row[], rowId: string, baseId: string, metric: Metric): Spread | undefined {
  const row = rows.find((r) => r.id === rowId);
  const base = rows.find((r) => r.id === baseId);
  if (!row || !base || row.skipped || base.skipped) return undefined;
  const paired = row.rounds.length === base.rounds.length && row.rounds.length > 0;
  if (paired) {
    const ratios = row.rounds.map((m, i) => {
      const a = metricOf(m, metric);
      const b = metricOf(base.rounds[i]!, metric);
      return a === undefined || b === undefined || b === 0 ? undefined : a / b;
    });
    if (ratios.every((r) => r !== undefined)) return spread(ratios);
  }
  const a = summarise(row)[metric]?.median;
  const b = summarise(base)[metric]?.median;
  return a === undefined || b === undefined || b === 0 ? undefined : { median: a / b, min: a / b, max: a / b };
}

/** The median ratio of `row` to `base` for one metric (see ratioSpread). */
export function ratio(rows: readonly Row[], rowId: string, baseId: string, metric: Metric): number | undefined {
  return ratioSpread(rows, rowId, baseId, metric)?.median;
}

// --- targets -------------------------------------------------------------------------------

export interface Target {
  readonly label: string;
  readonly rowId: string;
  readonly baselineId: string;
  /** The requests/s ratio must reach this. */
  readonly atLeast: number;
  /** Both sides are CPU-bound servers, so their CPU time per request predicts the ratio too. */
  readonly cpuBound: boolean;
}

export const TARGETS: readonly Target[] = [
  { label: 'GET 304, 1 KiB pages ≥ 0.9 × constant-304 baseline', rowId: 'get304-1k', baselineId: 'get304-base', atLeast: 0.9, cpuBound: true },
  { label: 'GET 304, 64 KiB pages ≥ 0.9 × constant-304 baseline', rowId: 'get304-64k', baselineId: 'get304-base', atLeast: 0.9, cpuBound: true },
  { label: 'GET 304, 1 MiB pages ≥ 0.9 × constant-304 baseline', rowId: 'get304-1m', baselineId: 'get304-base', atLeast: 0.9, cpuBound: true },
  { label: 'GET 304, 1 KiB pages as a browser asks ≥ 0.9 × constant-304 baseline', rowId: 'get304-1k-browser', baselineId: 'get304-base', atLeast: 0.9, cpuBound: true },
  { label: 'GET 304, 1 MiB pages ≥ 0.95 × 1 KiB pages', rowId: 'get304-1m', baselineId: 'get304-1k', atLeast: 0.95, cpuBound: true },
  { label: 'GET 200, 4 KiB ≥ 0.8 × constant-4 KiB baseline', rowId: 'get200-identity', baselineId: 'get200-base', atLeast: 0.8, cpuBound: true },
  { label: 'GET 200, 4 KiB gzip ≥ 0.8 × constant-4 KiB baseline', rowId: 'get200-gzip', baselineId: 'get200-base', atLeast: 0.8, cpuBound: true },
  { label: 'PUT on SQLite ≥ 1.5 × in-process one-transaction-per-write ceiling', rowId: 'put-sqlite', baselineId: 'put-sqlite-ceiling', atLeast: 1.5, cpuBound: false },
  { label: 'PUT on PostgreSQL ≥ 0.8 × pgbench running the same write statement', rowId: 'put-pg', baselineId: 'put-pgbench-whole', atLeast: 0.8, cpuBound: false },
  { label: 'wiki page view 200 ≥ 0.8 × constant HTML page of the same size', rowId: 'views-200', baselineId: 'views-200-base', atLeast: 0.8, cpuBound: true },
  { label: 'wiki page view 200 as a browser asks ≥ 0.8 × constant HTML page', rowId: 'views-200-browser', baselineId: 'views-200-base', atLeast: 0.8, cpuBound: true },
  { label: 'wiki page view 304 ≥ 0.8 × constant-304 baseline', rowId: 'views-304', baselineId: 'views-304-base', atLeast: 0.8, cpuBound: true },
  { label: 'wiki page view 304 as a browser revalidates ≥ 0.8 × constant-304 baseline', rowId: 'views-304-browser', baselineId: 'views-304-base', atLeast: 0.8, cpuBound: true },
];

export interface TargetVerdict {
  readonly target: Target;
  readonly ratio?: number;
  /** The per-round ratios' range, when the rounds were paired. */
  readonly ratioRange?: Spread;
  /** Baseline CPU per request over midair's: what the ratio would be on a saturated, quiet server. */
  readonly cpuRatio?: number;
  readonly verdict: 'MET' | 'NOT MET' | 'not measured';
}

export function judgeTargets(rows: readonly Row[]): TargetVerdict[] {
  return TARGETS.filter((t) => rows.some((r) => r.id === t.rowId)).map((target) => {
    const range = ratioSpread(rows, target.rowId, target.baselineId, 'rps');
    const cpu = target.cpuBound ? ratio(rows, target.rowId, target.baselineId, 'cpuUsPerRequest') : undefined;
    return {
      target,
      ...(range === undefined ? {} : { ratio: range.median, ratioRange: range }),
      ...(cpu === undefined || cpu === 0 ? {} : { cpuRatio: 1 / cpu }),
      verdict: range === undefined ? 'not measured' : range.median >= target.atLeast ? 'MET' : 'NOT MET',
    };
  });
}

export function formatVerdict(v: TargetVerdict): string {
  const range = v.ratioRange !== undefined && v.ratioRange.min !== v.ratioRange.max ? ` [${v.ratioRange.min.toFixed(2)}–${v.ratioRange.max.toFixed(2)}]` : '';
  const measured = v.ratio === undefined ? 'not measured' : `${v.ratio.toFixed(2)}×${range} — ${v.verdict}`;
  const cpu = v.cpuRatio === undefined ? '' : ` (by CPU time per request: ${v.cpuRatio.toFixed(2)}×)`;
  return `${v.target.label}: ${measured}${cpu}`;
}

// --- the table -----------------------------------------------------------------------------

export const COLUMNS = ['scenario', 'req/s median [min–max]', '× base', 'p50 ms', 'p99 ms', 'errors', 'RSS MiB', 'CPU µs/req', 'notes'];

function compact(value: number): string {
  if (value >= 100_000) return `${Math.round(value / 1000)}k`;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)}k`;
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

function withRatio(text: string, r: number | undefined): string {
  return r === undefined ? text : `${text} (${r.toFixed(2)}×)`;
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '—' : value.toFixed(digits);
}

/** One line of cells per row, in COLUMNS order. */
export function tableCells(rows: readonly Row[]): string[][] {
  return rows.map((row) => {
    const label = `${row.scenario} ${row.label}`;
    if (row.skipped) return [label, 'skipped', '', '', '', '', '', '', row.skipped];
    const s = summarise(row);
    const base = row.baselineId;
    const r = (metric: Metric) => (base === undefined ? undefined : ratio(rows, row.id, base, metric));
    const rps = s.rps ? `${compact(s.rps.median)} [${compact(s.rps.min)}–${compact(s.rps.max)}]` : '—';
    const errorRate = s.requests > 0 && s.errors > 0 ? ` (${((100 * s.errors) / s.requests).toPrecision(2)}%)` : '';
    return [
      label,
      rps,
      r('rps') === undefined ? '' : `${r('rps')!.toFixed(2)}×`,
      withRatio(fixed(s.p50Ms?.median, 2), r('p50Ms')),
      withRatio(fixed(s.p99Ms?.median, 2), r('p99Ms')),
      `${s.errors}${errorRate}`,
      withRatio(fixed(s.rssBytes === undefined ? undefined : s.rssBytes.median / 2 ** 20, 0), r('rssBytes')),
      withRatio(fixed(s.cpuUsPerRequest?.median, 0), r('cpuUsPerRequest')),
      (row.notes ?? []).join('; '),
    ];
  });
}

/** A Markdown table, its columns padded so that it also reads well in a terminal. */
export function renderTable(rows: readonly Row[]): string {
  const cells = [COLUMNS, ...tableCells(rows)].map((line) => line.map((cell) => cell.replaceAll('|', '/')));
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => [...line[i]!].length)));
  const render = (line: string[]) => `| ${line.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [render(cells[0]!), rule, ...cells.slice(1).map(render)].join('\n');
}
