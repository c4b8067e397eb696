// LISTEN on one channel over a connection of its own, reconnecting with backoff. PostgreSQL
// keeps no notification for a listener that is away, so the owner is told when the connection
// is lost and when it is back, and re-reads then whatever it keeps in step.
import { type ListenConnection, quoteIdentifier } from './driver.js';

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 5000;

export interface ChannelListenerOptions {
  /** A fresh, unconnected client (a pooled one would be recycled under it). */
  connect(): ListenConnection;
  readonly channel: string;
  /** A notification on the channel, in commit order. */
  notified(payload: string | undefined): void;
  /** The connection was lost: notifications may be missed from now on. */
  lost?(): void;
  /** Listening again after a loss; whatever committed meanwhile is unknown. */
  resumed?(): void;
}

export class ChannelListener {
  private connection: ListenConnection | undefined;
  private readonly reconnecting = new Backoff();
  private closed = false;

  constructor(private readonly options: ChannelListenerOptions) {}

  /** True while a LISTEN is in place. */
  get listening(): boolean {
    return this.connection !== undefined;
  }

  /** Connects and listens; rejects when the first connection fails. */
  start(): Promise<void> {
    return this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reconnecting.cancel();
    const connection = this.connection;
    this.connection = undefined;
    await Promise.allSettled([connection?.end()]);
  }

  private async listen(): Promise<void> {
    const connection = this.options.connect();
    const lost = () => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      this.options.lost?.();
      if (!this.closed) this.reconnecting.schedule(() => void this.reconnect());
    };
    connection.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.notified(message.payload);
    });
    connection.on('error', lost);
    connection.on('end', lost);
    try {
      await connection.connect();
      await connection.query(`LISTEN ${quoteIdentifier(this.options.channel)}`);
    } catch (error) {
      await connection.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await connection.end().catch(() => undefined);
      return;
    }
    this.connection = connection;
  }

  private async reconnect(): Promise<void> {
    try {
      await this.listen();
      this.reconnecting.reset();
    } catch {
      if (!this.closed) this.reconnecting.schedule(() => void this.reconnect());
      return;
    }
    if (!this.closed) this.options.resumed?.();
  }
}

/** One pending retry at a time, waiting twice as long after each failure, up to a limit. */
class Backoff {
  private timer: NodeJS.Timeout | undefined;
  private delayMs = FIRST_RETRY_MS;

  schedule(action: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(action, this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, LAST_RETRY_MS);
  }

  reset(): void {
    this.delayMs = FIRST_RETRY_MS;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
