// MOVE /api/pages/{name} (RFC 4918 §9.9): the page, its history, its links and, with
// ?subpages=true, its subpages go to the page named by Destination, in one transaction; the old
// name answers 308 to the new one. If-Match is required, and a move never replaces a page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatHttpDate } from '../../conditional/index.js';
import { parseEditSummary } from '../../pages/edit-summary.js';
import { parsePageName } from '../../pages/page-name.js';
import type { Pages } from '../../pages/index.js';
import { authorOf, type Writer, writeProblem } from '../conditional-write.js';
import { HttpProblem } from '../errors.js';
import { destinationOf, overwriteOf } from '../move-destination.js';
import { conditionalHeaders, nameParams, problemResponses } from '../schemas.js';
import { pageUrl, writtenBody } from './pages.js';

type MoveRequest = FastifyRequest<{ Params: { name: string }; Querystring: { subpages?: boolean } }>;

export interface MoveContext {
  readonly pages: Pages;
  readonly writer: (request: FastifyRequest) => Writer;
}

function ifMatchRequired(): HttpProblem {
  return new HttpProblem('precondition-required', 'A move must name the version it moves: send If-Match with the ETag of the page as you last read it.', {
    acceptedHeaders: ['If-Match'],
  });
}

/**
 * RFC 4918 §9.9.4 would let Overwrite: T replace the destination; midair never does: that
 * would discard the destination's text without any precondition on it, the lost update every
 * write here is guarded against. Delete it (with If-Match) first, then move.
 */
function destinationExists(to: string, existing: string, overwrite: boolean): HttpProblem {
  const what = existing === to ? `"${to}" already exists (or holds a deleted page's history)` : `"${existing}", where a subpage would go, already exists (or holds a deleted page's history)`;
  const why = overwrite
    ? ' A move never replaces a page, even with Overwrite: T: that would discard its text without a precondition on it. Delete it first (with If-Match), then move.'
    : ' (Overwrite: F.)';
  return new HttpProblem('precondition-failed', `${what}.${why}`, { currentEtag: null, existing });
}

/** MOVE /api/pages/{name}: 201 Created with Location on success (RFC 4918 §9.9.4: the destination is new). */
export async function movePage(context: MoveContext, request: MoveRequest, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const to = destinationOf(request);
  const overwrite = overwriteOf(request);
  // RFC 6585 §3, and only If-Match: a move must name the revision it moves.
  if (request.headers['if-match'] === undefined) throw ifMatchRequired();
  const by = context.writer(request);
  const outcome = await context.pages.movePage({
    name,
    to,
    withSubpages: request.query.subpages === true,
    precondition: { kind: 'request', method: 'MOVE', headers: request.headers },
    summary: parseEditSummary(request.headers['edit-summary']),
    by: authorOf(by, request),
  });
  if (outcome.kind === 'not-found') throw new HttpProblem('page-not-found', `There is no page named "${name}" to move.`);
  if (outcome.kind === 'destination-exists') throw destinationExists(to, outcome.existing, overwrite);
  if (outcome.kind !== 'saved') throw writeProblem(outcome, name, by, request.headers['if-match']);
  const { after, moved } = outcome;
  reply.code(201).header('location', pageUrl(to)).header('etag', after.etag!);
  if (!after.lastModifiedIsWeak) reply.header('last-modified', formatHttpDate(after.lastModified));
  return reply.type('application/json; charset=utf-8').send({ ...writtenBody(after), moved });
}

/** The MOVE entry of /api/pages/{name}'s resource (routes/pages.ts). */
export function moveMethod(context: MoveContext) {
  return {
    options: {
      schema: {
        tags: ['pages'],
        // OpenAPI has no MOVE operation: @fastify/swagger leaves it out; the API description and README tell of it.
        hide: true,
        params: nameParams,
        querystring: { type: 'object', properties: { subpages: { type: 'boolean', default: false } }, additionalProperties: false },
        documentedHeaders: conditionalHeaders,
        response: { ...problemResponses(400, 404, 409, 412, 428) },
      },
    },
    handler: (request: MoveRequest, reply: FastifyReply) => movePage(context, request, reply),
  };
}
