// GET /api/pages/{name}/events: Server-Sent Events about one page. A `change` event (id = the
// page's revision number) follows every committed write; a reconnect with Last-Event-ID gets
// the revisions it missed replayed; `presence` and `presence-change` events say who has the page
// open in an editor (presence.ts). Presence is advisory: it never locks anything, and it is
// known per server process. Streams are capped per page and per client address (stream-quota.ts).
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeEvent, PageState, PageStore } from '../../storage/store.js';
import { isoDate } from '../json-representation.js';
import { parsePageName } from '../../pages/page-name.js';
import { eventText, Presence, presenceId } from '../presence.js';
import type { ResourceTable } from '../resources.js';
import { nameParams, problemResponses } from '../schemas.js';
import { type StreamLimits, StreamQuota } from '../stream-quota.js';

export interface PageEventOptions {
  readonly store: PageStore;
  readonly resources: ResourceTable;
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  readonly heartbeatMs?: number;
  /** At most this many revisions are replayed to a reconnecting client. */
  readonly maxReplayScan?: number;
  /** Caps on open streams, per page and per client address. */
  readonly limits?: StreamLimits;
  /** Joins and leaves within this many ms are sent as one presence event (default 250). */
  readonly presenceWindowMs?: number;
  /** Who an editor is (src/auth knows); everyone is anonymous without it. */
  readonly editorIdentity?: EditorIdentity;
}

/** Who an editor is: the signed-in account's name, never a name the client typed; null for anonymous visitors. */
export type EditorIdentity = (request: FastifyRequest) => { account: string; name: string | null };

const anonymousEditor: EditorIdentity = () => ({ account: 'anonymous', name: null });

const HEARTBEAT_MS = 15_000;
const MAX_REPLAY_SCAN = 1000;
/** A client that stops reading is dropped once this much is waiting for it. */
const MAX_BUFFERED = 1024 * 1024;
const RECONNECT_MS = 2000;

interface Stream {
  readonly page: string;
  readonly res: ServerResponse;
  /** Live changes that arrive while the stream is still catching up. */
  pending: ChangeEvent[] | undefined;
  /** The page's revisions up to this one were sent (or covered by the state event). */
  sentRevision: number;
  /** The stream was sent the list of editors, so it is told only what changes. */
  hasEditors: boolean;
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

class PageEventHub {
  private readonly streams = new Map<string, Set<Stream>>();
  readonly presence: Presence;

  constructor(
    private readonly store: PageStore,
    /** The most revisions replayed to a stream that missed some. */
    private readonly maxScan: number,
    presenceWindowMs: number | undefined,
  ) {
    this.presence = new Presence({ ...(presenceWindowMs === undefined ? {} : { windowMs: presenceWindowMs }), publish: this.publishPresence });
  }

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
    const stream: Stream = { page, res, pending: [], sentRevision: 0, hasEditors: false };
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

  /** Once per page and presence window: the change to streams that have the list, the list to those that have none. */
  private readonly publishPresence = (page: string, change: string | undefined, list: () => string): void => {
    for (const stream of this.streams.get(page) ?? []) {
      if (stream.pending) continue; // still catching up: it asks for the list when done
      if (stream.hasEditors) {
        if (change) this.write(stream, change);
      } else {
        stream.hasEditors = true;
        this.write(stream, list());
      }
    }
  };

  write(stream: Stream, text: string): void {
    if (stream.res.destroyed || stream.res.writableEnded) return;
    if (stream.res.writableLength > MAX_BUFFERED) {
      stream.res.destroy();
      return;
    }
    stream.res.write(text);
  }

  endAll(): void {
    this.presence.close();
    for (const set of this.streams.values()) for (const stream of set) stream.res.end();
  }
}

type EventsRequest = FastifyRequest<{ Params: { name: string }; Querystring: { editing?: string; who?: string } }>;

export function registerPageEventRoutes(app: FastifyInstance, options: PageEventOptions): void {
  const { store, resources } = options;
  const editorIdentity = options.editorIdentity ?? anonymousEditor;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const maxScan = options.maxReplayScan ?? MAX_REPLAY_SCAN;
  const hub = new PageEventHub(store, maxScan, options.presenceWindowMs);
  const quota = new StreamQuota(options.limits);
  const unsubscribe = store.onChange(hub.onChange, hub.onMissed);
  // Open streams would keep app.close() waiting for ever.
  app.addHook('preClose', async () => hub.endAll());
  app.addHook('onClose', async () => unsubscribe());

  async function events(request: EventsRequest, reply: FastifyReply) {
    const page = parsePageName(request.params.name);
    // `who` is accepted (older editors send it) and ignored: a typed name could pose as anyone.
    const { editing } = request.query;
    const lastEventId = parseLastEventId(request.headers['last-event-id']);
    // request.ip is the client's address as TRUST_PROXY allows it to be known.
    reply.raw.once('close', quota.admit(page, request.ip));

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
    const identity = editorIdentity(request);
    const editorId = editing === undefined ? undefined : presenceId(identity.account, editing);
    let joined = false;
    res.on('close', () => {
      clearInterval(heartbeat);
      hub.close(stream);
      if (joined) hub.presence.leave(page, editorId!);
    });
    try {
      await hub.catchUp(stream, lastEventId, editorId);
      if (res.destroyed) return;
      if (editorId !== undefined) {
        hub.presence.join(page, editorId, identity.name);
        joined = true;
      }
      hub.presence.listFor(page);
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
          operationId: 'pageEvents',
          summary: 'Server-Sent Events: `change` after every write of the page; `presence` (the editors, once) and `presence-change` (who joined and left; advisory)',
          params: nameParams,
          querystring: {
            type: 'object',
            properties: {
              editing: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$', description: 'A random id of this editor session: announces it in presence' },
              who: { type: 'string', maxLength: 200, deprecated: true, description: 'Ignored, accepted for older clients: the name shown is the signed-in account\'s, or none for an anonymous visitor' },
            },
            additionalProperties: false,
          },
          headers: { type: 'object', properties: { 'last-event-id': { type: 'string', description: 'Replays the revisions after this one' } } },
          response: {
            200: { description: 'An event stream (text/event-stream)', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            ...problemResponses(400, 429),
          },
        },
      },
      handler: events,
    },
  });
}
