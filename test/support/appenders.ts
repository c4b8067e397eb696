// Read-modify-write clients: each appends unique lines to a page, retrying on 412 by re-reading.
import { getPage, putPage } from './http.js';

export interface AppendStats {
  readonly acknowledged: string[];
  readonly conflicts: number;
  readonly otherFailures: number;
}

/** Appends `count` lines `${client}:${i}` to `name` at `urls` (round-robin), one at a time. */
export async function appendLines(urls: readonly string[], name: string, client: string, count: number): Promise<AppendStats> {
  const acknowledged: string[] = [];
  let conflicts = 0;
  let otherFailures = 0;
  let turn = 0;
  for (let i = 0; i < count; i++) {
    const line = `${client}:${i}`;
    for (;;) {
      const base = urls[turn++ % urls.length]!;
      let page;
      try {
        page = await getPage(base, name);
      } catch {
        otherFailures++;
        continue;
      }
      if (page.status !== 200) {
        otherFailures++;
        continue;
      }
      const text = page.text();
      let res;
      try {
        res = await putPage(base, name, `${text}${line}\n`, { 'if-match': page.headers.etag! });
      } catch {
        // The answer was lost (for example the process died): the line may or may not be in.
        otherFailures++;
        continue;
      }
      if (res.status === 200) {
        acknowledged.push(line);
        break;
      }
      if (res.status === 412) conflicts++;
      else otherFailures++;
    }
  }
  return { acknowledged, conflicts, otherFailures };
}

/** Lines of a page body, without the trailing empty one. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}
