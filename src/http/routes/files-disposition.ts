// Whether a browser may show a file in place or must download it. Only formats a browser shows
// without running anything of the file's are inline; HTML, SVG (it can hold script) and every
// other type are attachments. nosniff and a sandboxing, script-free policy are on every
// response already (security-headers.ts), so an inline file cannot be taken for something else.

/** Media types (essence) or families served inline. */
export const INLINE_MEDIA_TYPES: readonly string[] = ['image/*', 'audio/*', 'video/*', 'application/pdf', 'text/plain'];

// SVG is XML that may hold script and links: never shown as a document of this origin.
const NEVER_INLINE = new Set(['image/svg+xml']);

export function isInline(mediaType: string): boolean {
  const essence = mediaType.split(';')[0]!.trim().toLowerCase();
  if (NEVER_INLINE.has(essence)) return false;
  const family = `${essence.split('/')[0]}/*`;
  return INLINE_MEDIA_TYPES.includes(essence) || INLINE_MEDIA_TYPES.includes(family);
}

// RFC 6266 §4.3: a plain `filename` for old clients (ASCII, no quote or backslash), and
// `filename*` (RFC 8187) with the name exact, percent-encoded UTF-8.
export function contentDisposition(name: string, mediaType: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${isInline(mediaType) ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
