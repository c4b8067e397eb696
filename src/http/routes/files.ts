// /api/files/{name}: read, conditional upload and conditional delete of one file. An upload's
// header fields are judged before its body is read (name, media type, precondition present,
// declared size), then its precondition against the file, and only then does the body stream
// to the store, so a refused upload is answered without "100 Continue" and without its bytes.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatHttpDate } from '../../conditional/index.js';
import { type FileDeleteOutcome, FileRuleError, type FileSaveOutcome, type Files, parseDeclaredType, parseFileName } from '../../files/index.js';
import { parseEditSummary } from '../../pages/edit-summary.js';
import type { FileState } from '../../storage/files.js';
import { authorOf, refusalProblem, refuseUnconditionalWrite, type Writer } from '../conditional-write.js';
import { HttpProblem } from '../errors.js';
import { isoDate } from '../json-representation.js';
import type { ResourceTable } from '../resources.js';
import { conditionalHeaders, problemResponses } from '../schemas.js';
import { sendFile } from './files-representation.js';
import { fileNameParams, fileStateSchema } from './files-schemas.js';

export interface FileRouteContext {
  readonly files: Files;
  readonly resources: ResourceTable;
  readonly writer: (request: FastifyRequest) => Writer;
}

type NameRequest = FastifyRequest<{ Params: { name: string } }>;

export function fileUrl(name: string): string {
  return `/api/files/${encodeURIComponent(name)}`;
}

export function fileBody(state: FileState) {
  return {
    name: state.name,
    version: state.version,
    etag: state.etag ?? null,
    sha256: state.sha256 ?? null,
    mediaType: state.mediaType ?? null,
    size: state.size,
    lastModified: isoDate(state.lastModified),
    width: state.width ?? null,
    height: state.height ?? null,
  };
}

/** Content-Length as a number, when the request has a valid one (Node has checked its syntax). */
function declaredLength(request: FastifyRequest): number | undefined {
  const value = request.headers['content-length'];
  return value === undefined ? undefined : Number(value);
}

/** What the header fields alone decide, before the body or the file is looked at. */
function judgeUploadHeaders(context: FileRouteContext, request: NameRequest): void {
  parseFileName(request.params.name);
  parseDeclaredType(request.headers['content-type']);
  refuseUnconditionalWrite(request.headers);
  context.files.refuseDeclaredSize(declaredLength(request));
}

function writeProblem(outcome: Exclude<FileSaveOutcome | FileDeleteOutcome, { kind: 'saved' }>, name: string, ifMatch?: string | string[]): HttpProblem {
  switch (outcome.kind) {
    case 'not-found':
      return new HttpProblem('file-not-found', `There is no file named "${name}" to delete.`);
    case 'lookalike':
      return new HttpProblem(
        'file-name-lookalike',
        `"${name}" differs from the file name "${outcome.existing}" only by case, compatibility form or invisible characters, so readers would take one for the other; replace "${outcome.existing}" instead.`,
        { existing: outcome.existing },
      );
    case 'refused':
      return refusalProblem(outcome, 'file', ifMatch);
  }
}

/** PUT /api/files/{name}: the request's condition fields are the precondition (RFC 9110 §13.1). */
export async function putFile(context: FileRouteContext, request: NameRequest, reply: FastifyReply) {
  const name = parseFileName(request.params.name);
  const body = request.body as IncomingMessage;
  const by = context.writer(request);
  const length = declaredLength(request);
  let outcome: FileSaveOutcome;
  try {
    outcome = await context.files.saveFile({
      name,
      precondition: { kind: 'request', method: 'PUT', headers: request.headers },
      summary: parseEditSummary(request.headers['edit-summary']),
      by: authorOf(by, request),
      body: { type: parseDeclaredType(request.headers['content-type']), ...(length === undefined ? {} : { length }), bytes: () => body },
    });
  } catch (error) {
    // Refused mid-body (too large, the wrong type): the rest is not worth reading, so the
    // connection closes after the answer rather than draining it (RFC 9112 §9.6).
    if (error instanceof FileRuleError && !body.readableEnded) reply.header('connection', 'close');
    throw error;
  }
  if (outcome.kind !== 'saved') throw writeProblem(outcome, name, request.headers['if-match']);
  const { before, after } = outcome;
  reply.header('etag', after.etag!);
  if (!after.lastModifiedIsWeak) reply.header('last-modified', formatHttpDate(after.lastModified));
  if (!before.exists) reply.code(201).header('location', fileUrl(name));
  return reply.type('application/json; charset=utf-8').send(fileBody(after));
}

