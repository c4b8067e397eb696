// /wiki/{name}: read a page, an old revision, or the editor; POST saves the editor's form.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorOf, writeProblem } from '../../http/conditional-write.js';
import { parseEditSummary } from '../../pages/edit-summary.js';
import { HttpProblem, PROBLEMS } from '../../http/errors.js';
import { parsePageName } from '../../pages/page-name.js';
import { CONFLICT_MARKERS, type Resolution, resolveConflicts } from '../../merge/index.js';
import { findBaseRevision, normalizeNewlines, textHash } from '../../pages/index.js';
import { type Attempt, type Collision, describeCollision, mergeInto } from '../collision.js';
import { chosenResolution } from '../conflict-choice.js';
import { wikiPath } from '../format.js';
import { field, type FormBody, formBody } from '../form-body.js';
import { formPrecondition } from '../form-precondition.js';
import { type Html, html } from '../html.js';
import { errorPage, sendCachedHtml, sendHtml, sendUncachedHtml } from '../html-response.js';
import { conflictView, deletedView, mergedView, sameTextView } from '../views/collision-view.js';
import { editView } from '../views/edit-view.js';
import { missingPageView, pageView, revisionView } from '../views/page-view.js';
import type { RevisionInfo } from '../../storage/store.js';
import { type NameRequest, nameParams, type WikiRouteContext } from './context.js';

type RevisionRequest = FastifyRequest<{ Params: { name: string; n: number } }>;

function revisionNotFound(name: string, n: number): HttpProblem {
  return new HttpProblem('revision-not-found', `Page "${name}" has no revision ${n} with text to show.`);
}

/** Lines the merge writes around a conflict, both still in a text. */
export function hasConflictMarkers(text: string): boolean {
  const lines = new Set(text.split('\n'));
  return lines.has(CONFLICT_MARKERS.mine) && lines.has(CONFLICT_MARKERS.theirs);
}

/** A new page refused as a look-alike of another: the error, with a link to that page. */
function lookalikePage(problem: HttpProblem): Html {
  const existing = String(problem.extensions['existing']);
  const link = html`<p class="actions"><a class="button primary" href="${wikiPath.page(existing)}">Go to ${existing}</a></p>`;
  return errorPage(problem.status, PROBLEMS[problem.code].title, problem.detail, link);
}

export function collisionPage(collision: Collision): { status: number; page: Html } {
  switch (collision.kind) {
    case 'deleted':
      return { status: 409, page: deletedView(collision) };
    case 'same':
      return { status: 200, page: sameTextView(collision) };
    case 'merged':
      return { status: 409, page: mergedView(collision) };
    case 'conflict':
      return { status: 409, page: conflictView(collision) };
  }
}

const viewKey = (name: string, revision: number, linkKey: string, neighboursKey: string) => `view\0${name}\0${revision}\0${linkKey}\0${neighboursKey}`;

type ReadRequest = NameRequest<{ redirect?: string }>;

/**
 * GET /wiki/{name}. A view seen before, of a page the store's validator cache knows (so it has
 * heard of every change, and of every linked page's creation or deletion), is answered with no
 * promise: a reload's 304 as the API's. Anything else looks again.
 */
export function readPage(context: WikiRouteContext, request: ReadRequest, reply: FastifyReply): Promise<unknown> | undefined {
  const { store, renderer, neighbours } = context;
  const name = parsePageName(request.params.name);
  const known = store.currentHead?.(name);
  const linkKey = known?.exists ? renderer.knownLinkKey(name, known.revision) : undefined;
  const around = linkKey === undefined ? undefined : neighbours.known(name);
  if (around !== undefined) {
    const sent = sendCachedHtml(request, reply, viewKey(name, known!.revision, linkKey!, around.key));
    if (sent !== false) return sent;
  }
  return readPageAfresh(context, request, reply, name);
}

async function readPageAfresh(context: WikiRouteContext, request: ReadRequest, reply: FastifyReply, name: string) {
  const { store, neighbours } = context;
  const state = await store.head(name);
  const info = state.revision > 0 ? await store.revision(name, state.revision) : undefined;
  if (state.exists && info) return sendPageView(context, request, reply, name, state.revision, info);
  // A name a page moved away from shows that page, saying so, until a page is created here;
  // ?redirect=no shows the name itself (MediaWiki's), to create a page in the redirect's place.
  const target = state.exists ? undefined : await store.redirect(name);
  if (target !== undefined && request.query.redirect !== 'no') {
    const targetState = await store.head(target);
    const targetInfo = targetState.exists ? await store.revision(target, targetState.revision) : undefined;
    if (targetInfo) return sendPageView(context, request, reply, target, targetState.revision, targetInfo, name);
  }
  return sendUncachedHtml(reply, 404, missingPageView(name, info, await neighbours.of(name), target));
}

