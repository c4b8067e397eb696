import type { ChangeEvent } from '../store.js';
import { type ListenConnection, quoteIdentifier } from './driver.js';

type Listener = (event: ChangeEvent) => void;

export interface ChangeFeedSource {
  /** A fresh, unconnected client for LISTEN (a pooled one would be recycled under it). */
  connect(): ListenConnection;
  readonly channel: string;
  /** Committed changes after `sequence`, oldest first. */
  readSince(sequence: number, limit: number): Promise<ChangeEvent[]>;
  readSequence(): Promise<number>;
}

const REPLAY_PAGE = 500;
const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 5000;

/**
 * Hands every committed change to the listeners once, in sequence order, whichever process
 * made it. A write's transaction sends NOTIFY with its sequence; a notification is only a
 * hint to read the revisions table from the last sequence delivered, so a notification lost
 * while the LISTEN connection was down is made up for by the replay after reconnecting.
 *
 * Reading by sequence is sound because writers take a lock before drawing their sequence
 * and hold it to commit: once sequence n is visible, every smaller one that will ever
 * commit already has.
 */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  /** The highest sequence handed to the listeners, or passed over while there were none. */
  private delivered = 0;
  private ready = false;
  private noticedBeforeReady = 0;
  private connection: ListenConnection | undefined;
  private readonly reconnecting = new Backoff();
  private readonly replayRetry = new Backoff();
  private replaying: Promise<void> | undefined;
  private replayAgain = false;
  private closed = false;

  constructor(private readonly source: ChangeFeedSource) {}

  /** Listens, then takes the current sequence as the starting point. */
  async start(): Promise<void> {
    await this.listen();
    this.delivered = Math.max(await this.source.readSequence(), this.noticedBeforeReady);
    this.ready = true;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A change this process just committed: delivered at once when it is next in line. */
  committed(event: ChangeEvent): void {
    if (event.sequence <= this.delivered) return;
    if (this.listeners.size === 0) {
      this.delivered = event.sequence;
    } else if (event.sequence === this.delivered + 1) {
      this.delivered = event.sequence;
      this.emit(event);
    } else {
      this.replay();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reconnecting.cancel();
    this.replayRetry.cancel();
    const connection = this.connection;
    this.connection = undefined;
    await Promise.allSettled([connection?.end(), this.replaying]);
  }

  private noticed(payload: string | undefined): void {
    const sequence = Number(payload);
    if (!Number.isSafeInteger(sequence)) {
      this.replay();
      return;
    }
    if (!this.ready) {
      this.noticedBeforeReady = Math.max(this.noticedBeforeReady, sequence);
      return;
    }
    if (sequence <= this.delivered) return;
    if (this.listeners.size === 0) this.delivered = sequence;
    else this.replay();
  }

  private emit(event: ChangeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One faulty listener must not keep the event from the others, nor fail the write.
        process.emitWarning(`A page-change listener threw: ${error instanceof Error ? error.stack : String(error)}`);
      }
    }
  }

  private replay(): void {
    if (this.closed) return;
    if (this.replaying) {
      this.replayAgain = true;
      return;
    }
    this.replaying = this.readAndDeliver()
      .then(() => this.replayRetry.reset())
      .catch(() => {
        // The database is away: try again later (a reconnect replays as well).
        if (!this.closed) this.replayRetry.schedule(() => this.replay());
      })
      .finally(() => {
        this.replaying = undefined;
      });
  }

  private async readAndDeliver(): Promise<void> {
    do {
      this.replayAgain = false;
      for (;;) {
        const events = await this.source.readSince(this.delivered, REPLAY_PAGE);
        if (this.closed) return;
        for (const event of events) {
          if (event.sequence <= this.delivered) continue;
          this.delivered = event.sequence;
          if (this.listeners.size > 0) this.emit(event);
        }
        if (events.length < REPLAY_PAGE) break;
      }
    } while (this.replayAgain);
  }

  private async listen(): Promise<void> {
    const connection = this.source.connect();
    const lost = () => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      if (!this.closed) this.reconnecting.schedule(() => void this.reconnect());
    };
    connection.on('notification', (message) => {
      if (message.channel === this.source.channel) this.noticed(message.payload);
    });
    connection.on('error', lost);
    connection.on('end', lost);
    try {
      await connection.connect();
      await connection.query(`LISTEN ${quoteIdentifier(this.source.channel)}`);
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
    // Whatever committed while nobody was listening.
    this.replay();
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
