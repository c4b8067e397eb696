// How dates, sizes and names read on the wiki's pages.
import { encodePageName } from '../pages/page-name.js';
import { type Html, html } from './html.js';
import { wikiPathName } from './wiki-url.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date in UTC, which a script turns into the reader's local time. */
export function dateTime(ms: number): Html {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
  return html`<time datetime="${d.toISOString()}">${text}</time>`;
}

export function byteSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export function signedDelta(delta: number): string {
  return delta > 0 ? `+${delta}` : delta < 0 ? `\u2212${-delta}` : '±0';
}

/** The wiki's URLs of a page: segments percent-encoded, "/" kept (wiki-url.ts); the API's, one segment. */
export const wikiPath = {
  page: (name: string) => `/wiki/${wikiPathName(name)}`,
  edit: (name: string) => `/wiki/${wikiPathName(name)}/edit`,
  history: (name: string) => `/wiki/${wikiPathName(name)}/history`,
  revision: (name: string, n: number) => `/wiki/${wikiPathName(name)}/revisions/${n}`,
  diff: (name: string, from: number, to: number) => `/wiki/${wikiPathName(name)}/diff?from=${from}&to=${to}`,
  action: (name: string, action: 'move' | 'delete' | 'backlinks' | 'protection' | 'preview') => `/wiki/${wikiPathName(name)}/${action}`,
  api: (name: string) => `/api/pages/${encodePageName(name)}`,
  events: (name: string) => `/api/pages/${encodePageName(name)}/events`,
};

/** Who made a change, as a reader sees it. */
export function authorName(author: string): string {
  return author.trim() === '' ? 'someone' : author;
}
