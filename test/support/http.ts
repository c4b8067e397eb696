// A bare HTTP/1.1 client: exact control of header lines (several lines of one field,
// no implicit Accept-Encoding, no decompression), as the RFC suites need.
import http from 'node:http';

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  text(): string;
  json<T = Record<string, unknown>>(): T;
}

export interface HttpRequestOptions {
  readonly method?: string;
  /** A string[] value is sent as several header lines. */
  readonly headers?: Record<string, string | string[] | number>;
  readonly body?: string | Buffer;
  /** Give up on an answer after this long (default 60 s). */
  readonly timeoutMs?: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function request(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body,
          text: () => body.toString('utf8'),
          json: <T>() => JSON.parse(body.toString('utf8')) as T,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    // A server that never answers fails the test instead of hanging the suite.
    req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 60_000} ms`)));
    req.end(options.body);
  });
}

/** PUT a Markdown page with the given precondition headers. */
export function putPage(base: string, name: string, content: string, headers: Record<string, string | string[]> = {}): Promise<HttpResponse> {
  return request(`${base}/api/pages/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'text/markdown; charset=utf-8', ...headers },
    body: content,
  });
}

export function getPage(base: string, name: string, headers: Record<string, string | string[]> = {}): Promise<HttpResponse> {
  return request(`${base}/api/pages/${encodeURIComponent(name)}`, { headers });
}

/** Creates a page (If-None-Match: *) and returns its ETag. */
export async function createPage(base: string, name: string, content: string): Promise<string> {
  const res = await putPage(base, name, content, { 'if-none-match': '*' });
  if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${res.text()}`);
  return res.headers.etag!;
}
