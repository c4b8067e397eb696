// Server-side sessions: the browser holds a random id in an HttpOnly cookie, the store holds
// its digest, the user and two times. A session ends when it is signed out, unused for the
// idle timeout, or older than the maximum age, whichever comes first.
import type { AccountStore, User } from '../storage/accounts.js';
import { digestOf, isWellFormedSecret, newSecret } from './secrets.js';

export const SESSION_COOKIE = 'midair_session';

export interface SessionSettings {
  readonly idleTimeoutMs: number;
  readonly maxAgeMs: number;
  readonly clock?: () => number;
}

export type SessionLookup =
  | { readonly state: 'valid'; readonly user: User; readonly digest: string }
  /** Unknown, expired, or its user disabled: the browser should forget the cookie. */
  | { readonly state: 'invalid' };

const PRUNE_EVERY_MS = 3_600_000;

export class Sessions {
  private readonly clock: () => number;
  /** The last use is written at most this often per session, so reads stay reads. */
  private readonly touchEveryMs: number;
  private prunedAt = 0;

  constructor(
    private readonly accounts: AccountStore,
    readonly settings: SessionSettings,
  ) {
    this.clock = settings.clock ?? Date.now;
    this.touchEveryMs = Math.min(60_000, Math.floor(settings.idleTimeoutMs / 10));
  }

  /** A new session for the user; returns its id, the only copy of which goes to the browser. */
  async start(user: User): Promise<string> {
    const id = newSecret();
    const now = this.clock();
    await this.accounts.addSession(digestOf(id), user.id, now);
    void this.pruneNow(now);
    return id;
  }

  async lookup(id: string): Promise<SessionLookup> {
    if (!isWellFormedSecret(id)) return { state: 'invalid' };
    const digest = digestOf(id);
    const found = await this.accounts.session(digest);
    if (!found) return { state: 'invalid' };
    const now = this.clock();
    const { session, user } = found;
    if (user.disabled || now - session.seenAt > this.settings.idleTimeoutMs || now - session.createdAt > this.settings.maxAgeMs) {
      await this.accounts.removeSession(digest);
      return { state: 'invalid' };
    }
    if (now - session.seenAt >= this.touchEveryMs) await this.accounts.touchSession(digest, now);
    return { state: 'valid', user, digest };
  }

  /** Ends the session with this id, if there is one. */
  async end(id: string): Promise<void> {
    if (isWellFormedSecret(id)) await this.accounts.removeSession(digestOf(id));
  }

  /** Seconds the browser may keep the cookie: the session cannot outlive them. */
  get cookieMaxAgeSeconds(): number {
    return Math.ceil(this.settings.maxAgeMs / 1000);
  }

  private async pruneNow(now: number): Promise<void> {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    await this.accounts.pruneSessions(now - this.settings.idleTimeoutMs, now - this.settings.maxAgeMs).catch(() => undefined);
  }
}
