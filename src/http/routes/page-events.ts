// GET /api/pages/{name}/events: Server-Sent Events about one page. A `change` event (id = the
// page's revision number) follows every committed write; a reconnect with Last-Event-ID gets
// the revisions it missed replayed; `presence` events say who has the page open in an editor.
// Presence is advisory: it never locks anything, and it is known per server process.
import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeEvent, PageState, PageStore } from '../../storage/store.js';
import { isoDate } from '../json-representation.js';
import { parsePageName } from '../page-name.js';
import type { ResourceTable } from '../resources.js';
import { nameParams, problemResponses } from '../schemas.js';

export interface PageEventOptions {
  readonly store: PageStore;
  readonly resources: ResourceTable;
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  readonly heartbeatMs?: number;
  /** At most this many revisions are replayed to a reconnecting client. */
  readonly maxReplayScan?: number;
}

const HEARTBEAT_MS = 15_000;
const MAX_REPLAY_SCAN = 1000;
/** A client that stops reading is dropped once this much is waiting for it. */
const MAX_BUFFERED = 1024 * 1024;
const RECONNECT_MS = 2000;

interface Editor {
  readonly id: string;
  name: string;
  readonly since: number;
  connections: number;
}

interface Stream {
  readonly page: string;
  readonly res: ServerResponse;
  /** Live changes that arrive while the stream is still catching up. */
  pending: ChangeEvent[] | undefined;
  /** The page's revisions up to this one were sent (or covered by the state event). */
  sentRevision: number;
}

/** One SSE event. Data is JSON, which has no raw newlines, so it fits on one data line. */
function eventText(fields: { id?: number; event: string; data: unknown }): string {
  return `${fields.id === undefined ? '' : `id: ${fields.id}\n`}event: ${fields.event}\ndata: ${JSON.stringify(fields.data)}\n\n`;
}

function changeData(change: ChangeEvent) {
  return {
    name: change.name,
    revision: change.revision,
    etag: change.etag,
    deleted: change.deleted,
    summary: change.summary,
    author: change.author,
    lastModified: isoDate(change.lastModified),
  };
}

function stateData(state: PageState) {
  return { name: state.name, exists: state.exists, revision: state.revision, etag: state.exists ? state.etag! : null };
}

