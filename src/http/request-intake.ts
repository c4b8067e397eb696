// What happens to a request between Node's parser and Fastify: a Host that is not ours refused,
// repeated date fields kept, pipelined requests put in order, and "100 Continue" held back
// until the body is wanted.
import type { Server } from 'node:http';
import { continueWhenBodyIsRead } from './expect-continue.js';
import { type HostPolicy, refuseMisdirected } from './host-check.js';
import { inConnectionOrder, type RequestListener } from './pipelining.js';
import { keepRepeatedDateFields } from './repeated-fields.js';

/**
 * Wraps the 'request' listener Fastify put on `server`, and answers 'checkContinue' through it.
 * With `hosts`, a request whose Host the policy refuses gets its 421 here (host-check.ts).
 */
export function installRequestIntake(server: Server, hosts?: HostPolicy): void {
  const [fastifyListener, ...others] = server.listeners('request') as RequestListener[];
  if (fastifyListener === undefined || others.length > 0) throw new Error('expected exactly one request listener on the server');
  server.removeListener('request', fastifyListener);
  const ordered = inConnectionOrder((request, response) => {
    keepRepeatedDateFields(request);
    fastifyListener(request, response);
  });
  const intake: RequestListener =
    hosts === undefined
      ? ordered
      : (request, response) => {
          // Before the ordering: a refusal changes nothing, so it need not wait for a write ahead of it.
          if (hosts.accepts(request.headers.host ?? '')) ordered(request, response);
          else refuseMisdirected(hosts, request, response);
        };
  server.on('request', intake);
  server.on('checkContinue', continueWhenBodyIsRead(intake));
}
