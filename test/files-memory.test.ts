// A 100 MiB upload and download never sit whole in the server's memory: its resident set,
// read from /proc while the bytes flow, grows by far less than the file (a memory bound,
// not a time).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { after, describe, it } from 'node:test';
import { postgresTestOptions } from './support/cluster.js';
import { closeSchemas, fileUrl, residentBytes, STORES, startFileServer } from './support/files.js';
import { removeDir } from './support/server.js';

const MiB = 1024 * 1024;
const FILE = 100 * MiB;
const MAX_GROWTH = 64 * MiB;

after(closeSchemas);

/** Samples the process's resident set until `work` settles; returns the work's value and the peak. */
async function peakResident<T>(pid: number, work: Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = await residentBytes(pid);
  let done = false;
  const sampling = (async () => {
    while (!done) {
      peak = Math.max(peak, await residentBytes(pid));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    return { value: await work, peak };
  } finally {
    done = true;
    await sampling;
  }
}

function piece(i: number): Buffer {
  return Buffer.alloc(MiB, i & 0xff);
}

function upload(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'if-none-match': '*', 'content-length': FILE } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    let i = 0;
    const next = () => {
      while (i < FILE / MiB) if (!req.write(piece(i++))) return void req.once('drain', next);
      req.end();
    };
    next();
  });
}

function download(url: string): Promise<{ status: number; sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode!, sha256: hash.digest('hex'), bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

for (const store of STORES) {
  describe(`memory of a 100 MiB file: ${store.name}`, store.name === 'PostgreSQL' ? postgresTestOptions() : {}, () => {
    it(`grows the server's resident set by less than ${MAX_GROWTH / MiB} MiB to upload and to download`, async () => {
      const server = await startFileServer(store);
      try {
        const pid = server.process.pid!;
        const url = fileUrl(server.url, 'large.bin');
        const before = await residentBytes(pid);
        const put = await peakResident(pid, upload(url));
        assert.equal(put.value, 201);
        const afterUpload = await residentBytes(pid);
        const get = await peakResident(pid, download(url));
        const expected = createHash('sha256');
        for (let i = 0; i < FILE / MiB; i++) expected.update(piece(i));
        assert.deepEqual([get.value.status, get.value.bytes, get.value.sha256], [200, FILE, expected.digest('hex')]);
        const growth = { upload: put.peak - before, download: get.peak - afterUpload };
        console.log(`server RSS growth (${store.name}): upload ${(growth.upload / MiB).toFixed(1)} MiB, download ${(growth.download / MiB).toFixed(1)} MiB`);
        assert.ok(growth.upload < MAX_GROWTH, `upload grew RSS by ${(growth.upload / MiB).toFixed(1)} MiB`);
        assert.ok(growth.download < MAX_GROWTH, `download grew RSS by ${(growth.download / MiB).toFixed(1)} MiB`);
      } finally {
        await server.stop();
        removeDir(server.dataDir);
      }
    });
  });
}
