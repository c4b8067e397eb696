// The names of protected pages, held in memory so that a write's permission check costs no
// round trip. Every protect and unprotect sends NOTIFY from its own transaction (whichever
// process or admin tool made it), so the set follows the database within a notification's
// delay; the write statement itself re-checks protection, so that delay can never let a
// write through to a page protected meanwhile.
import { ChannelListener } from './channel-listener.js';
import type { ListenConnection } from './driver.js';

const RETRY_MS = 5000;

export interface ProtectedNamesSource {
  connect(): ListenConnection;
  readonly channel: string;
  /** Every protected name, read after the LISTEN is in place. */
  load(): Promise<string[]>;
}

export class ProtectedNames {
  /** Undefined whenever the set may be stale: before the first load, and while not listening. */
  private names: Set<string> | undefined;
  private listener: ChannelListener | undefined;
  /** Notifications that arrived while a load was on its way; applied after it, in order. */
  private pending: string[] | undefined;
  private generation = 0;
  /** After a failed start, the next one waits until then (ms), so an outage is not met by a connection per request. */
  private retryAt = 0;

  constructor(private readonly source: ProtectedNamesSource) {}

  /** Whether `name` is protected, or undefined when that is not known here right now. */
  has(name: string): boolean | undefined {
    if (this.listener === undefined && Date.now() >= this.retryAt) this.start();
    return this.names?.has(name);
  }

  /** A change this process just committed: seen here at once, before its own notification. */
  committed(name: string, protect: boolean): void {
    this.notified(`${protect ? '+' : '-'}${name}`);
  }

  async close(): Promise<void> {
    this.generation++;
    this.names = undefined;
    await this.listener?.close();
  }

  /** Listens first, then loads: a change is then in the loaded set, or notified, or both. */
  private start(): void {
    this.listener = new ChannelListener({
      connect: () => this.source.connect(),
      channel: this.source.channel,
      notified: (payload) => this.notified(payload),
      lost: () => this.forget(),
      resumed: () => void this.reload(),
    });
    this.listener.start().then(
      () => this.reload(),
      // Not listening: callers keep asking the database; a call after RETRY_MS tries again.
      () => {
        this.listener = undefined;
        this.retryAt = Date.now() + RETRY_MS;
      },
    );
  }

  private notified(payload: string | undefined): void {
    if (payload === undefined) return;
    if (this.pending !== undefined) this.pending.push(payload);
    else if (this.names !== undefined) apply(this.names, payload);
  }

  private forget(): void {
    this.generation++;
    this.names = undefined;
    this.pending = undefined;
  }

  private async reload(): Promise<void> {
    const generation = ++this.generation;
    this.names = undefined;
    this.pending = [];
    try {
      const loaded = new Set(await this.source.load());
      if (generation !== this.generation) return;
      for (const payload of this.pending) apply(loaded, payload);
      this.names = loaded;
    } catch {
      // Unknown until the next reconnect; callers ask the database meanwhile.
    } finally {
      if (generation === this.generation) this.pending = undefined;
    }
  }
}

/** A payload is '+' (protected) or '-' (unprotected), then the page name (postgres-accounts.ts). */
function apply(names: Set<string>, payload: string): void {
  const name = payload.slice(1);
  if (payload.startsWith('+')) names.add(name);
  else if (payload.startsWith('-')) names.delete(name);
}
