// Scenario files: uploads and revalidation of files (issue 17).
// - Upload throughput: a 100 MiB PUT (If-None-Match: *) over HTTP into midair, against writing
//   the same bytes to a file in-process (1 MiB writes, then fsync, as midair's commit is on
//   disk before it answers). Goal ≥ 0.8×. The req/s column counts uploads per second.
// - A 100 MiB download's growth of the server's RSS (sampled from /proc while it streams).
// - 304 for a file against 304 for a page: wrk, rotating over 1 KiB files and 1 KiB pages with
//   their current ETags, on one server. Goal ≥ 0.95×.
import { open, rm } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { type BenchContext, roundLabel, warmUp, wrkRound } from '../context.js';
import { createPages, names } from '../pages.js';
import { residentBytes } from '../processes.js';
import { type Measurement, median, type Row, type ScenarioResult } from '../results.js';
import { startMidair } from '../servers.js';
import { composeScript, writeTargets } from '../wrk.js';

const MiB = 1024 * 1024;

function filePath(name: string): string {
  return `/api/files/${encodeURIComponent(name)}`;
}

function send(url: string, method: string, headers: Record<string, string | number>, body?: Buffer): Promise<{ status: number; etag: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode!, etag: String(res.headers.etag), bytes }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function upload(base: string, name: string, body: Buffer): Promise<string> {
  const res = await send(`${base}${filePath(name)}`, 'PUT', { 'content-type': 'application/octet-stream', 'if-none-match': '*', 'content-length': body.length }, body);
  if (res.status !== 201) throw new Error(`files: PUT ${name}: ${res.status}`);
  return res.etag;
}

/** The baseline: the same bytes written to a file by this process, on disk before it returns. */
async function writeInProcess(file: string, body: Buffer): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (let offset = 0; offset < body.length; offset += MiB) await handle.write(body, offset, Math.min(MiB, body.length - offset));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function timedRound(seconds: number): Measurement {
  return { rps: 1 / seconds, requests: 1, errors: 0, p50Ms: seconds * 1000, p99Ms: seconds * 1000 };
}

async function peakGrowth(pid: number, work: () => Promise<unknown>): Promise<number> {
  const before = residentBytes(pid) ?? 0;
  let peak = before;
  let done = false;
  const sampling = (async () => {
    while (!done) {
      peak = Math.max(peak, residentBytes(pid) ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await work();
  done = true;
  await sampling;
  return peak - before;
}

export async function runFiles(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const size = (options.smoke ? 8 : 100) * MiB;
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) body.writeUInt32LE((i * 2654435761) >>> 0, i);
  const midair = await startMidair('files', { main: ctx.midairMain });
  const details: string[] = [];
  try {
    const uploads: Measurement[] = [];
    const baseline: Measurement[] = [];
    const copy = join(midair.dataDir, 'baseline.bin');
    for (let round = 1; round <= options.rounds; round++) {
      // A new name and new bytes each round: content addressing must not make it a no-op.
      body.writeUInt32LE(round, 0);
      let started = performance.now();
      await writeInProcess(copy, body);
      baseline.push(timedRound((performance.now() - started) / 1000));
      started = performance.now();
      await upload(midair.url, `upload-${round}`, body);
      uploads.push(timedRound((performance.now() - started) / 1000));
      await rm(copy, { force: true });
      ctx.log(`files: ${roundLabel(ctx, round)} upload ${((uploads.at(-1)!.rps * size) / MiB).toFixed(0)} MiB/s, in-process write ${((baseline.at(-1)!.rps * size) / MiB).toFixed(0)} MiB/s`);
    }
    const growth = await peakGrowth(midair.pid, async () => {
      const got = await send(`${midair.url}${filePath('upload-1')}`, 'GET', {});
      if (got.status !== 200 || got.bytes !== size) throw new Error(`files: GET upload-1: ${got.status}, ${got.bytes} bytes`);
    });
    details.push(`files: a ${size / MiB} MiB download grew the server's RSS by ${(growth / MiB).toFixed(1)} MiB (peak of /proc samples every 10 ms).`);

    // 304s: 1 KiB files and 1 KiB pages on the same server, each with its current ETag.
    const count = options.pages;
    const pages = await createPages(midair.url, names('fp', count), 1024);
    const files: { path: string; etag: string }[] = [];
    for (const name of names('ff', count)) files.push({ path: filePath(name), etag: await upload(midair.url, name, Buffer.from(`${name} `.repeat(200).slice(0, 1024))) });
    const script = composeScript(ctx.workDir, 'files304', ['rotating-get.lua']);
    const common = { wrk: ctx.wrk, script, threads: 1, connections: options.connections, url: midair.url };
    const pageTargets = writeTargets(join(ctx.workDir, 'files304-pages.targets.lua'), pages);
    const fileTargets = writeTargets(join(ctx.workDir, 'files304-files.targets.lua'), files);
    await warmUp(ctx, { ...common, args: [fileTargets, '-'] });
    await warmUp(ctx, { ...common, args: [pageTargets, '-'] });
    const page304: Measurement[] = [];
    const file304: Measurement[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      page304.push((await wrkRound(midair, { ...common, args: [pageTargets, '-'], durationS: options.durationS }, [304])).measurement);
      file304.push((await wrkRound(midair, { ...common, args: [fileTargets, '-'], durationS: options.durationS }, [304])).measurement);
    }
    const uploadRatio = median(uploads.map((u, i) => u.rps / baseline[i]!.rps));
    const revalidationRatio = median(file304.map((f, i) => f.rps / page304[i]!.rps));
    details.push(`files: upload ${uploadRatio.toFixed(2)}× the in-process write (goal ≥ 0.8), file 304 ${revalidationRatio.toFixed(2)}× the page 304 (goal ≥ 0.95).`);
    const rows: Row[] = [
      { id: 'files-write', scenario: 'files', label: `baseline: ${size / MiB} MiB written to a file in-process and fsynced (req/s = writes/s)`, rounds: baseline },
      { id: 'files-upload', scenario: 'files', label: `${size / MiB} MiB PUT /api/files (req/s = uploads/s)`, baselineId: 'files-write', rounds: uploads, notes: [`RSS growth of a ${size / MiB} MiB download: ${(growth / MiB).toFixed(1)} MiB`] },
      { id: 'files-304-page', scenario: 'files', label: 'baseline: 304 for 1 KiB pages', rounds: page304 },
      { id: 'files-304-file', scenario: 'files', label: '304 for 1 KiB files', baselineId: 'files-304-page', rounds: file304 },
    ];
    return { rows, details };
  } finally {
    await midair.stop();
  }
}
