// How many event streams may be open at once, per page and per client address. A stream holds
// a socket and a place in every broadcast of its page for as long as it stays open, so one page
// or one client must not be able to gather thousands. Counted per process (like the rate limits).
import { HttpProblem } from './errors.js';

export interface StreamLimits {
  /** Open streams of one page (default 500). */
  readonly maxPageStreams?: number;
  /** Open streams from one client address, over all pages (default 64). */
  readonly maxStreamsPerClient?: number;
}

export const DEFAULT_MAX_PAGE_STREAMS = 500;
export const DEFAULT_MAX_STREAMS_PER_CLIENT = 64;
/** Streams end when people close editors, not on a clock: a guess that is neither hasty nor idle. */
const RETRY_AFTER_SECONDS = 30;

function refusal(detail: string): HttpProblem {
  // RFC 6585 §4: 429 may say how long to wait with Retry-After.
  return new HttpProblem('too-many-streams', `${detail} Try again in ${RETRY_AFTER_SECONDS} s.`, { retryAfter: RETRY_AFTER_SECONDS }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}

export class StreamQuota {
  private readonly perPage = new Map<string, number>();
  private readonly perClient = new Map<string, number>();
  private readonly maxPage: number;
  private readonly maxClient: number;

  constructor(limits: StreamLimits = {}) {
    this.maxPage = limits.maxPageStreams ?? DEFAULT_MAX_PAGE_STREAMS;
    this.maxClient = limits.maxStreamsPerClient ?? DEFAULT_MAX_STREAMS_PER_CLIENT;
  }

  /** Takes a place for one stream, or throws 429; the returned function gives it back (once). */
  admit(page: string, client: string): () => void {
    if ((this.perClient.get(client) ?? 0) >= this.maxClient) {
      throw refusal(`Your address already has ${this.maxClient} event streams open.`);
    }
    if ((this.perPage.get(page) ?? 0) >= this.maxPage) {
      throw refusal(`This page already has ${this.maxPage} event streams open.`);
    }
    add(this.perClient, client, 1);
    add(this.perPage, page, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      add(this.perClient, client, -1);
      add(this.perPage, page, -1);
    };
  }
}

function add(counts: Map<string, number>, key: string, by: number): void {
  const count = (counts.get(key) ?? 0) + by;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}
