// --metrics-port: Prometheus scrapes GET /metrics on a port of its own, so the metrics need no
// token, never meet the wiki's auth, rate limits or caches, and stay off the public port.
import { createServer, type Server } from 'node:http';

export interface Exposition {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** The URL a scraper uses, for the start line (port 0 picks a free one). */
export function metricsUrl(server: Server): string {
  const { address, port } = server.address() as { address: string; port: number };
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}/metrics`;
}

/** Listens on host:port; resolves once listening (rejects on EADDRINUSE and the like). */
export function serveMetrics(exposition: Exposition, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics are at GET /metrics.\n');
      return;
    }
    exposition.metrics().then(
      (text) => response.writeHead(200, { 'content-type': exposition.contentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`Metrics failed: ${String(error)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
