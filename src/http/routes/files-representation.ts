// Sends a stored file: its preconditions decided on metadata alone (a 304 or 412 reads no
// chunk), a single byte range as 206 (416 outside it), and the bytes streamed from the store a
// few chunks at a time. Files are sent as stored, never content-coded: their tag names the bytes.
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { evaluatePreconditions, formatHttpDate } from '../../conditional/index.js';
import type { ContentRange, FileState } from '../../storage/files.js';
import { parseByteRange } from '../byte-range.js';
import { HttpProblem } from '../errors.js';
import { preconditionFailed } from '../representation.js';
import { contentDisposition } from './files-disposition.js';

export interface StoredFile {
  readonly state: FileState;
  readonly cacheControl: string;
  readonly read: (range?: ContentRange) => AsyncIterable<Buffer>;
}

/** Answers GET or HEAD for a file that exists; a 304 and a 412 are sent without a promise. */
export function sendFile(request: FastifyRequest, reply: FastifyReply, file: StoredFile): FastifyReply | undefined {
  const { state } = file;
  const etag = state.etag!;
  const headers = request.headers;
  const decision = evaluatePreconditions(
    { method: request.method, headers },
    { exists: true, etag, equivalentEtags: [], lastModified: state.lastModified, lastModifiedIsWeak: state.lastModifiedIsWeak },
  );
  reply.header('etag', etag);
  reply.header('cache-control', file.cacheControl);
  // RFC 9110 §15.4.5: a 304 carries ETag and Cache-Control as the 200 would.
  if (decision.outcome === 'not-modified') {
    reply.code(304).send();
    return undefined;
  }
  if (decision.outcome === 'precondition-failed') throw preconditionFailed(decision.header, decision.malformed, etag, headers['if-match']);
  // §8.8.2.2: a date another version shares cannot tell them apart.
  if (!state.lastModifiedIsWeak) reply.header('last-modified', formatHttpDate(state.lastModified));
  reply.header('content-type', state.mediaType);
  reply.header('content-disposition', contentDisposition(state.name, state.mediaType!));
  reply.header('accept-ranges', 'bytes');
  const size = state.size;
  if (request.method === 'GET' && headers.range !== undefined && !(decision.outcome === 'proceed' && decision.ignoreRange)) {
    const ranges = parseByteRange(String(headers.range), size);
    if (ranges.kind === 'unsatisfiable') {
      throw new HttpProblem('range-not-satisfiable', `No byte of the range lies within the ${size} bytes of the file.`, {}, { 'content-range': `bytes */${size}` });
    }
    // Several ranges, another unit or an invalid set: the whole file (§14.2 lets a server ignore Range).
    if (ranges.kind === 'one') {
      const { start, end } = ranges.range;
      reply.header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', end - start + 1);
      return reply.code(206).send(Readable.from(file.read(ranges.range)));
    }
  }
  reply.header('content-length', size);
  if (request.method === 'HEAD') return reply.code(200).send();
  return reply.code(200).send(size === 0 ? '' : Readable.from(file.read()));
}