async function sendPageView({ renderer, neighbours }: WikiRouteContext, request: ReadRequest, reply: FastifyReply, name: string, revision: number, info: RevisionInfo, redirectedFrom?: string) {
  const [links, around] = await Promise.all([renderer.links(name, revision), neighbours.of(name)]);
  const key = viewKey(name, revision, links.key, around.key) + (redirectedFrom === undefined ? '' : `\0from\0${redirectedFrom}`);
  return sendHtml(request, reply, key, async () => pageView(name, info, renderer.html(links), around, redirectedFrom));
}

/** GET /wiki/{name}/revisions/{n}: an old revision, rendered. */
export async function readRevision({ store, renderer }: WikiRouteContext, request: RevisionRequest, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const n = request.params.n;
  const info = await store.revision(name, n);
  if (!info || info.deleted) throw revisionNotFound(name, n);
  const state = await store.head(name);
  const links = await renderer.links(name, n);
  return sendHtml(request, reply, `revision\0${name}\0${n}\0${state.revision}\0${state.exists}\0${links.key}`, async () =>
    revisionView(name, info, renderer.html(links), state.revision, state.exists),
  );
}

/** GET /wiki/{name}/edit[?from=N]: the editor, of the current text or of revision N (to restore it). */
export async function editPage({ store }: WikiRouteContext, request: NameRequest<{ from?: number }>, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const from = request.query.from;
  const state = await store.head(name);
  let text = '';
  if (from !== undefined) {
    const info = await store.revision(name, from);
    if (!info || info.deleted) throw revisionNotFound(name, from);
    text = (await store.content(name, from)) ?? '';
  } else if (state.exists) {
    text = (await store.content(name, state.revision)) ?? '';
  }
  return sendHtml(request, reply, `edit\0${name}\0${state.revision}\0${from ?? ''}`, () =>
    editView({
      name,
      text,
      summary: from === undefined || from === state.revision ? '' : `Restored revision ${from}`,
      baseEtag: state.exists ? state.etag! : '',
      baseRevision: state.exists ? state.revision : undefined,
      ...(from === undefined ? {} : { restoredFrom: from }),
    }),
  );
}

interface Draft {
  readonly name: string;
  readonly text: string;
  readonly summary: string;
  readonly baseEtag: string;
  readonly baseRevision: string | undefined;
}

async function preview({ renderer }: WikiRouteContext, { name, text, summary, baseEtag, baseRevision }: Draft) {
  const rendered = await renderer.preview(text);
  const revision = Number(baseRevision);
  return editView({
    name,
    text,
    summary,
    baseEtag,
    baseRevision: Number.isInteger(revision) && revision > 0 ? revision : undefined,
    preview: renderer.html(rendered),
  });
}

/**
 * A resolution screen's form: the text to save, or a page to show instead. When the whole
 * text is still the merge as shown (same hash), the per-conflict choices make the text
 * (that is the path without JavaScript); otherwise the text was composed by resolve.js or
 * edited by hand, and is taken as it is.
 */
async function resolvedText({ store, collisions }: WikiRouteContext, body: FormBody, attempt: Attempt, content: string, against: string): Promise<{ text: string } | { status: number; page: Html }> {
  const contentHash = field(body, 'contentHash');
  if (contentHash !== textHash(content)) {
    if (!hasConflictMarkers(content)) return { text: content };
    const collision = await describeCollision(collisions, attempt);
    const error = `The text still contains conflict markers (${CONFLICT_MARKERS.mine} … ${CONFLICT_MARKERS.theirs}). Choose what to keep for each conflict, or remove the marker lines.`;
    if (collision.kind !== 'conflict') return collisionPage(collision);
    return { status: 409, page: conflictView(collision, { wholeText: content, error }) };
  }
  const theirs = await findBaseRevision(store, attempt.name, [against]);
  const collision = theirs ? await mergeInto(collisions, attempt, theirs) : await describeCollision(collisions, attempt);
  // Another merge than the one shown (the page moved on): show it afresh.
  if (collision.kind !== 'conflict' || textHash(collision.merge.content) !== contentHash) return collisionPage(collision);
  const chosen = collision.merge.conflicts.map((conflict, i) => chosenResolution(body, i, conflict));
  const missing = chosen.flatMap((c, i) => (c ? [] : [i + 1]));
  if (missing.length > 0) {
    const error = `Choose what to keep for conflict ${missing.join(', ')}.`;
    return { status: 409, page: conflictView(collision, { chosen, error }) };
  }
  return { text: resolveConflicts(collision.merge, chosen as Resolution[]) };
}

