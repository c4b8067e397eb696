// A name a page was moved away from answers 308 (RFC 9110 §15.4.9) with the page's new URL,
// for every method that reads (GET, HEAD): permanent, and the method is kept. Preconditions on
// it are ignored, as the answer without them would not be 2xx (RFC 9110 §13.2.1); writes go to
// the name itself (PUT with If-None-Match: * makes a page there again).
import type { FastifyReply } from 'fastify';
import type { PageStore } from '../../storage/store.js';
import { encodePageName } from '../../pages/page-name.js';
import { HttpProblem } from '../errors.js';

/** The answer for a page that does not exist: 308 to where it moved, else 404. */
export async function missingPage(store: PageStore, name: string, reply: FastifyReply): Promise<unknown> {
  const target = await store.redirect(name);
  if (target === undefined) throw new HttpProblem('page-not-found', `There is no page named "${name}".`);
  const location = `/api/pages/${encodePageName(target)}`;
  return reply
    .code(308)
    .header('location', location)
    .header('cache-control', 'no-cache')
    .type('application/json; charset=utf-8')
    .send({ name, movedTo: target, location });
}
