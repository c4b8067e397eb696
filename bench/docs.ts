// docs/BENCHMARKS.md and docs/benchmarks.svg, written only by a full run of the command.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from './machine.js';
import type { BenchOptions } from './options.js';
import { formatVerdict, renderTable, type Row, summarise, type TargetVerdict } from './results.js';

export interface RunRecord {
  readonly command: string;
  readonly date: Date;
  readonly elapsedS: number;
  readonly machine: Machine;
  readonly tools: readonly string[];
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly options: BenchOptions;
  readonly rows: readonly Row[];
  readonly details: readonly string[];
  readonly verdicts: readonly TargetVerdict[];
}

const DOCS = join(import.meta.dirname, '..', 'docs');

export function writeDocs(run: RunRecord): string[] {
  const markdown = join(DOCS, 'BENCHMARKS.md');
  const chart = join(DOCS, 'benchmarks.svg');
  writeFileSync(markdown, renderMarkdown(run));
  writeFileSync(chart, renderChart(run));
  return [markdown, chart];
}

export function renderMarkdown(run: RunRecord): string {
  const { machine, options } = run;
  return `# Benchmarks

Written by \`npm run bench\` ([bench/](../bench/README.md)) — never by hand. To refresh it, run the command again.

- **Command:** \`${run.command}\`
- **Date:** ${run.date.toISOString()} (the run took ${Math.round(run.elapsedS)} s)
- **Machine:** ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}, ${machine.memory} memory, ${machine.kernel}
- **Software:** Node.js ${machine.node}, ${run.tools.join(', ')}
- **Pinning:** ${machine.pinning}
- **Load average** (1, 5, 15 min) before the run: ${run.loadBefore}; after: ${run.loadAfter}. Other work on the
  machine moves requests/s far more than it moves CPU time per request.

Each target ran ${options.rounds} round${options.rounds === 1 ? '' : 's'} of ${options.durationS} s (after ${options.warmupS} s of warm-up), interleaved
with its baseline; for get304 and get200 every round started midair and the baseline as fresh processes
(see bench/fresh-rounds.ts); figures are the median of the rounds, requests/s also with [min–max]. A ratio is taken
round by round (each round of a row against the round of its baseline that ran just before it) and the
median of those is shown, with their [min–max] under Targets (for latency, RSS and CPU, lower is better).

![midair against its baselines](benchmarks.svg)

## Results

${renderTable(run.rows)}

## Targets

${run.verdicts.map((v) => `- ${formatVerdict(v)}`).join('\n')}

The targets are design goals measured here, never asserted by a test.

## Notes

${run.details.map((line) => `- ${line}`).join('\n')}

## Columns

- **req/s**: answers as expected per second (304 for get304 and the soak, 200 for get200, successful writes for
  put and contention), as counted by wrk's Lua scripts, by pgbench, or by the Node clients.
- **p50/p99 ms**: latency seen by the load generator (wrk, pgbench, or the contention client for a whole append).
- **errors**: answers with an unexpected status, socket errors and timeouts, summed over the rounds.
- **RSS MiB**: the server's VmRSS from /proc after each round (for the ceilings, the store process's).
- **CPU µs/req**: the server's user + system CPU time (utime + stime of /proc/PID/stat) during the round, divided
  by the requests answered.
`;
}

// --- the chart -----------------------------------------------------------------------------

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function rate(rows: readonly Row[], id: string): number | undefined {
  const row = rows.find((r) => r.id === id);
  return row && !row.skipped ? summarise(row).rps?.median : undefined;
}

function compact(value: number | undefined): string {
  if (value === undefined) return '—';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : Math.round(value).toLocaleString('en-US');
}

/** One bar per target: midair's requests/s as a multiple of its baseline, with the goal marked. */
export function renderChart(run: RunRecord): string {
  const bars = run.verdicts.filter((v) => v.ratio !== undefined);
  const width = 960;
  const left = 380;
  const right = 40;
  const top = 56;
  const rowHeight = 36;
  const height = top + bars.length * rowHeight + 48;
  const scaleMax = Math.max(2, ...bars.map((v) => Math.ceil(Math.max(v.ratio ?? 0, v.cpuRatio ?? 0) * 2) / 2), ...bars.map((v) => v.target.atLeast + 0.5));
  const x = (value: number) => left + ((width - left - right) * value) / scaleMax;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="16" font-weight="600">midair requests/s as a multiple of its baseline (same run)</text>`,
    `<text x="16" y="44" fill="#555">${escapeXml(`${run.date.toISOString().slice(0, 10)} · ${run.machine.cpus} CPUs, ${run.machine.cpuModel} · ${run.options.rounds} rounds × ${run.options.durationS} s, medians · black tick = goal`)}</text>`,
  );
  for (let tick = 0; tick <= scaleMax; tick += 0.5) {
    const tx = x(tick);
    parts.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${top + bars.length * rowHeight}" stroke="${tick === 1 ? '#888' : '#e4e4e4'}" stroke-width="1"/>`,
      `<text x="${tx}" y="${top + bars.length * rowHeight + 18}" text-anchor="middle" fill="#555">${tick.toFixed(1)}×</text>`,
    );
  }
  bars.forEach((v, i) => {
    const y = top + i * rowHeight;
    const value = v.ratio!;
    const colour = v.verdict === 'MET' ? '#2e7d32' : '#c62828';
    const label = v.target.label.replace(/ ≥ .*/, '');
    const against = v.target.label.replace(/^.* × /, '');
    const byCpu = v.cpuRatio === undefined ? '' : ` · by CPU ${v.cpuRatio.toFixed(2)}×`;
    const detail = `${value.toFixed(2)}× · ${compact(rate(run.rows, v.target.rowId))} vs ${compact(rate(run.rows, v.target.baselineId))} req/s${byCpu}`;
    parts.push(
      `<text x="${left - 10}" y="${y + 15}" text-anchor="end">${escapeXml(label)}</text>`,
      `<text x="${left - 10}" y="${y + 29}" text-anchor="end" fill="#777" font-size="11">${escapeXml(`vs ${against}`)}</text>`,
      `<rect x="${left}" y="${y + 6}" width="${Math.max(1, x(Math.min(value, scaleMax)) - left)}" height="${rowHeight - 14}" fill="${colour}" opacity="0.85"/>`,
      `<line x1="${x(v.target.atLeast)}" y1="${y + 2}" x2="${x(v.target.atLeast)}" y2="${y + rowHeight - 4}" stroke="#000" stroke-width="2"/>`,
    );
    if (v.cpuRatio !== undefined) {
      // The same ratio estimated from CPU time per request, which a busy machine disturbs far less.
      parts.push(`<rect x="${left}" y="${y + rowHeight - 9}" width="${Math.max(1, x(Math.min(v.cpuRatio, scaleMax)) - left)}" height="4" fill="#333"/>`);
    }
    const end = x(Math.min(value, scaleMax));
    // Beside the bar, or inside it when the bar reaches too far right for the text to fit.
    parts.push(
      end + 6 + detail.length * 7 <= width
        ? `<text x="${end + 6}" y="${y + 21}" fill="#222" stroke="#fff" stroke-width="4" paint-order="stroke">${escapeXml(detail)}</text>`
        : `<text x="${left + 6}" y="${y + 21}" fill="#fff">${escapeXml(detail)}</text>`,
    );
  });
  parts.push(`<text x="${width - right}" y="${height - 8}" text-anchor="end" fill="#777" font-size="11">green: goal met · red: not met · thin dark bar: the ratio by CPU time per request · written by npm run bench</text>`, '</svg>');
  return `${parts.join('\n')}\n`;
}
