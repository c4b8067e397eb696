// RFC 9112 §9.3.2: "A server MAY process a sequence of pipelined requests in parallel if they
// all have safe methods". Node hands every pipelined request to the server as soon as it is
// parsed, while the responses before it are still pending, so a GET pipelined after a PUT
// could be answered from before the write (a 304 for the old tag, or the old body).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Unsafe requests of a connection that have arrived and whose responses have not closed yet. */
const unsafeInFlight = Symbol('midair.unsafeInFlight');
type OrderedSocket = Socket & { [unsafeInFlight]?: number };

function isSafe(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}

/**
 * Wraps a request listener so that, on one connection, an unsafe request waits for every
 * response before it, and every request waits for an unsafe one before it. Node assigns the
 * socket to a pipelined response only once the response ahead of it has finished (its
 * 'socket' event), so "nothing is pending ahead" is `response.socket` being set. A request
 * that is not pipelined, the ordinary case, costs one property read and allocates nothing.
 */
export function inConnectionOrder(listener: RequestListener): RequestListener {
  return function orderedRequest(request, response) {
    const socket = request.socket as OrderedSocket;
    const safe = isSafe(request.method);
    if (safe && !socket[unsafeInFlight]) {
      listener(request, response);
      return;
    }
    if (!safe) {
      socket[unsafeInFlight] = (socket[unsafeInFlight] ?? 0) + 1;
      response.once('close', () => {
        socket[unsafeInFlight]! -= 1;
      });
    }
    if (response.socket) listener(request, response);
    else response.once('socket', () => listener(request, response));
  };
}
