// Expect: 100-continue (RFC 9110 §10.1.1). Node answers "100 Continue" as soon as the headers
// arrive, so a client uploads its body even when the headers alone decide the answer (401,
// 403, 413 by Content-Length, 415, 428). Here "100 Continue" is sent only when a handler starts
// reading the body; an answer given before that goes out without it.
import type { RequestListener } from './pipelining.js';

/** The server's 'checkContinue' listener: `listener` runs as for any request, and the 100 waits for the body to be wanted. */
export function continueWhenBodyIsRead(listener: RequestListener): RequestListener {
  return function checkContinue(request, response) {
    // §10.1.1: a server that answers without reading the body must close the connection (or
    // read and discard it): the client may still send it, or may hold it back for good.
    const keepAlive = response.shouldKeepAlive;
    response.shouldKeepAlive = false;
    // Readable emits 'resume' when something starts consuming the body (on('data'), pipe, resume).
    request.once('resume', () => {
      if (response.headersSent) return;
      response.shouldKeepAlive = keepAlive;
      response.writeContinue();
    });
    listener(request, response);
  };
}
