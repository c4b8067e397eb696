// GET /healthz (the process serves) and GET /readyz (the store answers): probes for load
// balancers and orchestrators. Public in every access mode, not rate-limited, never cached, and
// cheap: /readyz asks the store one trivial question and gives it a short time to answer.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PageStore } from '../storage/store.js';
import { HttpProblem } from './errors.js';
import { sendProblem } from './problem-response.js';
import { problemResponses } from './schemas.js';

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
  const ok = (description: string) => ({ description, type: 'object', properties: { status: { type: 'string' } }, required: ['status'] });
  const schema = { tags: ['operations'], security: [] };
  app.get('/healthz', { schema: { ...schema, operationId: 'healthz', summary: 'Alive: 200 while the process serves requests', response: { 200: ok('Alive') } } }, async (_request, reply) => sendStatus(reply, 'alive'));
  app.get(
    '/readyz',
    { schema: { ...schema, operationId: 'readyz', summary: 'Ready: 200 when the page store answers a trivial query within 2 s, else 503', response: { 200: ok('Ready'), ...problemResponses(503) } } },
    async (request, reply) => {
      try {
        await storeAnswers(store, timeoutMs);
      } catch (error) {
        return sendProblem(reply, new HttpProblem('store-unavailable', `Not ready: ${(error as Error).message}.`), request.url);
      }
      return sendStatus(reply, 'ready');
    },
  );
}
