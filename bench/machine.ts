// The machine a run measured, as written next to its numbers.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { release, totalmem } from 'node:os';
import { cpuCount, pinningAvailable } from './processes.js';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memory: string;
  readonly node: string;
  readonly kernel: string;
  readonly pinning: string;
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function describeMachine(): Machine {
  const model = /^model name\s*:\s*(.+)$/m.exec(readOr('/proc/cpuinfo'))?.[1]?.trim() ?? 'unknown';
  const memKiB = Number(/^MemTotal:\s+(\d+) kB/m.exec(readOr('/proc/meminfo'))?.[1] ?? totalmem() / 1024);
  return {
    cpus: cpuCount(),
    cpuModel: model,
    memory: `${(memKiB / 2 ** 20).toFixed(1)} GiB`,
    node: process.version,
    kernel: `Linux ${release()}`,
    pinning: pinningAvailable() ? 'server on CPU 0, load generators on CPU 1 (taskset)' : 'none (taskset missing or one CPU)',
  };
}

/** The 1-, 5- and 15-minute load averages: how busy the machine was besides the benchmark. */
export function loadAverage(): string {
  return readOr('/proc/loadavg').split(' ').slice(0, 3).join(' ') || 'unknown';
}

export function toolVersion(command: string, args: readonly string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0];
  return result.status === 0 || text ? text : undefined;
}
