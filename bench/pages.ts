// Pages for the load to rotate over: created over HTTP before the clock starts, their ETags
// kept for the If-None-Match and If-Match headers the wrk scripts send.
import http from 'node:http';

export interface SeededPage {
  readonly name: string;
  /** The URL path, e.g. /api/pages/p1k-0001. */
  readonly path: string;
  readonly etag: string;
}

interface Answer {
  readonly status: number;
  readonly etag?: string;
  /** The names of the header fields, lower-cased. */
  readonly fields: readonly string[];
  readonly body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method, headers, agent, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const etag = res.headers.etag;
        resolve({ status: res.statusCode ?? 0, ...(etag === undefined ? {} : { etag }), fields: Object.keys(res.headers), body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function pagePath(name: string): string {
  return `/api/pages/${encodeURIComponent(name)}`;
}

/** Markdown of exactly `bytes` bytes (ASCII), different for every name, compressible like prose. */
export function pageContent(name: string, bytes: number): string {
  const head = `# ${name}\n\n`;
  const line = 'The quick brown fox jumps over the lazy dog; a wiki page grows one edit at a time.\n';
  const body = line.repeat(Math.ceil(bytes / line.length) + 1);
  return (head + body).slice(0, bytes);
}

/** Runs `task` over `items` with at most `concurrency` at once. */
async function eachLimited<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Creates each page (If-None-Match: *) with `content` (by default pageContent) and returns its ETag. */
export async function createPages(base: string, names: readonly string[], bytes: number, concurrency = 8, content = (name: string) => pageContent(name, bytes)): Promise<SeededPage[]> {
  return eachLimited(names, concurrency, async (name) => {
    const path = pagePath(name);
    const answer = await send(base, 'PUT', path, { 'content-type': 'text/markdown; charset=utf-8', 'if-none-match': '*' }, content(name));
    if (answer.status !== 201 || answer.etag === undefined) throw new Error(`creating ${name}: ${answer.status} ${answer.body.slice(0, 300)}`);
    return { name, path, etag: answer.etag };
  });
}

/**
 * The current ETag of each page: of its identity representation, or, given an Accept-Encoding,
 * of the variant that request selects (what a browser is handed, and sends back to revalidate).
 */
export async function currentEtags(base: string, pages: readonly SeededPage[], acceptEncoding?: string): Promise<SeededPage[]> {
  const headers: Record<string, string> = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
  return eachLimited(pages, 16, async (page) => {
    const answer = await send(base, 'HEAD', page.path, headers);
    if (answer.status !== 200 || answer.etag === undefined) throw new Error(`reading ${page.name}: ${answer.status}`);
    return { ...page, etag: answer.etag };
  });
}

export function createPage(base: string, name: string, content: string): Promise<Answer> {
  return send(base, 'PUT', pagePath(name), { 'content-type': 'text/markdown; charset=utf-8', 'if-none-match': '*' }, content);
}

export function getPage(base: string, name: string, headers: Record<string, string> = {}): Promise<Answer> {
  return getPath(base, pagePath(name), headers);
}

export function getPath(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return send(base, 'GET', path, headers);
}

export function closeConnections(): void {
  agent.destroy();
}

export function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')}`);
}
