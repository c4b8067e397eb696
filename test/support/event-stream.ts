// A minimal EventSource for tests: the raw response, and the events and comments as parsed.
import http from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export class EventStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  res!: http.IncomingMessage;
  private req!: http.ClientRequest;

  static open(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
    const stream = new EventStream();
    return new Promise((resolve, reject) => {
      stream.req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        stream.res = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => stream.feed(chunk));
        resolve(stream);
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
  async until<T>(check: () => T | undefined, what: string, ms = 5000): Promise<T> {
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

  close(): void {
    this.req.destroy();
  }
}

