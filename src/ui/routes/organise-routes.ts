// /wiki/{name}/delete and /wiki/{name}/move: a confirmation or form carrying the ETag of the
// revision its author saw, and a POST that acts through Pages on exactly that revision
// ({ kind: 'replace', etag }, the wiki's If-Match): a page changed since is a 412, never a blind write.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { authorOf, writeProblem } from '../../http/conditional-write.js';
import { HttpProblem } from '../../http/errors.js';
import { findBaseRevision, PageRuleError, parseEditSummary, parsePageName } from '../../pages/index.js';
import type { PageState, PageStore, RevisionInfo } from '../../storage/store.js';
import { wikiPath } from '../format.js';
import { field, type FormBody, formBody } from '../form-body.js';
import { seenRevision } from '../form-precondition.js';
import { sendUncachedHtml } from '../html-response.js';
import { deleteView, type MoveForm, moveView, staleFormView } from '../views/organise-views.js';
import { type NameRequest, nameParams, type WikiRouteContext } from './context.js';

/** Subpages counted for the forms (the move offers "N or more"). */
const SUBPAGES_COUNTED = 100;

interface Current {
  readonly state: PageState;
  readonly info: RevisionInfo;
  readonly subpages: number;
}

async function currentPage(store: PageStore, name: string, action: string): Promise<Current> {
  const state = await store.head(name);
  const info = state.exists ? await store.revision(name, state.revision) : undefined;
  if (!info) throw new HttpProblem('page-not-found', `There is no page named "${name}" to ${action}.`);
  const { pages } = await store.list({ prefix: `${name}/`, limit: SUBPAGES_COUNTED });
  return { state, info, subpages: pages.length };
}

/** The form's summary: one line, under the API's rules (length, no control characters). */
function formSummary(body: FormBody): string {
  return parseEditSummary(encodeURIComponent((field(body, 'summary') ?? '').replace(/[\r\n]+/g, ' ')));
}

/** 412 with the page as it is now; the revision the form was opened on, when still in the history. */
async function stale({ store }: WikiRouteContext, reply: FastifyReply, name: string, action: 'delete' | 'move', etag: string, current: PageState) {
  const seen = await findBaseRevision(store, name, [etag]);
  if (current.etag) reply.header('etag', current.etag);
  return sendUncachedHtml(reply, 412, staleFormView(name, action, current, seen?.revision));
}

/** GET /wiki/{name}/delete */
export async function confirmDelete({ store }: WikiRouteContext, request: NameRequest, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const { state, info, subpages } = await currentPage(store, name, 'delete');
  return sendUncachedHtml(reply, 200, deleteView(name, state, info, subpages));
}

/** POST /wiki/{name}/delete: deletes the revision the confirmation named; history is kept. */
export async function deletePage(context: WikiRouteContext, request: NameRequest, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const body = formBody(request);
  const precondition = seenRevision(field(body, 'baseEtag'));
  const by = context.writer(request);
  const outcome = await context.pages.deletePage({ name, precondition, summary: formSummary(body), by: authorOf(by, request) });
  if (outcome.kind === 'refused') return stale(context, reply, name, 'delete', precondition.etag, outcome.state);
  if (outcome.kind !== 'saved') throw writeProblem(outcome, name, by);
  // 303 to the page, which now says it was deleted and offers re-creating or restoring it.
  return reply.code(303).header('location', wikiPath.page(name)).header('cache-control', 'no-store').send();
}

/** GET /wiki/{name}/move */
export async function moveForm({ store }: WikiRouteContext, request: NameRequest, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const { state, info, subpages } = await currentPage(store, name, 'move');
  return sendUncachedHtml(reply, 200, moveView(name, state, info, subpages));
}

/** The move form again, for the page as it is now, with why the last try was refused. */
async function moveRefused({ store }: WikiRouteContext, reply: FastifyReply, status: number, name: string, form: MoveForm) {
  const { state, info, subpages } = await currentPage(store, name, 'move');
  return sendUncachedHtml(reply, status, moveView(name, state, info, subpages, form));
}

/** POST /wiki/{name}/move: success is 303 to the page at its new name. */
export async function movePage(context: WikiRouteContext, request: NameRequest, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const body = formBody(request);
  const precondition = seenRevision(field(body, 'baseEtag'));
  const typed = (field(body, 'to') ?? '').trim();
  const summary = formSummary(body);
  const withSubpages = field(body, 'subpages') === '1';
  const form = { to: typed, withSubpages, summary };
  let to: string;
  try {
    to = parsePageName(typed);
  } catch (error) {
    if (error instanceof PageRuleError) return moveRefused(context, reply, 400, name, { ...form, error: error.message });
    throw error;
  }
  const by = context.writer(request);
  let outcome;
  try {
    outcome = await context.pages.movePage({ name, to, withSubpages, precondition, summary, by: authorOf(by, request) });
  } catch (error) {
    // The rules of a move itself (under itself, onto its parent with its subpages).
    if (error instanceof PageRuleError) return moveRefused(context, reply, 400, name, { ...form, error: error.message });
    throw error;
  }
  switch (outcome.kind) {
    case 'saved':
      return reply.code(303).header('location', wikiPath.page(to)).header('cache-control', 'no-store').send();
    case 'refused':
      return stale(context, reply, name, 'move', precondition.etag, outcome.state);
    case 'destination-exists': {
      const where = outcome.existing === to ? `A page named "${to}" already exists` : `"${outcome.existing}", where a subpage would go, already exists`;
      const error = `${where} (or holds a deleted page's history). A move never replaces a page: choose another name, or delete that page first. Nothing was moved.`;
      return moveRefused(context, reply, 409, name, { ...form, error });
    }
    case 'lookalike': {
      const error = `"${to}" differs from the existing page "${outcome.existing}" only by case, width or invisible characters, so readers would take one for the other. Choose another name. Nothing was moved.`;
      return moveRefused(context, reply, 409, name, { ...form, error });
    }
    case 'not-found':
      throw new HttpProblem('page-not-found', `There is no page named "${name}" to move (it was deleted or moved away since the form was opened). Nothing was moved.`);
    default:
      throw writeProblem(outcome, name, by);
  }
}

export function registerOrganiseRoutes(app: FastifyInstance, context: WikiRouteContext): void {
  const { resources } = context;
  const schema = { hide: true, params: nameParams };
  const post = { schema, bodyLimit: 16 * 1024 };
  const confirm = (request: NameRequest, reply: FastifyReply) => confirmDelete(context, request, reply);
  const form = (request: NameRequest, reply: FastifyReply) => moveForm(context, request, reply);
  resources.add(app, '/wiki/:name/delete', {
    GET: { options: { schema }, handler: confirm },
    HEAD: { options: { schema }, handler: confirm },
    POST: { options: post, handler: (request: NameRequest, reply: FastifyReply) => deletePage(context, request, reply) },
  });
  resources.add(app, '/wiki/:name/move', {
    GET: { options: { schema }, handler: form },
    HEAD: { options: { schema }, handler: form },
    POST: { options: post, handler: (request: NameRequest, reply: FastifyReply) => movePage(context, request, reply) },
  });
}
