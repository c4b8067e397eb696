// Atom feeds (RFC 4287) of changes, made with the `feed` package: the wiki's recent changes and
// one page's history. Every entry is a revision, linked to what it changed; the feed's date is
// its newest entry's, so the same changes always make the same bytes (and the same ETag).
import { Feed } from 'feed';
import { authorName, wikiPath } from './format.js';
import { escapeHtml } from './html.js';

/** One change, as the recent changes list and a page's history both have it. */
export interface FeedChange {
  readonly name: string;
  readonly revision: number;
  readonly deleted: boolean;
  readonly summary: string;
  readonly author: string;
  readonly lastModified: number;
}

export interface FeedSource {
  readonly title: string;
  readonly subtitle: string;
  /** The feed's own path, e.g. /changes.atom. */
  readonly selfPath: string;
  /** The HTML page the feed follows. */
  readonly pagePath: string;
  /** Newest first. */
  readonly changes: readonly FeedChange[];
}

export const ATOM_TYPE = 'application/atom+xml';

export const feedPath = {
  changes: '/changes.atom',
  history: (name: string) => `${wikiPath.history(name)}.atom`,
};

/** The feeds a view announces (layout's `feeds`): the wiki's, and the page's when there is one. */
export function feedsOf(name?: string): { title: string; href: string }[] {
  const site = { title: 'Recent changes (Atom)', href: feedPath.changes };
  return name === undefined ? [site] : [{ title: `History of ${name} (Atom)`, href: feedPath.history(name) }, site];
}

function whatHappened(change: FeedChange): string {
  if (change.deleted) return 'deleted';
  return change.revision === 1 ? 'created' : 'edited';
}

/** Where an entry leads: what the revision changed, or the history for a deletion. */
function entryPath(change: FeedChange): string {
  if (change.deleted) return wikiPath.history(change.name);
  if (change.revision === 1) return wikiPath.revision(change.name, 1);
  return wikiPath.diff(change.name, change.revision - 1, change.revision);
}

/** The Atom document; `origin` (scheme://host) makes every link absolute, as feed readers need. */
export function atomFeed(source: FeedSource, origin: string): string {
  const newest = source.changes[0];
  const feed = new Feed({
    title: source.title,
    description: source.subtitle,
    id: origin + source.selfPath,
    link: origin + source.pagePath,
    feedLinks: { atom: origin + source.selfPath },
    // Not "now": an unchanged feed must be byte for byte the same, to answer 304.
    updated: new Date(newest?.lastModified ?? 0),
    generator: 'midair',
    language: 'en',
  });
  for (const change of source.changes) {
    const author = authorName(change.author);
    feed.addItem({
      // The package marks titles and summaries type="html" (in CDATA): text is escaped into HTML,
      // which also keeps a "]]>" in a summary from ending the CDATA section.
      title: escapeHtml(`${change.name} ${whatHappened(change)} by ${author} (revision ${change.revision})`),
      // A revision's address never names another revision: a permanent entry id (RFC 4287 §4.2.6).
      id: origin + wikiPath.revision(change.name, change.revision),
      link: origin + entryPath(change),
      date: new Date(change.lastModified),
      description: escapeHtml(change.summary === '' ? 'No summary given.' : change.summary),
      author: [{ name: author }],
    });
  }
  return feed.atom1();
}
