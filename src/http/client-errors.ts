// Errors Node's HTTP parser raises before Fastify sees a request (a timeout, oversized or
// malformed headers): answered as problem+json too, on the raw socket, then the connection closes.
import type { Socket } from 'node:net';
import { HttpProblem, problemDocument } from './errors.js';

function problemFor(code: string | undefined): HttpProblem {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new HttpProblem('request-timeout', 'The request did not arrive completely in time; the connection is closed.');
  }
  if (code === 'HPE_HEADER_OVERFLOW') return new HttpProblem('headers-too-large', 'The request headers are too large.');
  return new HttpProblem('bad-request', 'The request is not valid HTTP/1.1.');
}

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const problem = problemFor(error.code);
    const body = JSON.stringify(problemDocument(problem));
    const reason = problem.status === 408 ? 'Request Timeout' : problem.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.write(
      `HTTP/1.1 ${problem.status} ${reason}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
