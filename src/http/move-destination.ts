// The Destination and Overwrite fields of a MOVE (RFC 4918 §10.3, §10.6): where the page goes,
// named by the URL its API resource will have, on this server.
import type { FastifyRequest } from 'fastify';
import { parsePageName } from '../pages/page-name.js';
import { HttpProblem } from './errors.js';

const PAGE_PATH = /^\/api\/pages\/([^/?#]+)\/?$/;

/** The page name a MOVE's Destination names: an absolute URL on this server or an absolute path. */
export function destinationOf(request: FastifyRequest): string {
  const field = request.headers['destination'];
  if (typeof field !== 'string' || field.trim() === '') {
    throw new HttpProblem('bad-request', 'MOVE needs a Destination header naming the new page, e.g. "Destination: /api/pages/New%20name" (RFC 4918 §10.3).');
  }
  let url: URL;
  try {
    url = new URL(field.trim(), `http://${request.host}`);
  } catch {
    throw new HttpProblem('bad-request', `Destination is not a URL: ${field}`);
  }
  if (url.host !== request.host) {
    throw new HttpProblem('bad-request', `Destination names another server (${url.host}); a page moves within this one.`);
  }
  const match = PAGE_PATH.exec(url.pathname);
  if (!match || url.search !== '' || url.hash !== '') {
    throw new HttpProblem('bad-request', 'Destination must be the URL of a page: /api/pages/{name}, the name one path segment with "/" sent as %2F.');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(match[1]!);
  } catch {
    throw new HttpProblem('bad-page-name', 'The Destination page name is not valid percent-encoded UTF-8.');
  }
  return parsePageName(decoded);
}

/** Overwrite: T asks to replace an existing destination (RFC 4918 §10.6); absent is T, which a move never does anyway. */
export function overwriteOf(request: FastifyRequest): boolean {
  const field = request.headers['overwrite'];
  if (field === undefined) return true;
  if (field === 'T' || field === 'F') return field === 'T';
  throw new HttpProblem('bad-request', 'Overwrite must be "T" or "F" (RFC 4918 §10.6).');
}
