// Personal API tokens: `Authorization: Bearer midair_…`. The store keeps their digest; the
// token itself is shown once, when it is made. Revoking deletes the row, so the next request
// with it fails in every process.
import type { AccountStore, TokenRecord, User } from '../storage/accounts.js';
import { digestOf, isWellFormedToken, newApiToken } from './secrets.js';

export const MAX_TOKEN_LABEL = 100;
const TOUCH_EVERY_MS = 60_000;

export class ApiTokens {
  constructor(
    private readonly accounts: AccountStore,
    private readonly clock: () => number = Date.now,
  ) {}

  async create(user: User, label: string): Promise<{ token: string; record: TokenRecord }> {
    const token = newApiToken();
    const record = await this.accounts.addToken({ userId: user.id, label, digest: digestOf(token), now: this.clock() });
    return { token, record };
  }

  /** The token's user, or undefined when it is unknown, revoked, or its user is disabled. */
  async lookup(token: string): Promise<{ user: User; tokenId: number } | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    const found = await this.accounts.token(digestOf(token));
    if (!found || found.user.disabled) return undefined;
    const now = this.clock();
    if (found.token.usedAt === null || now - found.token.usedAt >= TOUCH_EVERY_MS) await this.accounts.touchToken(found.token.id, now);
    return { user: found.user, tokenId: found.token.id };
  }
}
