// /changes.atom (the wiki's recent changes) and /wiki/{name}/history.atom (one page's
// history): Atom feeds, sent as every page is, with a strong ETag of their bytes and
// Cache-Control: no-cache, so a feed reader's conditional GET of an unchanged feed is a 304.
// Access is that of the pages they list (route-access.ts): in a private wiki a reader sends an
// API token as `Authorization: Bearer`.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { HttpProblem } from '../../http/errors.js';
import { sendRepresentation } from '../../http/representation.js';
import { parsePageName } from '../../pages/page-name.js';
import { wikiPath } from '../format.js';
import { ATOM_TYPE, atomFeed, feedPath, type FeedSource } from '../feeds.js';
import { type NameRequest, nameParams, type WikiRouteContext } from './context.js';

/** Entries in a feed: as many as the front page shows. */
export const FEED_ENTRIES = 50;

interface FeedBody {
  readonly etag: string;
  readonly body: Buffer;
}

export function registerFeedRoutes(app: FastifyInstance, { store, resources }: WikiRouteContext): void {
  // A feed is made once per state of what it lists (and per origin its links name).
  const made = new LRUCache<string, FeedBody>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (feed) => feed.body.length || 1 });

  async function sendFeed(request: FastifyRequest, reply: FastifyReply, key: string, source: () => Promise<FeedSource>) {
    const origin = `${request.protocol}://${request.host}`;
    const cacheKey = `${key}\0${origin}`;
    let feed = made.get(cacheKey);
    if (!feed) {
      const body = Buffer.from(atomFeed(await source(), origin), 'utf8');
      feed = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 24)}"` };
      made.set(cacheKey, feed);
    }
    const { body, etag } = feed;
    return sendRepresentation(request, reply, { etag, contentType: `${ATOM_TYPE}; charset=utf-8`, cacheControl: 'no-cache', size: body.length, load: async () => body });
  }

  async function recentChanges(request: FastifyRequest, reply: FastifyReply) {
    const changes = await store.recentChanges({ limit: FEED_ENTRIES });
    // Each change is immutable and named by its sequence, so the list of them names the feed.
    const key = `changes\0${changes.map((change) => change.sequence).join(',')}`;
    return sendFeed(request, reply, key, async () => ({
      title: 'midair: recent changes',
      subtitle: 'Every change to every page of the wiki, newest first.',
      selfPath: feedPath.changes,
      pagePath: '/',
      changes,
    }));
  }

  async function pageHistory(request: NameRequest, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const state = await store.head(name);
    if (state.revision === 0) throw new HttpProblem('page-not-found', `There is no page named "${name}", nor was there ever.`);
    // Revisions never change: the newest revision's number names the history.
    return sendFeed(request, reply, `history\0${name}\0${state.revision}`, async () => {
      const revisions = await store.history(name, { limit: FEED_ENTRIES });
      return {
        title: `midair: history of ${name}`,
        subtitle: `Every change to the page ${name}, newest first.`,
        selfPath: feedPath.history(name),
        pagePath: wikiPath.history(name),
        changes: revisions.map((revision) => ({ ...revision, name })),
      };
    });
  }

  const hide = { hide: true };
  resources.add(app, feedPath.changes, {
    GET: { options: { schema: hide }, handler: recentChanges },
    HEAD: { options: { schema: hide }, handler: recentChanges },
  });
  resources.add(app, '/wiki/:name/history.atom', {
    GET: { options: { schema: { ...hide, params: nameParams } }, handler: pageHistory },
    HEAD: { options: { schema: { ...hide, params: nameParams } }, handler: pageHistory },
  });
}
