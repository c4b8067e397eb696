// JSON schemas of the file routes (for validation and the OpenAPI description).

export const fileNameParams = {
  type: 'object',
  properties: { name: { type: 'string', description: 'File name: the page-name rules (1–255 characters, percent-encoded UTF-8, no "/")' } },
  required: ['name'],
} as const;

export const fileVersionParams = {
  type: 'object',
  properties: { ...fileNameParams.properties, n: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'Version number' } },
  required: ['name', 'n'],
} as const;

const fileProperties = {
  name: { type: 'string' },
  version: { type: 'integer' },
  etag: { type: ['string', 'null'], description: 'Strong: the SHA-256 of the bytes, base64url; null for a deletion' },
  sha256: { type: ['string', 'null'], description: 'Hex SHA-256 of the bytes' },
  mediaType: { type: ['string', 'null'] },
  size: { type: 'integer' },
  lastModified: { type: 'string', format: 'date-time' },
  width: { type: ['integer', 'null'], description: "An image's width in pixels, from its header" },
  height: { type: ['integer', 'null'] },
} as const;

export function fileStateSchema(description: string) {
  return { description, type: 'object', properties: fileProperties, required: Object.keys(fileProperties) };
}

export const fileListSchema = {
  description: 'A page of the list of current files',
  type: 'object',
  properties: {
    files: { type: 'array', items: { type: 'object', properties: fileProperties, required: Object.keys(fileProperties) } },
    next: { type: ['string', 'null'], description: 'The `cursor` of the next page; null at the last' },
  },
  required: ['files', 'next'],
} as const;

const versionProperties = {
  ...fileProperties,
  deleted: { type: 'boolean' },
  summary: { type: 'string' },
  author: { type: 'string' },
} as const;

export const fileVersionsSchema = {
  description: "A page of the file's versions, newest first",
  type: 'object',
  properties: {
    name: { type: 'string' },
    versions: { type: 'array', items: { type: 'object', properties: versionProperties, required: Object.keys(versionProperties) } },
    next: { type: ['integer', 'null'], description: 'The `before` of the next (older) page; null at the first version' },
  },
  required: ['name', 'versions', 'next'],
} as const;

export const listQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', description: 'The `next` value of the previous response' },
  },
  additionalProperties: false,
} as const;

export const versionsQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    before: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'Only versions older than this one (the `next` of the previous response)' },
  },
  additionalProperties: false,
} as const;
