// Link states are kept until a page they link to changes, and never kept from a lookup that a
// change overlapped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeEvent, PageStore } from '../storage/store.js';
import { LinkStates } from './link-states.js';

/** The one part of a store LinkStates uses: its change feed, driven by hand. */
function feed() {
  const listeners = new Set<{ change: (event: ChangeEvent) => void; missed?: () => void }>();
  const store = {
    onChange(change: (event: ChangeEvent) => void, missed?: () => void) {
      const entry = { change, ...(missed ? { missed } : {}) };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  } as unknown as PageStore;
  const event = (name: string): ChangeEvent => ({ sequence: 1, name, revision: 1, etag: '"x"', deleted: false, summary: '', author: 'a', lastModified: 0 }) as unknown as ChangeEvent;
  return {
    store,
    listeners,
    change: (name: string) => listeners.forEach((l) => l.change(event(name))),
    missed: () => listeners.forEach((l) => l.missed?.()),
  };
}

const state = (key: string) => ({ existing: new Set<string>(), key });

describe('LinkStates', () => {
  it('keeps a state until a page it links to changes; changes to other pages leave it', () => {
    const f = feed();
    const states = new LinkStates(f.store);
    states.set('Home\u00001', ['Guide', 'Nowhere'], state('10'), states.mark());
    states.set('Other\u00003', ['Elsewhere'], state('0'), states.mark());
    f.change('Unrelated');
    f.change('Home'); // the page itself: a new revision has another id
    assert.equal(states.get('Home\u00001')?.key, '10');
    f.change('Nowhere');
    assert.equal(states.get('Home\u00001'), undefined);
    assert.equal(states.get('Other\u00003')?.key, '0');
  });

  it('does not keep a lookup that a change overlapped', () => {
    const f = feed();
    const states = new LinkStates(f.store);
    const mark = states.mark();
    f.change('Guide'); // committed while the existence query ran
    states.set('Home\u00001', ['Guide'], state('0'), mark);
    assert.equal(states.get('Home\u00001'), undefined);
    states.set('Home\u00001', ['Guide'], state('1'), states.mark());
    assert.equal(states.get('Home\u00001')?.key, '1');
  });

  it('forgets everything when the feed says changes may have been missed', () => {
    const f = feed();
    const states = new LinkStates(f.store);
    states.set('Home\u00001', ['Guide'], state('1'), states.mark());
    f.missed();
    assert.equal(states.get('Home\u00001'), undefined);
  });

  it('an evicted state leaves no trace: a later change to its links touches only the states present', () => {
    const f = feed();
    const states = new LinkStates(f.store, 1);
    states.set('A\u00001', ['Shared'], state('1'), states.mark());
    states.set('B\u00001', ['Shared'], state('1'), states.mark()); // evicts A
    assert.equal(states.get('A\u00001'), undefined);
    f.change('Shared');
    assert.equal(states.get('B\u00001'), undefined);
    states.set('A\u00001', ['Shared'], state('0'), states.mark());
    assert.equal(states.get('A\u00001')?.key, '0');
  });

  it('close() unsubscribes from the store', () => {
    const f = feed();
    const states = new LinkStates(f.store);
    assert.equal(f.listeners.size, 1);
    states.close();
    assert.equal(f.listeners.size, 0);
  });
});
