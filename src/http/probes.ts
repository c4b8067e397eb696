// GET /healthz (the process serves) and GET /readyz (the store answers): probes for load
// balancers and orchestrators. Public in every access mode, not rate-limited, never cached, and
// cheap: /readyz asks the store one trivial question and gives it a short time to answer.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PageStore } from '../storage/store.js';
import { HttpProblem } from './errors.js';
import { sendProblem, STORE_RETRY_AFTER_SECONDS } from './problem-response.js';

/** A store that has not answered within this long is not ready, whatever it answers later. */
export const READY_TIMEOUT_MS = 2000;

function sendStatus(reply: FastifyReply, status: 'alive' | 'ready'): FastifyReply {
  return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(`{"status":"${status}"}`);
}

/** Resolves when the store answered a one-row query in time; rejects with why not. */
async function storeAnswers(store: PageStore, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the store did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([store.recentChanges(1), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerProbes(app: FastifyInstance, store: PageStore, timeoutMs = READY_TIMEOUT_MS): void {
  // Not in the OpenAPI document: probes are for operators' tools, not API clients (docs/API.md).
  const options = { method: ['GET', 'HEAD'], schema: { hide: true } };
  app.route({ ...options, url: '/healthz', handler: async (_request, reply) => sendStatus(reply, 'alive') });
  app.route({
    ...options,
    url: '/readyz',
    handler: async (request, reply) => {
      try {
        await storeAnswers(store, timeoutMs);
      } catch (error) {
        const problem = new HttpProblem('store-unavailable', `Not ready: ${(error as Error).message}.`, {}, { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) });
        return sendProblem(reply, problem, request.url);
      }
      return sendStatus(reply, 'ready');
    },
  });
}
