// Media types as the files domain compares them: a declared type's essence, the types that
// are text, and the names one format goes by (a file declared image/jpg is image/jpeg).
import { parse as parseContentType } from 'content-type';
import { FileRuleError } from './errors.js';

/** The declared type, lower-case, without parameters; charset kept for text. */
export interface DeclaredType {
  readonly essence: string;
  /** What is stored and served back as Content-Type. */
  readonly stored: string;
}

// RFC 9110 §8.3.1: type "/" subtype, each a token.
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

export function parseDeclaredType(contentType: string | undefined): DeclaredType {
  if (contentType === undefined || contentType.trim() === '') {
    throw new FileRuleError('media-type', 'An upload must say what it is: send Content-Type (application/octet-stream when unknown).');
  }
  let parsed;
  try {
    parsed = parseContentType(contentType);
  } catch {
    throw new FileRuleError('media-type', `Content-Type "${contentType}" is not a media type.`);
  }
  const essence = parsed.type.toLowerCase();
  if (!MEDIA_TYPE.test(essence)) throw new FileRuleError('media-type', `Content-Type "${contentType}" is not a media type (type/subtype).`);
  const charset = parsed.parameters['charset']?.toLowerCase();
  if (isTextual(essence) && charset !== undefined && charset !== 'utf-8' && charset !== 'us-ascii') {
    throw new FileRuleError('media-type', `Text files are stored as UTF-8; charset=${charset} is not accepted.`, { declared: essence });
  }
  return { essence, stored: isTextual(essence) ? `${essence}; charset=utf-8` : essence };
}

/** Types whose bytes are text: checked as UTF-8, since no signature names them. */
export function isTextual(essence: string): boolean {
  return essence.startsWith('text/') || essence.endsWith('+json') || essence.endsWith('+xml') || ['application/json', 'application/xml', 'application/javascript'].includes(essence);
}

// One format, several names in use; the first is what file-type reports.
const ALIASES: readonly (readonly string[])[] = [
  ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  ['audio/mpeg', 'audio/mp3'],
  ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'],
  ['image/x-icon', 'image/vnd.microsoft.icon'],
  ['application/gzip', 'application/x-gzip'],
  ['video/quicktime', 'video/mov'],
];

const ZIP_CONTAINERS = /^application\/(epub\+zip|vnd\.oasis\.opendocument\.|vnd\.openxmlformats-officedocument\.|java-archive|x-xpinstall|vnd\.android)/;

/** Whether bytes detected as `detected` may be stored under the declared `declared`. */
export function sameFormat(declared: string, detected: string): boolean {
  if (declared === detected || declared === 'application/octet-stream') return true;
  if (ALIASES.some((names) => names.includes(declared) && names.includes(detected))) return true;
  // An Office document or an EPUB is a zip: declared as either, it is what it says.
  if (ZIP_CONTAINERS.test(detected) && ['application/zip', 'application/x-zip-compressed'].includes(declared)) return true;
  if (declared.startsWith('audio/') && detected.startsWith('video/') && declared.slice(6) === detected.slice(6)) return true;
  return false;
}
