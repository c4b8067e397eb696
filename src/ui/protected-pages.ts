// Which pages are protected, as the wiki's pages show it (a note, and no Edit tab for those
// who may not edit them). Protection is rare and its list is short, so each server keeps the
// whole list and its version; a page cached for a viewer names the version, and any change to
// the list makes every such page render afresh. The list is read again at most every
// `maxAgeMs` while requests come (the admin tool or another process may have changed it), and
// at once after a change made through this server. It only decides what a page offers: the
// write itself re-checks protection in its transaction.
import type { AccountStore } from '../storage/accounts.js';

export class ProtectedPages {
  private names: ReadonlySet<string> = new Set();
  private listVersion = 0;
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly accounts: AccountStore | undefined,
    private readonly maxAgeMs = 2000,
  ) {}

  /** Changes whenever the list does. A list older than maxAgeMs is read again in the background. */
  get version(): number {
    if (this.accounts && this.reading === undefined && Date.now() - this.readAt > this.maxAgeMs) void this.refresh();
    return this.listVersion;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Reads the list now; a failed read keeps the list it had (and is tried again later). */
  refresh(): Promise<void> {
    if (!this.accounts) return Promise.resolve();
    const accounts = this.accounts;
    this.reading ??= (async () => {
      try {
        const names = new Set((await accounts.protectedPages()).map((p) => p.name));
        if (names.size !== this.names.size || [...names].some((n) => !this.names.has(n))) {
          this.names = names;
          this.listVersion++;
        }
      } catch {
        // The store is unreachable for a moment: keep showing what was known.
      } finally {
        this.readAt = Date.now();
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  /** The account store, with every protection change made through it seen at once. */
  watching(store: AccountStore): AccountStore {
    return new Proxy(store, {
      get: (target, property, receiver) => {
        if (property === 'setProtected') {
          return async (...args: Parameters<AccountStore['setProtected']>) => {
            await target.setProtected(...args);
            await this.refreshAfterChange();
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** A read already under way may have started before the change: wait for it, then read again. */
  private async refreshAfterChange(): Promise<void> {
    await this.reading;
    await this.refresh();
  }
}
