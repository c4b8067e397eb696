// The contention load: `writers` clients appending unique lines to one page by read-modify-write
// (GET, then PUT with If-Match), retrying on 412, until the time is up. Then it reads the page
// and checks that every acknowledged line is there exactly once.
//
//   node --import tsx bench/contention-client.ts --url URL --page NAME --writers 50 --duration S
// Prints one line: CONTENTION_RESULT {json}
import http from 'node:http';
import { parseArgs } from 'node:util';
import { percentile } from './results.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    page: { type: 'string' },
    writers: { type: 'string', default: '50' },
    duration: { type: 'string', default: '5' },
  },
  strict: true,
});
if (values.url === undefined || values.page === undefined) throw new Error('--url and --page are required');
const base = values.url;
const path = `/api/pages/${encodeURIComponent(values.page)}`;
const writers = Number(values.writers);
const durationMs = Number(values.duration) * 1000;
// An append started before the deadline may finish after it, but not long after.
const GRACE_MS = 10_000;
const MAX_ATTEMPTS_PER_APPEND = 10_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: writers });

interface Answer {
  status: number;
  etag: string | undefined;
  body: string;
}

function send(method: 'GET' | 'PUT', headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method, headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const acknowledged: string[] = [];
const appendLatencies: number[] = [];
const putLatencies: number[] = [];
let requests = 0;
let conflicts = 0;
let otherFailures = 0;
let abandoned = 0;

const started = performance.now();
const deadline = started + durationMs;

async function writer(id: number): Promise<void> {
  for (let n = 0; performance.now() < deadline; n++) {
    const line = `w${id}:${n}`;
    const t0 = performance.now();
    let done = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_APPEND && performance.now() < deadline + GRACE_MS; attempt++) {
      try {
        requests++;
        const page = await send('GET', {});
        if (page.status !== 200 || page.etag === undefined) {
          otherFailures++;
          continue;
        }
        requests++;
        const p0 = performance.now();
        const put = await send('PUT', { 'content-type': 'text/markdown; charset=utf-8', 'if-match': page.etag }, `${page.body}${line}\n`);
        putLatencies.push(performance.now() - p0);
        if (put.status === 200) {
          acknowledged.push(line);
          appendLatencies.push(performance.now() - t0);
          done = true;
          break;
        }
        if (put.status === 412) conflicts++;
        else otherFailures++;
      } catch {
        otherFailures++;
      }
    }
    if (!done) abandoned++;
  }
}

await Promise.all(Array.from({ length: writers }, (_, i) => writer(i + 1)));
const seconds = (performance.now() - started) / 1000;

const final = await send('GET', {});
const present = new Map<string, number>();
for (const line of final.body.split('\n')) if (/^w\d+:\d+$/.test(line)) present.set(line, (present.get(line) ?? 0) + 1);
const lost = acknowledged.filter((line) => !present.has(line)).length;
const duplicated = [...present.values()].filter((count) => count > 1).length;
agent.destroy();

appendLatencies.sort((a, b) => a - b);
putLatencies.sort((a, b) => a - b);
const puts = acknowledged.length + conflicts;
console.log(
  `CONTENTION_RESULT ${JSON.stringify({
    writes: acknowledged.length,
    seconds,
    requests,
    conflicts,
    conflictRate: puts === 0 ? 0 : conflicts / puts,
    otherFailures,
    abandoned,
    lost,
    duplicated,
    finalStatus: final.status,
    appendP50Ms: percentile(appendLatencies, 50),
    appendP99Ms: percentile(appendLatencies, 99),
    putP99Ms: percentile(putLatencies, 99),
  })}`,
);
