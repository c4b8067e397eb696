// The tags midair hands out for one revision: the identity tag and one per content coding
// (RFC 9110 §8.8.3.3: a coded variant is another representation, so it gets its own strong tag).
// Writes name a revision by any of them, so the domain knows the naming; http picks the coding.

export type Coding = 'identity' | 'gzip' | 'br';

export const CODED: readonly Exclude<Coding, 'identity'>[] = ['gzip', 'br'];

/** `"abc"` with gzip becomes `"abc+gzip"`: strong, distinct, and recognisable. */
export function codedEtag(etag: string, coding: Coding): string {
  return coding === 'identity' ? etag : `${etag.slice(0, -1)}+${coding}"`;
}

/** The tag a variant carries, and the others handed out for the same revision. */
export interface VariantTag {
  readonly etag: string;
  readonly equivalents: readonly string[];
}

const CODINGS: readonly Coding[] = ['identity', ...CODED];

// Every conditional read asks for its variant's tag and that tag's equivalents: both are kept
// by identity tag, so a revalidation, coded or not, builds no string and no array.
const variantsByEtag = new Map<string, Readonly<Record<Coding, VariantTag>>>();

function variantsOf(etag: string): Readonly<Record<Coding, VariantTag>> {
  let variants = variantsByEtag.get(etag);
  if (variants === undefined) {
    if (variantsByEtag.size >= 16_384) variantsByEtag.clear();
    const tags = CODINGS.map((coding) => codedEtag(etag, coding));
    const entries = CODINGS.map((coding, i) => [coding, Object.freeze({ etag: tags[i]!, equivalents: Object.freeze(tags.filter((_, j) => j !== i)) })] as const);
    variants = Object.freeze(Object.fromEntries(entries) as Record<Coding, VariantTag>);
    variantsByEtag.set(etag, variants);
  }
  return variants;
}

/** The tag of the `coding` variant of the revision whose identity tag is `etag`. */
export function variantTag(etag: string, coding: Coding): VariantTag {
  return variantsOf(etag)[coding];
}

/** Every tag handed out for the revision whose identity tag is `etag`, except `selected`'s. */
export function equivalentEtags(etag: string, selected: Coding = 'identity'): readonly string[] {
  return variantsOf(etag)[selected].equivalents;
}

/** Whether `tag` (any variant's) names the revision whose identity tag is `etag`. */
export function namesRevision(tag: string, etag: string): boolean {
  return tag === etag || equivalentEtags(etag).includes(tag);
}
