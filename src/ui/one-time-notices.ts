// What a form did, kept for the page its redirect leads to (POST-redirect-GET): shown once, to
// the user who posted, then gone. Kept in this process's memory for a few minutes, so a
// generated password never travels in a URL or a cookie.
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';

export class OneTimeNotices<Notice extends object> {
  private readonly notices: LRUCache<string, { owner: number; notice: Notice }>;

  constructor(options: { max?: number; ttlMs?: number } = {}) {
    this.notices = new LRUCache({ max: options.max ?? 1000, ttl: options.ttlMs ?? 10 * 60_000 });
  }

  /** Keeps `notice` for `owner` (a user id); returns its id for the redirect's URL. */
  put(owner: number, notice: Notice): string {
    const id = randomBytes(12).toString('base64url');
    this.notices.set(id, { owner, notice });
    return id;
  }

  /** The notice, once, and only to its owner. */
  take(owner: number, id: string): Notice | undefined {
    const kept = this.notices.get(id);
    if (!kept || kept.owner !== owner) return undefined;
    this.notices.delete(id);
    return kept.notice;
  }
}
