// The browser wiki: server-rendered pages under / and /wiki/. Routes are added here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResourceTable } from '../http/resources.js';
import type { PageStore } from '../storage/store.js';

export interface WikiContext {
  readonly store: PageStore;
  readonly resources: ResourceTable;
  readonly author: (request: FastifyRequest) => string;
}

export async function registerWikiRoutes(_app: FastifyInstance, _context: WikiContext): Promise<void> {
  // The wiki routes arrive with the browser issue.
}
