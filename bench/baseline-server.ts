// The baseline: the least a Fastify app can do on the same routes, so that midair's numbers
// can be read as a fraction of what Fastify itself reaches on this machine, in the same run.
//   GET /api/pages/:name with a matching If-None-Match  -> 304 with a constant ETag
//   GET /api/pages/:name otherwise                       -> 200 with a constant 4 KiB body
//   GET /wiki/:name, likewise                              -> 304, or a constant HTML page of the size
//                                                             given as the second argument (default 4 KiB)
// Both answers carry the header fields midair's carry (bench/header-parity.ts checks it before
// each scenario measures), so the comparison measures the work behind the answer rather than
// the bytes of headers. The If-None-Match comparison is deliberately naive (string equality):
// a ceiling, not a model.
import Fastify from 'fastify';
import { DOCUMENT_HEADERS, NON_DOCUMENT_HEADERS } from '../src/http/security-headers.js';

const ETAG = '"baseline-constant-etag-0"';
const LAST_MODIFIED = new Date(Date.UTC(2026, 0, 1)).toUTCString();
const BODY = Buffer.alloc(4096, 'midair baseline page body\n');

const HTML_BYTES = Number(process.argv[3] ?? '4096');
const HTML = Buffer.alloc(HTML_BYTES, '<p>midair baseline wiki page</p>\n');

const app = Fastify({ logger: false });

app.get('/api/pages/:name', (request, reply) => {
  // As midair: a 304 carries ETag, Cache-Control and Vary (RFC 9110 §15.4.5), every answer the security headers.
  reply.headers(NON_DOCUMENT_HEADERS).header('etag', ETAG).header('cache-control', 'no-cache').header('vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === ETAG) return reply.code(304).send();
  return reply
    .header('last-modified', LAST_MODIFIED)
    .header('content-type', 'text/markdown; charset=utf-8')
    .header('accept-ranges', 'bytes')
    .send(BODY);
});

app.get('/wiki/:name', (request, reply) => {
  // As midair's wiki views: helmet's document headers on the 304 and on the 200.
  reply.headers(DOCUMENT_HEADERS).header('etag', ETAG).header('cache-control', 'no-cache').header('vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === ETAG) return reply.code(304).send();
  return reply.header('content-type', 'text/html; charset=utf-8').header('accept-ranges', 'bytes').send(HTML);
});

const port = Number(process.argv[2] ?? '0');
const address = await app.listen({ port, host: '127.0.0.1' });
// The harness reads this line to learn the port.
console.log(`baseline listening on ${address} etag ${ETAG}`);

const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
