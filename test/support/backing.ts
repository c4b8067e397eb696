// What the contract suites share: a place the data lives, on which store instances are opened
// and all closed at the end; and whether PostgreSQL cases run, skip, or (in CI) must fail.
import type { Reachability } from './postgres.js';

/** One place the data lives (a file, a schema), on which any number of instances can be opened. */
export interface Backing<Store, Options = Record<string, never>> {
  open(options?: Options): Promise<Store>;
  dispose(): Promise<void>;
}

/** Closes every instance it opened (closing twice is harmless for a case that closed one itself). */
export function backingOf<Store extends { close(): Promise<void> }, Options>(
  open: (options: Options) => Promise<Store>,
  remove: () => Promise<void>,
): Backing<Store, Options> {
  const opened: Store[] = [];
  return {
    async open(options = {} as Options) {
      const store = await open(options);
      opened.push(store);
      return store;
    },
    async dispose() {
      await Promise.allSettled(opened.map((store) => store.close()));
      await remove();
    },
  };
}

/** PostgreSQL cases run when it is reachable; otherwise they skip with the reason, or fail when CI=true. */
export function postgresVerdict(reach: Reachability): { skip?: string; failure?: string } {
  if (reach.reachable) return {};
  if (process.env['CI'] === 'true') return { failure: `${reach.reason}. CI=true requires the PostgreSQL cases to run, so they fail.` };
  return { skip: `${reach.reason}. Start it or set DATABASE_URL; with CI=true this is a failure.` };
}