/** A Last-Event-ID this server could have sent: a revision number. */
export function parseLastEventId(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[header.length - 1] : header;
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/** The id others see for an editor: a digest, so one editor's session cannot be taken by another. */
function presenceId(session: string): string {
  return createHash('sha256').update(session).digest('base64url').slice(0, 16);
}

class PageEventHub {
  private readonly streams = new Map<string, Set<Stream>>();
  private readonly editors = new Map<string, Map<string, Editor>>();

  constructor(
    private readonly store: PageStore,
    /** The most revisions replayed to a stream that missed some. */
    private readonly maxScan: number,
  ) {}

  // A page's changes arrive in revision order, but one from this process and one from another
  // can cross on the way: a stream sends only revisions newer than it has sent.
  readonly onChange = (change: ChangeEvent): void => {
    for (const stream of this.streams.get(change.name) ?? []) {
      if (stream.pending) stream.pending.push(change);
      else this.send(stream, change);
    }
  };

  /** The store's feed from other processes was cut off: each stream reads what it missed. */
  readonly onMissed = (): void => {
    for (const [page, set] of this.streams) {
      const from = Math.min(...[...set].map((stream) => stream.sentRevision));
      this.store.pageChanges(page, from, this.maxScan).then(
        (changes) => changes.forEach(this.onChange),
        () => undefined, // the store is away too; the streams' own reconnects will replay
      );
    }
  };

  open(page: string, res: ServerResponse): Stream {
    const stream: Stream = { page, res, pending: [], sentRevision: 0 };
    let set = this.streams.get(page);
    if (!set) this.streams.set(page, (set = new Set()));
    set.add(stream);
    return stream;
  }

  /** Sends the revisions after `lastEventId` and the page's state, then goes live. */
  async catchUp(stream: Stream, lastEventId: number | undefined, you: string | undefined): Promise<void> {
    const state = await this.store.head(stream.page);
    if (lastEventId !== undefined && lastEventId < state.revision) {
      const missed = await this.store.pageChanges(stream.page, Math.max(lastEventId, state.revision - this.maxScan), this.maxScan);
      for (const change of missed) if (change.revision <= state.revision) this.send(stream, change);
    }
    // The state's id is the revision it describes, so a reconnect resumes after it.
    this.write(stream, eventText({ id: state.revision, event: 'state', data: { ...stateData(state), ...(you ? { you } : {}) } }));
    stream.sentRevision = Math.max(stream.sentRevision, state.revision);
    const pending = stream.pending ?? [];
    stream.pending = undefined;
    for (const change of pending) this.send(stream, change);
  }

  private send(stream: Stream, change: ChangeEvent): void {
    if (change.revision <= stream.sentRevision) return;
    stream.sentRevision = change.revision;
    this.write(stream, eventText({ id: change.revision, event: 'change', data: changeData(change) }));
  }

  close(stream: Stream): void {
    const set = this.streams.get(stream.page);
    set?.delete(stream);
    if (set?.size === 0) this.streams.delete(stream.page);
  }

  join(page: string, session: string, name: string): string {
    const id = presenceId(session);
    let editors = this.editors.get(page);
    if (!editors) this.editors.set(page, (editors = new Map()));
    const editor = editors.get(id);
    // A reconnect (with a new name, perhaps) can arrive before the old connection closes.
    if (editor) {
      editor.connections++;
      editor.name = name;
    } else {
      editors.set(id, { id, name, since: Date.now(), connections: 1 });
    }
    this.announce(page);
    return id;
  }

  leave(page: string, id: string): void {
    const editors = this.editors.get(page);
    const editor = editors?.get(id);
    if (!editors || !editor) return;
    if (--editor.connections > 0) return;
    editors.delete(id);
    if (editors.size === 0) this.editors.delete(page);
    this.announce(page);
  }

  presence(page: string): string {
    const editors = [...(this.editors.get(page)?.values() ?? [])].map((e) => ({ id: e.id, name: e.name, since: isoDate(e.since) }));
    return eventText({ event: 'presence', data: { editors } });
  }

  private announce(page: string): void {
    const text = this.presence(page);
    for (const stream of this.streams.get(page) ?? []) if (!stream.pending) this.write(stream, text);
  }

  write(stream: Stream, text: string): void {
    if (stream.res.destroyed || stream.res.writableEnded) return;
    if (stream.res.writableLength > MAX_BUFFERED) {
      stream.res.destroy();
      return;
    }
    stream.res.write(text);
  }

  endAll(): void {
    for (const set of this.streams.values()) for (const stream of set) stream.res.end();
  }
}

type EventsRequest = FastifyRequest<{ Params: { name: string }; Querystring: { editing?: string; who?: string } }>;

export function registerPageEventRoutes(app: FastifyInstance, options: PageEventOptions): void {
  const { store, resources } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const maxScan = options.maxReplayScan ?? MAX_REPLAY_SCAN;
  const hub = new PageEventHub(store, maxScan);
  const unsubscribe = store.onChange(hub.onChange, hub.onMissed);
  // Open streams would keep app.close() waiting for ever.
  app.addHook('preClose', async () => hub.endAll());
  app.addHook('onClose', async () => unsubscribe());

  async function events(request: EventsRequest, reply: FastifyReply) {
    const page = parsePageName(request.params.name);
    const { editing, who } = request.query;
    const lastEventId = parseLastEventId(request.headers['last-event-id']);

    reply.hijack();
    const res = reply.raw;
    const headers: OutgoingHttpHeaders = {};
    for (const [field, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[field] = value;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // nginx and similar proxies buffer responses unless told not to.
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write(`retry: ${RECONNECT_MS}\n: events of one page; see event "change"\n\n`);
    res.flushHeaders();

    const stream = hub.open(page, res);
    const heartbeat = setInterval(() => hub.write(stream, ': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    let editorId: string | undefined;
    res.on('close', () => {
      clearInterval(heartbeat);
      hub.close(stream);
      if (editorId) hub.leave(page, editorId);
    });
    try {
      await hub.catchUp(stream, lastEventId, editing === undefined ? undefined : presenceId(editing));
      if (res.destroyed) return;
      if (editing !== undefined) editorId = hub.join(page, editing, (who ?? '').trim());
      else hub.write(stream, hub.presence(page));
    } catch (error) {
      request.server.log.error({ err: error, url: request.url }, 'event stream failed');
      res.destroy();
    }
  }

  resources.add(app, '/api/pages/:name/events', {
    GET: {
      options: {
        schema: {
          tags: ['pages'],
          summary: 'Server-Sent Events: `change` after every write of the page, `presence` of editors (advisory)',
          params: nameParams,
          querystring: {
            type: 'object',
            properties: {
              editing: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$', description: 'A random id of this editor session: announces it in presence' },
              who: { type: 'string', maxLength: 60, pattern: '^[^\\u0000-\\u001f\\u007f]*$', description: 'The name shown to other editors' },
            },
            additionalProperties: false,
          },
          headers: { type: 'object', properties: { 'last-event-id': { type: 'string', description: 'Replays the revisions after this one' } } },
          response: {
            200: { description: 'An event stream (text/event-stream)', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            ...problemResponses(400),
          },
        },
      },
      handler: events,
    },
  });
}
