// Files over HTTP for the suites: upload, read, hashes, and a server per store.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { type HttpResponse, request } from './http.js';
import { serverSchema } from './cluster.js';
import { TestSchemas, testDatabaseUrl } from './postgres.js';
import { type RunningServer, startServer } from './server.js';

export function fileUrl(base: string, name: string): string {
  return `${base}/api/files/${encodeURIComponent(name)}`;
}

export function putFile(base: string, name: string, body: Buffer | string, headers: Record<string, string | number> = {}): Promise<HttpResponse> {
  return request(fileUrl(base, name), { method: 'PUT', headers: { 'content-type': 'application/octet-stream', ...headers }, body });
}

export async function createFile(base: string, name: string, body: Buffer | string, type = 'application/octet-stream'): Promise<string> {
  const res = await putFile(base, name, body, { 'content-type': type, 'if-none-match': '*' });
  if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${res.text()}`);
  return String(res.headers.etag);
}

/** The ETag midair gives bytes: their SHA-256, base64url, quoted. */
export function etagOf(bytes: Buffer | string): string {
  return `"${createHash('sha256').update(bytes).digest('base64url')}"`;
}

/** A PUT whose body is sent chunked (no Content-Length), `pieces` writes of `piece`. */
export function putChunked(url: string, headers: Record<string, string>, piece: Buffer, pieces: number): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    // The server may answer and close before every piece is sent: that is the point.
    req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    let sent = 0;
    const next = () => {
      while (sent < pieces) {
        sent++;
        if (!req.write(piece)) return void req.once('drain', next);
      }
      req.end();
    };
    next();
  });
}

/** The server process's resident set in bytes (Linux /proc). */
export async function residentBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

export interface StoreKind {
  readonly name: 'SQLite' | 'PostgreSQL';
  /** Environment that points a server at this store (a fresh schema for PostgreSQL). */
  env(): Promise<Record<string, string>>;
}

let schemas: TestSchemas | undefined;
export const STORES: readonly StoreKind[] = [
  { name: 'SQLite', env: async () => ({}) },
  {
    name: 'PostgreSQL',
    async env() {
      schemas ??= new TestSchemas(testDatabaseUrl());
      return { DATABASE_URL: await serverSchema(schemas) };
    },
  },
];

export async function closeSchemas(): Promise<void> {
  await schemas?.close();
  schemas = undefined;
}

export async function startFileServer(store: StoreKind, args: readonly string[] = [], dataDir?: string): Promise<RunningServer> {
  return startServer({ args, env: await store.env(), ...(dataDir === undefined ? {} : { dataDir }) });
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A PNG whose header declares `width` × `height` grey pixels, followed by `idat` (deflated
 * zeros: a decompression bomb when the header is large), never a whole image.
 */
export async function hostilePng(width: number, height: number, zeros = 1024 * 1024): Promise<Buffer> {
  const { deflateSync } = await import('node:zlib');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(Buffer.alloc(zeros), { level: 9 })), pngChunk('IEND', Buffer.alloc(0))]);
}
