import type { ChangeEvent } from '../store.js';
import { ChannelListener } from './channel-listener.js';
import type { ListenConnection } from './driver.js';

type Listener = (event: ChangeEvent) => void;
type Missed = () => void;

export interface ChangeFeedSource {
  /** A fresh, unconnected client for LISTEN (a pooled one would be recycled under it). */
  connect(): ListenConnection;
  readonly channel: string;
  /** One committed change, for a notification too long to carry it. */
  readChange(sequence: number): Promise<ChangeEvent | undefined>;
}

/** Sequences remembered as delivered: far more than can be in flight between a commit and its NOTIFY. */
const REMEMBERED = 16_384;

function toEvent(p: unknown): ChangeEvent | undefined {
  if (typeof p !== 'object' || p === null) return undefined;
  const c = p as Record<string, unknown>;
  if (typeof c.seq !== 'number' || typeof c.name !== 'string' || typeof c.revision !== 'number') return undefined;
  return {
    sequence: c.seq,
    name: c.name,
    revision: c.revision,
    etag: typeof c.etag === 'string' ? c.etag : null,
    deleted: c.deleted === true,
    summary: String(c.summary ?? ''),
    author: String(c.author ?? ''),
    lastModified: Number(c.modified),
  };
}

/**
 * A notification's payload (write-batch.ts): a batch's changes as an array, one change, or
 * only a change's sequence when the change was too long to carry. Undefined when unreadable.
 */
export function parsePayload(payload: string | undefined): ChangeEvent[] | number | undefined {
  if (payload === undefined) return undefined;
  if (/^\d{1,15}$/.test(payload)) return Number(payload);
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const events = (Array.isArray(parsed) ? parsed : [parsed]).map(toEvent);
  return events.length > 0 && events.every((event) => event !== undefined) ? (events as ChangeEvent[]) : undefined;
}

/**
 * Hands every committed change to the listeners once, whichever process made it. Each write
 * batch sends NOTIFY from its own transaction, so PostgreSQL delivers it only if, and after, it
 * committed; this process's own writes are delivered as they commit, and their notifications
 * are then recognised by sequence and passed over.
 *
 * Changes to one page arrive in revision order (a page's writers queue on its row lock).
 * Across pages there is no order to keep, and none is promised.
 *
 * While the LISTEN connection is down, notifications are lost; after reconnecting, the
 * listeners' `missed` callbacks run, and they re-read what they show.
 */
export class ChangeFeed {
  private readonly listeners = new Map<Listener, Missed | undefined>();
  private readonly delivered = new Set<number>();
  private readonly listener: ChannelListener;

  constructor(private readonly source: ChangeFeedSource) {
    this.listener = new ChannelListener({
      connect: () => source.connect(),
      channel: source.channel,
      notified: (payload) => this.noticed(payload),
      // Whatever committed while nobody was listening is not known here.
      resumed: () => this.missed(),
    });
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  subscribe(listener: Listener, missed?: Missed): () => void {
    this.listeners.set(listener, missed);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A change this process just committed. */
  committed(event: ChangeEvent): void {
    if (this.remember(event.sequence)) this.emit(event);
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  /** False when the sequence was delivered already. */
  private remember(sequence: number): boolean {
    if (this.delivered.has(sequence)) return false;
    this.delivered.add(sequence);
    // A Set iterates in insertion order: the first is the oldest.
    if (this.delivered.size > REMEMBERED) this.delivered.delete(this.delivered.values().next().value!);
    return true;
  }

  private noticed(payload: string | undefined): void {
    const parsed = parsePayload(payload);
    if (parsed === undefined) {
      this.missed();
    } else if (typeof parsed !== 'number') {
      for (const event of parsed) this.committed(event);
    } else if (!this.delivered.has(parsed) && this.listeners.size > 0) {
      this.source.readChange(parsed).then(
        (event) => event && this.committed(event),
        () => this.missed(),
      );
    }
  }

  private emit(event: ChangeEvent): void {
    for (const listener of [...this.listeners.keys()]) {
      try {
        listener(event);
      } catch (error) {
        // One faulty listener must not keep the event from the others, nor fail the write.
        process.emitWarning(`A page-change listener threw: ${error instanceof Error ? error.stack : String(error)}`);
      }
    }
  }

  private missed(): void {
    for (const missed of [...this.listeners.values()]) {
      try {
        missed?.();
      } catch (error) {
        process.emitWarning(`A page-change listener threw: ${error instanceof Error ? error.stack : String(error)}`);
      }
    }
  }
}
