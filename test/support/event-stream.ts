// A minimal EventSource for tests: the raw response, and the events and comments as parsed;
// the bytes received (to measure what a server pushes), and the editors its presence events describe.
import http from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface EditorSeen {
  readonly id: string;
  readonly name: string | null;
  readonly since: string;
}

export interface StreamOptions {
  /** The client address to connect from (any 127.x.y.z works on Linux's loopback). */
  readonly localAddress?: string;
}

export class EventStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  /** Bytes of body received so far. */
  bytes = 0;
  /** The whole body as text, when the answer is not an event stream (a problem document). */
  body = '';
  private buffer = '';
  private waiters: (() => void)[] = [];
  res!: http.IncomingMessage;
  private req!: http.ClientRequest;

  static open(url: string, headers: Record<string, string> = {}, options: StreamOptions = {}): Promise<EventStream> {
    const stream = new EventStream();
    return new Promise((resolve, reject) => {
      // A socket of its own: a stream never gives its connection back to a pool.
      stream.req = http.get(url, { agent: false, headers: { accept: 'text/event-stream', ...headers }, ...options }, (res) => {
        stream.res = res;
        res.setEncoding('utf8');
        const problem = res.statusCode !== 200;
        res.on('data', (chunk: string) => {
          stream.bytes += Buffer.byteLength(chunk);
          if (problem) stream.body += chunk;
          else stream.feed(chunk);
        });
        if (!problem) return resolve(stream);
        res.on('end', () => resolve(stream));
      });
      stream.req.on('error', reject);
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { event: 'message', data: '' };
      let fields = 0;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        const m = /^(id|event|data|retry): ?(.*)$/.exec(line);
        if (!m) continue;
        fields++;
        if (m[1] === 'id') event.id = m[2]!;
        if (m[1] === 'event') event.event = m[2]!;
        if (m[1] === 'data') event.data += m[2]!;
      }
      if (fields > 0 && event.data !== '') this.events.push(event);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until `check` holds of what arrived so far. */
  async until<T>(check: () => T | false | undefined, what: string, ms = 5000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = check();
      if (found !== undefined && found !== false) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  of(type: string): SseEvent[] {
    return this.events.filter((e) => e.event === type);
  }

  /**
   * The editors as a client that applies the events sees them: the last `presence` list, then
   * each later `presence-change`; undefined before the first list.
   */
  editors(): { editors: Map<string, EditorSeen>; others: number } | undefined {
    let seen: { editors: Map<string, EditorSeen>; others: number } | undefined;
    for (const event of this.events) {
      if (event.event === 'presence') {
        const data = JSON.parse(event.data) as { editors: EditorSeen[]; others: number };
        seen = { editors: new Map(data.editors.map((e) => [e.id, e])), others: data.others };
      } else if (event.event === 'presence-change' && seen) {
        const data = JSON.parse(event.data) as { joined: EditorSeen[]; left: string[]; others: number };
        for (const id of data.left) seen.editors.delete(id);
        for (const e of data.joined) seen.editors.set(e.id, e);
        seen.others = data.others;
      }
    }
    return seen;
  }

  close(): void {
    this.req.destroy();
  }
}