/** POST /wiki/{name}: the editor's form (preview, save, or a resolution screen's save). */
export async function savePage(context: WikiRouteContext, request: NameRequest, reply: FastifyReply) {
  const name = parsePageName(request.params.name);
  const body = formBody(request);
  const content = normalizeNewlines(field(body, 'content') ?? '');
  if (Buffer.byteLength(content, 'utf8') > context.maxPageBytes) {
    throw new HttpProblem('payload-too-large', `A page has at most ${context.maxPageBytes} bytes; nothing was saved.`);
  }
  // The summary is one line; the API's rules apply to it (length, no control characters).
  const summary = parseEditSummary(encodeURIComponent((field(body, 'summary') ?? '').replace(/[\r\n]+/g, ' ')));
  const baseEtag = field(body, 'baseEtag');
  if (field(body, 'intent') === 'preview') {
    const page = await preview(context, { name, text: content, summary, baseEtag: baseEtag ?? '', baseRevision: field(body, 'baseRevision') });
    return sendUncachedHtml(reply, 200, page);
  }
  const precondition = formPrecondition(baseEtag);
  const base = baseEtag ?? '';
  const draftBase = field(body, 'draftBase') ?? base;

  let text = content;
  if (field(body, 'resolve') === '1') {
    const attempt = { name, mine: normalizeNewlines(field(body, 'mine') ?? ''), summary, baseEtag: field(body, 'mergeFrom') ?? '', draftBase };
    const resolved = await resolvedText(context, body, attempt, content, base);
    if ('page' in resolved) return sendUncachedHtml(reply, resolved.status, resolved.page);
    text = resolved.text;
  }

  const by = context.writer(request);
  const outcome = await context.pages.savePage({ name, content: text, precondition, summary, by: authorOf(by, request) });
  if (outcome.kind === 'lookalike') return sendUncachedHtml(reply, 409, lookalikePage(writeProblem(outcome, name, by)));
  if (outcome.kind === 'protected') throw writeProblem(outcome, name, by);
  if (outcome.kind === 'refused') {
    const attempt = { name, mine: text, summary, baseEtag: base, draftBase };
    const { status, page } = collisionPage(await describeCollision(context.collisions, attempt, outcome.proposal));
    return sendUncachedHtml(reply, status, page);
  }
  // 303: the browser follows with a GET, so a reload does not post the form again.
  return reply.code(303).header('location', wikiPath.page(name)).header('cache-control', 'no-store').send();
}

const revisionParams = {
  type: 'object',
  properties: { name: { type: 'string' }, n: { type: 'integer', minimum: 1 } },
  required: ['name', 'n'],
} as const;
const editQuery = { type: 'object', properties: { from: { type: 'integer', minimum: 1 } } } as const;
const hide = { hide: true };

export function registerPageViewRoutes(app: FastifyInstance, context: WikiRouteContext): void {
  const { resources } = context;
  // The hot path: parsePageName checks the name, so Fastify need not validate it too (and,
  // with no hook or schema before it, the auth guard wraps the handler rather than adding a hook).
  const readOptions = { schema: { ...hide, documentedParams: nameParams } };
  const read = (request: ReadRequest, reply: FastifyReply) => readPage(context, request, reply);
  const edit = (request: NameRequest<{ from?: number }>, reply: FastifyReply) => editPage(context, request, reply);
  const revision = (request: RevisionRequest, reply: FastifyReply) => readRevision(context, request, reply);
  resources.add(app, '/wiki/:name', {
    GET: { options: readOptions, handler: read },
    HEAD: { options: readOptions, handler: read },
    // A form carries the page percent-encoded, up to 3 bytes per byte, and the resolution
    // screen carries it more than once; the page itself is held to the server's limit above.
    POST: { options: { schema: { ...hide, params: nameParams }, bodyLimit: context.maxPageBytes * 8 }, handler: (request: NameRequest, reply: FastifyReply) => savePage(context, request, reply) },
  });
  resources.add(app, '/wiki/:name/edit', {
    GET: { options: { schema: { ...hide, params: nameParams, querystring: editQuery } }, handler: edit },
    HEAD: { options: { schema: { ...hide, params: nameParams, querystring: editQuery } }, handler: edit },
  });
  resources.add(app, '/wiki/:name/revisions/:n', {
    GET: { options: { schema: { ...hide, params: revisionParams } }, handler: revision },
    HEAD: { options: { schema: { ...hide, params: revisionParams } }, handler: revision },
  });
}
