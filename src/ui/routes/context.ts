import type { FastifyRequest } from 'fastify';
import type { Writer } from '../../http/conditional-write.js';
import type { ResourceTable } from '../../http/resources.js';
import type { PageStore } from '../../storage/store.js';
import type { Pages } from '../../pages/index.js';
import type { CollisionScreen } from '../collision.js';
import type { PageNeighbours } from '../page-neighbours.js';
import type { RevisionRenderer } from '../page-render.js';
import type { WikiWork } from '../wiki-tasks.js';
import type { PageSearch } from '../search.js';

/** What the wiki's route modules share. */
export interface WikiRouteContext {
  readonly store: PageStore;
  readonly resources: ResourceTable;
  readonly writer: (request: FastifyRequest) => Writer;
  readonly renderer: RevisionRenderer;
  /** Breadcrumbs, subpages and backlinks of page views. */
  readonly neighbours: PageNeighbours;
  /** Worker threads for rendering and diffs. */
  readonly work: WikiWork;
  /** The domain: every save goes through it. */
  readonly pages: Pages;
  /** The merge proposals of collisions, with their diff tables. */
  readonly collisions: CollisionScreen;
  readonly search: PageSearch;
  /** The largest page, in bytes (the server's body limit). */
  readonly maxPageBytes: number;
}

export const nameParams = {
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
} as const;

export type NameRequest<Q = unknown> = FastifyRequest<{ Params: { name: string }; Querystring: Q }>;
