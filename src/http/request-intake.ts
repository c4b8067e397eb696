// What happens to a request between Node's parser and Fastify: repeated date fields kept,
// pipelined requests put in order, and "100 Continue" held back until the body is wanted.
import type { Server } from 'node:http';
import { continueWhenBodyIsRead } from './expect-continue.js';
import { inConnectionOrder, type RequestListener } from './pipelining.js';
import { keepRepeatedDateFields } from './repeated-fields.js';

/** Wraps the 'request' listener Fastify put on `server`, and answers 'checkContinue' through it. */
export function installRequestIntake(server: Server): void {
  const [fastifyListener, ...others] = server.listeners('request') as RequestListener[];
  if (fastifyListener === undefined || others.length > 0) throw new Error('expected exactly one request listener on the server');
  server.removeListener('request', fastifyListener);
  const ordered = inConnectionOrder((request, response) => {
    keepRepeatedDateFields(request);
    fastifyListener(request, response);
  });
  server.on('request', ordered);
  server.on('checkContinue', continueWhenBodyIsRead(ordered));
}
