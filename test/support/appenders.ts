// Read-modify-write clients: each appends unique lines to a page, retrying on 412 by re-reading.
import { getPage, putPage } from './http.js';

export interface AppendStats {
  /** Lines whose write got a 2xx. */
  readonly acknowledged: string[];
  /** Lines whose write got no answer (a killed process, a cut connection) but was found committed on re-reading. */
  readonly committedUnanswered: string[];
  readonly conflicts: number;
  /** Answers that were neither 200 nor 412, by status (0: no answer, e.g. a refused connection). */
  readonly otherStatuses: Record<number, number>;
  /** 503 answers that lacked Retry-After. */
  readonly unavailableWithoutRetryAfter: number;
}

export interface AppendOptions {
  /** Give up after this long (ms), so a broken server cannot hang a test. */
  readonly deadline?: number;
  /** Pause after an answer other than 200/412 (ms). */
  readonly backoff?: number;
}

/**
 * Appends `count` lines `${client}:${i}` to `name`, one at a time, spreading requests over
 * `urls`. A write whose answer was lost may still have committed, so before writing a line
 * again the client looks for it in the page: a line is never appended twice.
 */
export async function appendLines(urls: readonly string[], name: string, client: string, count: number, options: AppendOptions = {}): Promise<AppendStats> {
  const acknowledged: string[] = [];
  const committedUnanswered: string[] = [];
  const otherStatuses: Record<number, number> = {};
  let conflicts = 0;
  let unavailableWithoutRetryAfter = 0;
  let turn = 0;
  const deadline = Date.now() + (options.deadline ?? 60_000);
  const other = async (status: number, retryAfter?: string) => {
    otherStatuses[status] = (otherStatuses[status] ?? 0) + 1;
    if (status === 503 && retryAfter === undefined) unavailableWithoutRetryAfter++;
    await new Promise((resolve) => setTimeout(resolve, options.backoff ?? 20));
  };
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const line = `${client}:${i}`;
    while (Date.now() < deadline) {
      const base = urls[turn++ % urls.length]!;
      const page = await getPage(base, name).catch(() => undefined);
      if (!page || page.status !== 200) {
        await other(page?.status ?? 0, page?.headers['retry-after'] as string | undefined);
        continue;
      }
      const text = page.text();
      if (text.split('\n').includes(line)) {
        committedUnanswered.push(line); // an earlier attempt committed, but its answer was lost
        break;
      }
      const res = await putPage(base, name, `${text}${line}\n`, { 'if-match': page.headers.etag! }).catch(() => undefined);
      if (res?.status === 200) {
        acknowledged.push(line);
        break;
      }
      if (res?.status === 412) conflicts++;
      else await other(res?.status ?? 0, res?.headers['retry-after'] as string | undefined);
    }
  }
  return { acknowledged, committedUnanswered, conflicts, otherStatuses, unavailableWithoutRetryAfter };
}

/** Lines of a page body, without the trailing empty one. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

/** Sums the per-client statistics. */
export function totals(stats: readonly AppendStats[]) {
  const otherStatuses: Record<number, number> = {};
  for (const s of stats) for (const [status, n] of Object.entries(s.otherStatuses)) otherStatuses[Number(status)] = (otherStatuses[Number(status)] ?? 0) + n;
  return {
    acknowledged: stats.flatMap((s) => s.acknowledged),
    committedUnanswered: stats.flatMap((s) => s.committedUnanswered),
    conflicts: stats.reduce((n, s) => n + s.conflicts, 0),
    otherStatuses,
    unavailableWithoutRetryAfter: stats.reduce((n, s) => n + s.unavailableWithoutRetryAfter, 0),
  };
}
