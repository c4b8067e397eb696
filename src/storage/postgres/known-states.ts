// The hint behind PostgresPageStore.lastKnown: what this process last read or wrote of each page,
// for writes only (their compare-and-swap refuses a stale revision). Per store instance.
import type { ChangeEvent, PageState } from '../store.js';

const KNOWN_STATES = 10_000;

/** Page states this process last saw, by name; bounded, emptied when full. */
export class KnownStates {
  private readonly states = new Map<string, PageState>();

  get(name: string): PageState | undefined {
    return this.states.get(name);
  }

  remember(state: PageState): void {
    const held = this.states.get(state.name);
    if (held && held.revision > state.revision) return; // a read that raced a newer write
    if (!held && this.states.size >= KNOWN_STATES) this.states.clear();
    this.states.set(state.name, state);
  }

  forget(name: string): void {
    this.states.delete(name);
  }

  heard(event: ChangeEvent): void {
    if (this.states.get(event.name)?.revision !== event.revision) this.states.delete(event.name);
  }
}
