// GET /api/files (the current files), /api/files/{name}/versions (every version, newest first)
// and /api/files/{name}/versions/{n} (the bytes of one version, which never change).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseFileName } from '../../files/index.js';
import { HttpProblem } from '../errors.js';
import { jsonRepresentation } from '../json-representation.js';
import { sendRepresentation } from '../representation.js';
import { conditionalHeaders, problemResponses } from '../schemas.js';
import { fileBody, type FileRouteContext } from './files.js';
import { sendFile } from './files-representation.js';
import { fileListSchema, fileNameParams, fileVersionParams, fileVersionsSchema, listQuery, versionsQuery } from './files-schemas.js';

type ListRequest = FastifyRequest<{ Querystring: { limit: number; cursor?: string } }>;
type VersionsRequest = FastifyRequest<{ Params: { name: string }; Querystring: { limit: number; before?: number } }>;
type VersionRequest = FastifyRequest<{ Params: { name: string; n: number } }>;

// The cursor is the last name of the previous page, opaque to clients.
const encodeCursor = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (encodeCursor(name) !== cursor) throw new HttpProblem('bad-request', 'The cursor is not one this server handed out.');
  return name;
}

export function registerFileHistoryRoutes(app: FastifyInstance, context: FileRouteContext): void {
  const store = context.files.store;

  async function listFiles(request: ListRequest, reply: FastifyReply) {
    const { limit, cursor } = request.query;
    const { files, more } = await store.list({ limit, ...(cursor === undefined ? {} : { after: decodeCursor(cursor) }) });
    const next = more && files.length > 0 ? encodeCursor(files.at(-1)!.name) : null;
    if (next) reply.header('link', `</api/files?limit=${limit}&cursor=${next}>; rel="next"`);
    return sendRepresentation(request, reply, jsonRepresentation({ files: files.map(fileBody), next }));
  }

  async function listVersions(request: VersionsRequest, reply: FastifyReply) {
    const name = parseFileName(request.params.name);
    const { limit, before } = request.query;
    if ((await store.head(name)).version === 0) throw new HttpProblem('file-not-found', `There is no file named "${name}", nor was there ever.`);
    const versions = await store.versions(name, { limit, ...(before === undefined ? {} : { before }) });
    const last = versions.at(-1);
    const body = {
      name,
      versions: versions.map((v) => ({ ...fileBody(v), deleted: v.deleted, summary: v.summary, author: v.author })),
      next: last && last.version > 1 ? last.version : null,
    };
    return sendRepresentation(request, reply, jsonRepresentation(body));
  }

  async function readVersion(request: VersionRequest, reply: FastifyReply) {
    const name = parseFileName(request.params.name);
    const n = request.params.n;
    const version = await store.version(name, n);
    if (!version) throw new HttpProblem('file-version-not-found', `File "${name}" has no version ${n}.`);
    if (version.deleted) throw new HttpProblem('file-version-not-found', `Version ${n} of "${name}" is its deletion; it has no bytes.`);
    // A version never changes, so caches may keep it for good.
    return sendFile(request, reply, { state: version, cacheControl: 'public, max-age=31536000, immutable', read: (range) => store.read(version.sha256!, range) });
  }

  const tags = ['files'];
  context.resources.add(app, '/api/files', {
    GET: {
      options: {
        schema: { tags, summary: 'List current files in name order (paginated, with its own ETag)', operationId: 'listFiles', querystring: listQuery, documentedHeaders: conditionalHeaders, response: { 200: fileListSchema, 304: { description: 'Not modified', type: 'null' }, ...problemResponses(400) } },
      },
      handler: listFiles,
    },
    HEAD: { options: { schema: { hide: true, querystring: listQuery } }, handler: listFiles },
  });
  context.resources.add(app, '/api/files/:name/versions', {
    GET: {
      options: {
        schema: { tags, summary: "A file's versions, newest first, deletions included", operationId: 'listFileVersions', params: fileNameParams, querystring: versionsQuery, documentedHeaders: conditionalHeaders, response: { 200: fileVersionsSchema, 304: { description: 'Not modified', type: 'null' }, ...problemResponses(400, 404) } },
      },
      handler: listVersions,
    },
    HEAD: { options: { schema: { hide: true, params: fileNameParams, querystring: versionsQuery } }, handler: listVersions },
  });
  const versionBytes = { description: 'The bytes of the version', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } };
  context.resources.add(app, '/api/files/:name/versions/:n', {
    GET: {
      options: {
        schema: { tags, summary: 'The bytes of one version (immutable), Range supported', operationId: 'readFileVersion', params: fileVersionParams, documentedHeaders: conditionalHeaders, response: { 200: versionBytes, 206: versionBytes, 304: { description: 'Not modified', type: 'null' }, ...problemResponses(400, 404, 412, 416) } },
      },
      handler: readVersion,
    },
    HEAD: { options: { schema: { hide: true, params: fileVersionParams } }, handler: readVersion },
  });
}
