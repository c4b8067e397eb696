import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeTargets, type Measurement, ratio, ratioSpread, type Row } from './results.js';

const round = (rps: number, cpuSeconds = 1, requests = rps): Measurement => ({ rps, requests, errors: 0, cpuSeconds });

function rows(base: number[], midair: number[]): Row[] {
  return [
    { id: 'get304-base', scenario: 'get304', label: 'baseline', rounds: base.map((rps) => round(rps)) },
    { id: 'get304-1k', scenario: 'get304', label: '1 KiB', baselineId: 'get304-base', rounds: midair.map((rps) => round(rps)) },
  ];
}

test('interleaved rounds are compared round by round, so a slow spell that hits both cancels out', () => {
  // The machine was twice as fast in round 2: both servers saw it. Each round's ratio is 0.9.
  const measured = rows([100, 200, 100], [90, 180, 90]);
  assert.equal(ratio(measured, 'get304-1k', 'get304-base', 'rps')!.toFixed(3), '0.900');
  const spread = ratioSpread(measured, 'get304-1k', 'get304-base', 'rps')!;
  assert.equal(spread.min.toFixed(3), '0.900');
  assert.equal(spread.max.toFixed(3), '0.900');
});

test("the median of the rounds' ratios is not the ratio of the medians", () => {
  // Medians 150 and 140 would say 0.93; round by round midair was 0.5, 1.4 and 1.0 of the baseline.
  const measured = rows([200, 100, 150], [100, 140, 150]);
  const spread = ratioSpread(measured, 'get304-1k', 'get304-base', 'rps')!;
  assert.equal(spread.median.toFixed(3), '1.000');
  assert.equal(spread.min.toFixed(3), '0.500');
  assert.equal(spread.max.toFixed(3), '1.400');
});

test('rows with different numbers of rounds fall back to the ratio of their medians', () => {
  const measured = rows([100, 120, 110], [99]);
  assert.equal(ratio(measured, 'get304-1k', 'get304-base', 'rps')!.toFixed(3), '0.900');
});

test('a skipped baseline gives no ratio, and its target is not measured', () => {
  const measured: Row[] = [{ id: 'get304-base', scenario: 'get304', label: 'baseline', rounds: [], skipped: 'no wrk' }, rows([1], [1])[1]!];
  assert.equal(ratio(measured, 'get304-1k', 'get304-base', 'rps'), undefined);
  const verdict = judgeTargets(measured).find((v) => v.target.rowId === 'get304-1k')!;
  assert.equal(verdict.verdict, 'not measured');
});

test('targets are judged on the paired ratio, with the CPU-time ratio beside it', () => {
  const measured = rows([100, 100, 100], [85, 95, 92]);
  const verdict = judgeTargets(measured).find((v) => v.target.rowId === 'get304-1k')!;
  assert.equal(verdict.ratio!.toFixed(2), '0.92');
  assert.equal(verdict.verdict, 'MET');
  assert.deepEqual([verdict.ratioRange!.min.toFixed(2), verdict.ratioRange!.max.toFixed(2)], ['0.85', '0.95']);
  // CPU seconds were 1 per round on both sides; requests differ, so midair's CPU per request is higher.
  assert.ok(verdict.cpuRatio! < 1);
});
