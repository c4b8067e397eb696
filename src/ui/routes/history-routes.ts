// /wiki/{name}/history and /wiki/{name}/diff?from=N&to=M.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpProblem } from '../../http/errors.js';
import { parsePageName } from '../../pages/page-name.js';
import type { RevisionInfo } from '../../storage/store.js';
import { LRUCache } from 'lru-cache';
import { type Html, html, trusted } from '../html.js';
import { sendHtml } from '../html-response.js';
import { OUT_OF_TIME_TTL_MS } from '../page-render.js';
import { diffView, historyView } from '../views/history-view.js';
import { type NameRequest, nameParams, type WikiRouteContext } from './context.js';

const PAGE_SIZE = 50;

interface DiffTable {
  readonly table: Html;
  /** True for the note that stands in for a table that took too long. */
  readonly late: boolean;
}

/** Shown in place of a diff that took longer than its time budget. */
export const DIFF_OUT_OF_TIME_NOTE = 'This comparison took too long to compute; compare the two revisions side by side instead.';

export function registerHistoryRoutes(app: FastifyInstance, { store, resources, work }: WikiRouteContext): void {
  // Revisions never change: a diff table is computed once for every viewer.
  const tables = new LRUCache<string, DiffTable>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (t) => t.table.value.length || 1 });

  async function diffTableOf(name: string, from: number, to: number): Promise<DiffTable> {
    const id = `${name}\u0000${from}\u0000${to}`;
    const cached = tables.get(id);
    if (cached) return cached;
    const [before, after] = await Promise.all([store.content(name, from), store.content(name, to)]);
    const caption = `Changes from revision ${from} to revision ${to}`;
    const outcome = await work.run('diff', { before: before ?? '', after: after ?? '', caption });
    if (outcome.done) {
      const done = { table: trusted(outcome.value), late: false };
      tables.set(id, done);
      return done;
    }
    // Out of time is remembered for a while too, so repeated views do not burn a worker each time.
    const late = { table: html`<p class="notice diff-out-of-time">${DIFF_OUT_OF_TIME_NOTE}</p>`, late: true };
    tables.set(id, late, { ttl: OUT_OF_TIME_TTL_MS });
    return late;
  }

  async function history(request: NameRequest<{ before?: number }>, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const before = request.query.before;
    const state = await store.head(name);
    if (state.revision === 0) throw new HttpProblem('page-not-found', `There is no page named "${name}", nor was there ever.`);
    return sendHtml(request, reply, `history\0${name}\0${state.revision}\0${before ?? ''}`, async () => {
      // One more than shown, for the size change of the oldest row shown.
      const rows = await store.history(name, { limit: PAGE_SIZE + 1, ...(before === undefined ? {} : { before }) });
      const shown = rows.slice(0, PAGE_SIZE);
      // A deletion has size 0; a size change is measured from the last revision with text.
      const sizeBefore = (r: RevisionInfo) => {
        const older = rows.slice(rows.indexOf(r) + 1).find((o) => !o.deleted);
        return older?.size ?? (r.revision === 1 ? 0 : undefined);
      };
      const oldest = shown[shown.length - 1];
      const more = rows.length > PAGE_SIZE && oldest !== undefined ? oldest.revision : undefined;
      return historyView(name, shown, sizeBefore, more);
    });
  }

  async function diff(request: NameRequest<{ from?: number; to?: number }>, reply: FastifyReply) {
    const name = parsePageName(request.params.name);
    const state = await store.head(name);
    if (state.revision === 0) throw new HttpProblem('page-not-found', `There is no page named "${name}", nor was there ever.`);
    let to = request.query.to ?? state.revision;
    let from = request.query.from ?? Math.max(1, to - 1);
    if (from > to) [from, to] = [to, from];
    const [fromInfo, toInfo] = await Promise.all([store.revision(name, from), store.revision(name, to)]);
    if (!fromInfo || !toInfo) {
      throw new HttpProblem('revision-not-found', `Page "${name}" has revisions 1 to ${state.revision}; there is no revision ${fromInfo ? to : from}.`);
    }
    // Revisions never change, so only the newest number (for "next change" links) can.
    // The table first (cached per revision pair): a page with the out-of-time note is kept apart.
    const { table, late } = await diffTableOf(name, from, to);
    return sendHtml(request, reply, `diff\0${name}\0${from}\0${to}\0${state.revision}\0${late ? 'late' : ''}`, () =>
      diffView(name, fromInfo, toInfo, table, state.revision),
    );
  }

  const hide = { hide: true };
  const historyQuery = { type: 'object', properties: { before: { type: 'integer', minimum: 1 } } } as const;
  const diffQuery = { type: 'object', properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } } } as const;
  resources.add(app, '/wiki/:name/history', {
    GET: { options: { schema: { ...hide, params: nameParams, querystring: historyQuery } }, handler: history },
    HEAD: { options: { schema: { ...hide, params: nameParams, querystring: historyQuery } }, handler: history },
  });
  resources.add(app, '/wiki/:name/diff', {
    GET: { options: { schema: { ...hide, params: nameParams, querystring: diffQuery } }, handler: diff },
    HEAD: { options: { schema: { ...hide, params: nameParams, querystring: diffQuery } }, handler: diff },
  });
}
