// The tags midair hands out for one revision: the identity tag and one per content coding
// (RFC 9110 §8.8.3.3: a coded variant is another representation, so it gets its own strong tag).
// Writes name a revision by any of them, so the domain knows the naming; http picks the coding.

export type Coding = 'identity' | 'gzip' | 'br';

export const CODED: readonly Exclude<Coding, 'identity'>[] = ['gzip', 'br'];

const CODINGS: readonly Coding[] = ['identity', ...CODED];

/** `"abc"` with gzip becomes `"abc+gzip"`: strong, distinct, and recognisable. */
export function codedEtag(etag: string, coding: Coding): string {
  return coding === 'identity' ? etag : `${etag.slice(0, -1)}+${coding}"`;
}

/** The tag a variant carries, and the others handed out for the same revision. */
export interface VariantTag {
  readonly etag: string;
  readonly equivalents: readonly string[];
}

type Variants = Readonly<Record<Coding, VariantTag>>;

function variantsOf(etag: string): Variants {
  const tags = CODINGS.map((coding) => codedEtag(etag, coding));
  const entries = CODINGS.map((coding, i) => [coding, Object.freeze({ etag: tags[i]!, equivalents: Object.freeze(tags.filter((_, j) => j !== i)) })] as const);
  return Object.freeze(Object.fromEntries(entries) as Record<Coding, VariantTag>);
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
  return tag === etag || CODED.some((coding) => tag === codedEtag(etag, coding));
}

/**
 * variantTag, remembered: every conditional read asks for its variant's tag and that tag's
 * equivalents, so a server keeps them by identity tag, and a revalidation, coded or not,
 * builds no string and no array. At most `max` revisions; past that it starts again.
 */
export class VariantTagMemo {
  private readonly byEtag = new Map<string, Variants>();

  constructor(private readonly max = 16_384) {}

  variantTag(etag: string, coding: Coding): VariantTag {
    let variants = this.byEtag.get(etag);
    if (variants === undefined) {
      if (this.byEtag.size >= this.max) this.byEtag.clear();
      variants = variantsOf(etag);
      this.byEtag.set(etag, variants);
    }
    return variants[coding];
  }
}