/** DELETE /api/files/{name}: every version is kept; a missing file is 404 before any precondition. */
export async function deleteFile(context: FileRouteContext, request: NameRequest, reply: FastifyReply) {
  const name = parseFileName(request.params.name);
  const outcome = await context.files.deleteFile({
    name,
    precondition: { kind: 'request', method: 'DELETE', headers: request.headers },
    summary: parseEditSummary(request.headers['edit-summary']),
    by: authorOf(context.writer(request), request),
  });
  if (outcome.kind !== 'saved') throw writeProblem(outcome, name, request.headers['if-match']);
  return reply.code(204).send();
}

/** GET and HEAD: synchronous when the store answers without a promise (SQLite), so a 304 costs none. */
export function readFile(context: FileRouteContext, request: NameRequest, reply: FastifyReply): Promise<unknown> | undefined {
  const name = parseFileName(request.params.name);
  const store = context.files.store;
  const represent = (state: FileState) => {
    // §13.2.1: a missing file is 404 whatever the preconditions say.
    if (!state.exists) throw new HttpProblem('file-not-found', `There is no file named "${name}".`);
    return sendFile(request, reply, { state, cacheControl: 'no-cache', read: (range) => store.read(state.sha256!, range) });
  };
  const known = store.currentHead?.(name);
  if (known !== undefined) {
    represent(known);
    return undefined;
  }
  return store.head(name).then(represent);
}

const binary = { schema: { type: 'string', format: 'binary' } } as const;

export function registerFileRoutes(app: FastifyInstance, context: FileRouteContext): void {
  const tags = ['files'];
  const fileResponse = { description: 'The file, as uploaded, with its stored media type', content: { 'application/octet-stream': binary } };
  context.resources.add(app, '/api/files/:name', {
    GET: {
      options: {
        schema: {
          tags,
          summary: 'Read a file (conditional GET, Range and If-Range supported)',
          operationId: 'readFile',
          documentedParams: fileNameParams,
          documentedHeaders: conditionalHeaders,
          response: { 200: fileResponse, 206: { description: 'A byte range of the file', content: { 'application/octet-stream': binary } }, 304: { description: 'Not modified', type: 'null' }, ...problemResponses(400, 404, 412, 416) },
        },
      },
      handler: (request: NameRequest, reply: FastifyReply) => readFile(context, request, reply),
    },
    HEAD: {
      options: {
        schema: {
          tags,
          summary: 'Validators, size and media type of a file, without its bytes',
          operationId: 'headFile',
          documentedParams: fileNameParams,
          documentedHeaders: conditionalHeaders,
          response: { 200: { description: 'The file exists', type: 'null' }, 304: { description: 'Not modified', type: 'null' }, ...problemResponses(400, 404, 412) },
        },
      },
      handler: (request: NameRequest, reply: FastifyReply) => readFile(context, request, reply),
    },
    PUT: {
      options: {
        bodyLimit: context.files.fileLimit,
        schema: {
          tags,
          summary: 'Upload a file (any media type); requires If-None-Match: * to create, If-Match to replace',
          operationId: 'putFile',
          documentedBody: { content: { 'application/octet-stream': binary, '*/*': binary } },
          params: fileNameParams,
          documentedHeaders: { ...conditionalHeaders, properties: { ...conditionalHeaders.properties, 'edit-summary': { type: 'string', description: 'Percent-encoded UTF-8 summary of the upload' } } },
          response: { 200: fileStateSchema('Replaced'), 201: fileStateSchema('Created'), ...problemResponses(400, 409, 412, 413, 415, 422, 428) },
        },
      },
      onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          judgeUploadHeaders(context, request as NameRequest);
        } catch (error) {
          // Refused on its header fields: its body (up to any size) is not worth draining.
          reply.header('connection', 'close');
          throw error;
        }
      },
      handler: (request: NameRequest, reply: FastifyReply) => putFile(context, request, reply),
    },
    DELETE: {
      options: {
        schema: {
          tags,
          summary: 'Delete a file (every version is kept); requires a precondition',
          operationId: 'deleteFile',
          params: fileNameParams,
          documentedHeaders: conditionalHeaders,
          response: { 204: { description: 'Deleted', type: 'null' }, ...problemResponses(400, 404, 412, 428) },
        },
      },
      handler: (request: NameRequest, reply: FastifyReply) => deleteFile(context, request, reply),
    },
  });
}
