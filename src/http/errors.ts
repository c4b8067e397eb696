// The error catalog: every error midair answers, with a stable code, a status and a title.
// Each is rendered as application/problem+json (RFC 9457). docs/ERRORS.md lists every code.

export const PROBLEMS = {
  'bad-request': { status: 400, title: 'The request is not valid' },
  'bad-page-name': { status: 400, title: 'The page name is not valid' },
  'bad-body-encoding': { status: 400, title: 'The body is not valid UTF-8' },
  'bad-edit-summary': { status: 400, title: 'The Edit-Summary header is not valid' },
  'unauthorized': { status: 401, title: 'Sign-in required' },
  'forbidden': { status: 403, title: 'Not allowed' },
  'page-protected': { status: 403, title: 'The page is protected' },
  'csrf-rejected': { status: 403, title: 'Cross-site request refused' },
  'not-found': { status: 404, title: 'Nothing is here' },
  'page-not-found': { status: 404, title: 'The page does not exist' },
  'revision-not-found': { status: 404, title: 'The revision does not exist' },
  'method-not-allowed': { status: 405, title: 'The method is not allowed on this resource' },
  'request-timeout': { status: 408, title: 'The request took too long to arrive' },
  'precondition-failed': { status: 412, title: 'A precondition of the request failed' },
  'payload-too-large': { status: 413, title: 'The body is larger than the server accepts' },
  'unsupported-media-type': { status: 415, title: 'The body has a media type the resource does not accept' },
  'range-not-satisfiable': { status: 416, title: 'The range lies outside the representation' },
  'misdirected-request': { status: 421, title: 'This server does not answer for that host' },
  'precondition-required': { status: 428, title: 'This request must be conditional' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'too-many-streams': { status: 429, title: 'Too many open event streams' },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  'internal-error': { status: 500, title: 'The server failed to handle the request' },
  'store-unavailable': { status: 503, title: 'The page store is unavailable' },
  'server-busy': { status: 503, title: 'The server is too busy to format this now' },
  'page-name-lookalike': { status: 409, title: 'A page with a look-alike name exists' },
  'account-conflict': { status: 409, title: 'The change conflicts with the accounts as they are' },
  'bad-file-name': { status: 400, title: 'The file name is not valid' },
  'file-not-found': { status: 404, title: 'The file does not exist' },
  'file-version-not-found': { status: 404, title: 'The file version does not exist' },
  'file-name-lookalike': { status: 409, title: 'A file with a look-alike name exists' },
  'file-too-large': { status: 413, title: 'The file is larger than the server accepts' },
  'file-quota-exceeded': { status: 413, title: 'The upload would pass your upload quota' },
  'file-type-mismatch': { status: 415, title: 'The bytes are not of the declared media type' },
  'image-too-large': { status: 422, title: 'The image declares too many pixels' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

/** The `type` URI of a problem: stable, and named after its code. */
export function problemType(code: ProblemCode): string {
  return `urn:midair:problem:${code}`;
}

/** An error that becomes a problem response; thrown anywhere below a route handler. */
export class HttpProblem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = PROBLEMS[code].status;
  }
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  [extension: string]: unknown;
}

export function problemDocument(problem: HttpProblem, instance?: string): ProblemDocument {
  return {
    type: problemType(problem.code),
    title: PROBLEMS[problem.code].title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    ...(instance === undefined ? {} : { instance }),
    ...problem.extensions,
  };
}
