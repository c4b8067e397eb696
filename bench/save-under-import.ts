// One person's save while a bulk importer (16 clients creating 64 KiB pages as fast as they
// can) runs, against a quiet server: the save's latency, p50/p95/max. The importer connects from
// another loopback address (127.0.0.2), so the server sees two writers, as it would see a script
// and a person; --importer-address 127.0.0.1 makes them one writer. Not part of `npm run bench`;
// run: npx tsx bench/save-under-import.ts [--main dist/main.js] [--database-url postgres://…?options=-c%20search_path=…]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { cleanUp, installExitHandlers } from './processes.js';
import { REPOSITORY_MAIN, startMidair } from './servers.js';

const { values } = parseArgs({
  options: {
    main: { type: 'string', default: REPOSITORY_MAIN },
    'database-url': { type: 'string', default: '' },
    importers: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '8' },
    'importer-address': { type: 'string', default: '127.0.0.2' },
  },
});
const IMPORTERS = Number(values.importers);
const SECONDS = Number(values.seconds);
const PAGE = 'x'.repeat(64 * 1024 - 20);

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const importerAgent = new http.Agent({ keepAlive: true, maxSockets: 64, localAddress: values['importer-address'] });
function put(base: string, name: string, body: string, headers: Record<string, string>, via = agent): Promise<{ status: number; etag: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/pages/${encodeURIComponent(name)}`, { method: 'PUT', agent: via, headers: { 'content-type': 'text/markdown', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, etag: String(res.headers.etag) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Saves one page every 50 ms for `ms`, each with If-Match; the latency of each save. */
async function saves(base: string, name: string, ms: number): Promise<number[]> {
  let etag = (await put(base, name, 'first', { 'if-none-match': '*' })).etag;
  const latencies: number[] = [];
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end; i++) {
    const t = performance.now();
    const res = await put(base, name, `save ${i}`, { 'if-match': etag });
    latencies.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`save answered ${res.status}`);
    etag = res.etag;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return latencies;
}

function summary(label: string, latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `${label}: n=${sorted.length} p50=${at(0.5)} ms p95=${at(0.95)} ms max=${sorted.at(-1)!.toFixed(1)} ms`;
}

installExitHandlers();
const databaseUrl = values['database-url'];
const server = await startMidair('midair', { main: values.main, ...(databaseUrl === '' ? {} : { databaseUrl }) });
try {
  const quiet = await saves(server.url, 'Quiet', 3000);
  let imported = 0;
  let importing = true;
  const importers = Array.from({ length: IMPORTERS }, async (_, client) => {
    for (let i = 0; importing && i < 100_000; i++) {
      const res = await put(server.url, `Import ${client} ${i}`, PAGE, { 'if-none-match': '*' }, importerAgent);
      if (res.status !== 201) throw new Error(`import answered ${res.status}`);
      imported++;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const busy = await saves(server.url, 'Busy', SECONDS * 1000);
  importing = false;
  await Promise.all(importers);
  console.log(`${values.main} ${values['database-url'] === '' ? 'SQLite' : 'PostgreSQL'}`);
  console.log(summary('  save, quiet        ', quiet));
  console.log(summary(`  save, ${IMPORTERS} importing`, busy));
  console.log(`  imported ${imported} pages of 64 KiB (${(imported / (SECONDS + 0.5)).toFixed(0)}/s)`);
} finally {
  agent.destroy();
  importerAgent.destroy();
  await server.stop();
  await cleanUp();
}
