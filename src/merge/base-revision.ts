// Finding the revision a stale write started from, by the ETag it carried.
import type { PageStore, RevisionInfo } from '../storage/store.js';

/** How far back a base is looked for; an older one is treated as unknown. */
export const MAX_REVISIONS_SEARCHED = 1000;
// The base is nearly always one of the last few revisions; read those first.
const FIRST_BATCH = 8;
const BATCH = 100;

/**
 * The newest revision of `name` whose ETag `matches` accepts, walking the history newest
 * first. PageStore has no lookup by ETag, so this reads up to `limit` revisions' metadata;
 * a store method with an index on (name, etag) would make it one query.
 */
export async function findRevisionByEtag(
  store: Pick<PageStore, 'history'>,
  name: string,
  matches: (etag: string) => boolean,
  limit: number = MAX_REVISIONS_SEARCHED,
): Promise<RevisionInfo | undefined> {
  let before: number | undefined;
  for (let seen = 0; seen < limit; ) {
    const size = seen === 0 ? FIRST_BATCH : BATCH;
    const batch = await store.history(name, { limit: Math.min(size, limit - seen), ...(before === undefined ? {} : { before }) });
    const found = batch.find((revision) => revision.etag !== null && matches(revision.etag));
    if (found) return found;
    const last = batch[batch.length - 1];
    if (!last || last.revision <= 1) return undefined;
    seen += batch.length;
    before = last.revision;
  }
  return undefined;
}
