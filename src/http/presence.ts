// Who has a page open in an editor, told to the page's streams as changes rather than lists.
// Each page keeps its editors in the order they came. The first `maxListed` are named to
// everyone; the rest are a count. Joins and leaves are not sent one by one: the first change
// starts a short window, and when it ends each stream gets one event saying how the named
// list and the count differ from what the last window sent. A join and a leave inside one
// window cancel out, so a reconnecting editor or a burst of tabs costs nothing.
import { createHash } from 'node:crypto';
import { isoDate } from './json-representation.js';

/** One editor as others see it. `name` is the account's, or null for an anonymous visitor. */
export interface EditorView {
  readonly id: string;
  readonly name: string | null;
  readonly since: string;
}

interface Editor {
  readonly view: EditorView;
  connections: number;
}

class PageEditors {
  /** Join order: a Map iterates in insertion order, so the first entries are the longest here. */
  readonly editors = new Map<string, Editor>();
  /** What the last window told the page's streams: the named editors and the count of the rest. */
  sent: readonly EditorView[] = [];
  sentOthers = 0;
  timer: NodeJS.Timeout | undefined;
}

export interface PresenceOptions {
  /** Joins and leaves within this many ms go out as one event (default 250). */
  readonly windowMs?: number;
  /** Editors named in an event; the others are a count (default 20). */
  readonly maxListed?: number;
  /**
   * Called once per page and window. `change` is the event for streams already holding the
   * list (undefined when nothing they hold changed); `list` builds the whole list, for streams
   * that have none yet.
   */
  readonly publish: (page: string, change: string | undefined, list: () => string) => void;
}

const WINDOW_MS = 250;
const MAX_LISTED = 20;

/** One SSE event. Data is JSON, which has no raw newlines, so it fits on one data line. */
export function eventText(fields: { id?: number; event: string; data: unknown }): string {
  return `${fields.id === undefined ? '' : `id: ${fields.id}\n`}event: ${fields.event}\ndata: ${JSON.stringify(fields.data)}\n\n`;
}

/**
 * The id others see for an editor: a digest of the account (or anonymity) and the editor's
 * session, so one editor's session cannot be taken, nor merged into another account's entry.
 */
export function presenceId(account: string, session: string): string {
  return createHash('sha256').update(`${account}\n${session}`).digest('base64url').slice(0, 16);
}

export class Presence {
  private readonly pages = new Map<string, PageEditors>();
  private readonly windowMs: number;
  private readonly maxListed: number;

  constructor(private readonly options: PresenceOptions) {
    this.windowMs = options.windowMs ?? WINDOW_MS;
    this.maxListed = options.maxListed ?? MAX_LISTED;
  }

  join(page: string, id: string, name: string | null): void {
    const roster = this.roster(page);
    const editor = roster.editors.get(id);
    // A reconnect can arrive before the old connection closes: one editor, two connections.
    if (editor) editor.connections++;
    else roster.editors.set(id, { view: { id, name, since: isoDate(Date.now()) }, connections: 1 });
    this.schedule(page, roster);
  }

  leave(page: string, id: string): void {
    const roster = this.pages.get(page);
    const editor = roster?.editors.get(id);
    if (!roster || !editor) return;
    if (--editor.connections > 0) return;
    roster.editors.delete(id);
    this.schedule(page, roster);
  }

  /** A stream of the page wants the whole list: it gets it when the window ends. */
  listFor(page: string): void {
    this.schedule(page, this.roster(page));
  }

  /** The named editors and the count of the others, as of now. */
  list(page: string): { editors: EditorView[]; others: number } {
    const roster = this.pages.get(page);
    return roster ? this.named(roster) : { editors: [], others: 0 };
  }

  close(): void {
    for (const roster of this.pages.values()) clearTimeout(roster.timer);
    this.pages.clear();
  }

  private roster(page: string): PageEditors {
    let roster = this.pages.get(page);
    if (!roster) this.pages.set(page, (roster = new PageEditors()));
    return roster;
  }

  private schedule(page: string, roster: PageEditors): void {
    if (roster.timer) return;
    roster.timer = setTimeout(() => this.flush(page, roster), this.windowMs);
    roster.timer.unref();
  }

  private named(roster: PageEditors): { editors: EditorView[]; others: number } {
    const editors: EditorView[] = [];
    for (const editor of roster.editors.values()) {
      if (editors.length === this.maxListed) break;
      editors.push(editor.view);
    }
    return { editors, others: roster.editors.size - editors.length };
  }

  private flush(page: string, roster: PageEditors): void {
    roster.timer = undefined;
    const now = this.named(roster);
    const before = new Set(roster.sent.map((e) => e.id));
    const after = new Set(now.editors.map((e) => e.id));
    const joined = now.editors.filter((e) => !before.has(e.id));
    const left = roster.sent.filter((e) => !after.has(e.id)).map((e) => e.id);
    const changed = joined.length > 0 || left.length > 0 || now.others !== roster.sentOthers;
    roster.sent = now.editors;
    roster.sentOthers = now.others;
    if (roster.editors.size === 0) this.pages.delete(page);
    let list: string | undefined;
    this.options.publish(
      page,
      changed ? eventText({ event: 'presence-change', data: { joined, left, others: now.others } }) : undefined,
      () => (list ??= eventText({ event: 'presence', data: now })),
    );
  }
}
