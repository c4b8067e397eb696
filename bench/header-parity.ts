// The baseline stands for "the same answer with nothing behind it", so it must carry the header
// fields midair's answer carries: otherwise a ratio would measure bytes of headers, not the work
// of finding the validators. Each scenario checks this before it measures, so the two cannot
// drift apart unnoticed (they once did: midair's 304 gained its security headers, the baseline's not).
import { getPath, pagePath } from './pages.js';

/** Fields that Node's HTTP server adds to every answer, whoever wrote it. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

export interface ParityProbe {
  readonly url: string;
  /** A page name the server answers. */
  readonly name: string;
  /** The URL path to ask; the page's API path unless given. */
  readonly path?: string;
  readonly headers: Record<string, string>;
}

async function fieldsOf(probe: ParityProbe, status: number): Promise<string[]> {
  const answer = await getPath(probe.url, probe.path ?? pagePath(probe.name), probe.headers);
  if (answer.status !== status) throw new Error(`header parity: ${probe.url} answered ${answer.status}, not ${status}`);
  return answer.fields.filter((field) => !TRANSPORT.has(field)).sort();
}

/** Throws, naming the difference, unless both answer `status` with the same header fields. */
export async function assertSameFields(status: number, midair: ParityProbe, baseline: ParityProbe): Promise<void> {
  const [ours, theirs] = await Promise.all([fieldsOf(midair, status), fieldsOf(baseline, status)]);
  const onlyOurs = ours.filter((field) => !theirs.includes(field));
  const onlyTheirs = theirs.filter((field) => !ours.includes(field));
  if (onlyOurs.length > 0 || onlyTheirs.length > 0) {
    throw new Error(`header parity (${status}): only midair sends [${onlyOurs.join(', ')}], only the baseline sends [${onlyTheirs.join(', ')}]; make bench/baseline-server.ts send what midair sends`);
  }
}
