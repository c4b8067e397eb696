// HTTP/1.1 over a bare socket, for what a client library hides: several requests in one write
// (pipelining), interim 1xx responses, and a body held back until the server asks for it.
import net from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Lower-case field names; a repeated field keeps its last line. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A connection that reads responses as they arrive; `send` writes more of the request stream. */
export interface RawConnection {
  send(data: string | Buffer): void;
  /** The next complete response (an interim 1xx included), or an error after `timeoutMs`. */
  next(timeoutMs?: number): Promise<RawResponse>;
  /** Resolves once the server has closed its end (an error after `timeoutMs`). */
  closed(timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function connectRaw(baseUrl: string): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffer = Buffer.alloc(0);
  let ended = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    wake();
  });
  socket.on('end', () => {
    ended = true;
    wake();
  });
  socket.on('error', () => {
    ended = true;
    wake();
  });

  function take(): RawResponse | undefined {
    const headEnd = buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const [statusLine, ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const bodyless = status < 200 || status === 204 || status === 304;
    const length = bodyless ? 0 : Number(headers['content-length'] ?? 0);
    if (buffer.length < headEnd + 4 + length) return undefined;
    const body = buffer.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
    buffer = buffer.subarray(headEnd + 4 + length);
    return { status, headers, body };
  }

  function waitFor<T>(ready: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms; unread: ${buffer.toString('latin1').slice(0, 200)}`)), timeoutMs);
      const check = () => {
        const value = ready();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
        } else waiters.push(check);
      };
      check();
    });
  }

  return {
    send: (data) => socket.write(data),
    next: (timeoutMs = 10_000) => waitFor(take, timeoutMs, 'response'),
    closed: (timeoutMs = 10_000) => waitFor(() => (ended ? (true as const) : undefined), timeoutMs, 'close').then(() => undefined),
    close: () => socket.destroy(),
  };
}

/** One request as it goes on the wire; `headers` may repeat a name (one field line each). */
export function rawRequest(method: string, path: string, headers: readonly (readonly [string, string])[], body?: string): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers.map(([name, value]) => `${name}: ${value}`)];
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}
