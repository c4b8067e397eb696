// Are the bytes what the Content-Type says? The start of an upload is sniffed as it streams
// (file-type); text is checked as UTF-8 to its end; an image's header is read with sharp,
// whose pixel limit refuses a 50,000 × 50,000 declaration before anything is decoded. sharp
// runs on libuv's thread pool, off the event loop; nothing here ever decodes the pixels.
import { fileTypeFromBuffer, supportedMimeTypes } from 'file-type';
import { FileRuleError } from './errors.js';
import { type DeclaredType, isTextual, sameFormat } from './media-types.js';

/** Bytes sniffed: a signature and an image header lie well within them. */
export const SNIFFED_BYTES = 256 * 1024;

/** Most pixels an image may declare (10,000 × 10,000): past that no variant will be made of it. */
export const MAX_IMAGE_PIXELS = 100_000_000;

// Formats sharp reads a header of.
const IMAGE_HEADERS = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/heic', 'image/heif', 'image/tiff']);

export interface ContentFacts {
  readonly width?: number;
  readonly height?: number;
}

export class ContentCheck {
  private head: Buffer[] = [];
  private headBytes = 0;
  private sniffed = false;
  private text: TextDecoder | undefined;
  private facts: ContentFacts = {};

  constructor(private readonly declared: DeclaredType) {}

  /** Takes the next bytes of the upload; rejects as soon as they contradict the declared type. */
  async take(bytes: Uint8Array): Promise<void> {
    if (!this.sniffed) {
      this.head.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      this.headBytes += bytes.byteLength;
      if (this.headBytes >= SNIFFED_BYTES) await this.sniff();
      return;
    }
    this.decodeText(bytes, true);
  }

  /** The upload is complete: what was learnt of it. */
  async finish(): Promise<ContentFacts> {
    if (!this.sniffed) await this.sniff();
    this.decodeText(new Uint8Array(0), false);
    return this.facts;
  }

  private async sniff(): Promise<void> {
    this.sniffed = true;
    const head = Buffer.concat(this.head);
    this.head = [];
    const { essence } = this.declared;
    const detected = (await fileTypeFromBuffer(head))?.mime;
    const textual = isTextual(essence);
    if (detected !== undefined && !sameFormat(essence, detected) && !(textual && isTextual(detected))) {
      throw mismatch(essence, detected, `the bytes are ${detected}`);
    }
    if (detected === undefined && !textual && (supportedMimeTypes as ReadonlySet<string>).has(essence)) {
      throw mismatch(essence, null, `the bytes do not begin as ${essence} does`);
    }
    if (textual && (detected === undefined || isTextual(detected))) {
      this.text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      this.decodeText(head, true);
    }
    if (detected !== undefined && IMAGE_HEADERS.has(detected)) this.facts = await imageFacts(head, detected);
  }

  private decodeText(bytes: Uint8Array, more: boolean): void {
    if (this.text === undefined) return;
    try {
      this.text.decode(bytes, { stream: more });
    } catch {
      throw mismatch(this.declared.essence, null, 'the bytes are not valid UTF-8 text');
    }
  }
}

function mismatch(declared: string, detected: string | null, finding: string): FileRuleError {
  return new FileRuleError('type-mismatch', `The upload was declared ${declared}, but ${finding}; nothing was saved. Declare the type the bytes have (application/octet-stream when unknown).`, { declared, detected });
}

async function imageFacts(head: Buffer, detected: string): Promise<ContentFacts> {
  // Loaded on the first image only: a server that never sees one never loads libvips.
  const { default: sharp } = await import('sharp');
  try {
    const { width, height } = await sharp(head, { limitInputPixels: MAX_IMAGE_PIXELS, sequentialRead: true }).metadata();
    return width !== undefined && height !== undefined ? { width, height } : {};
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) {
      throw new FileRuleError('image-too-large', `This ${detected} declares more than ${MAX_IMAGE_PIXELS.toLocaleString('en')} pixels; nothing was saved.`, { maxPixels: MAX_IMAGE_PIXELS });
    }
    // A header beyond the sniffed bytes, or damaged: stored as it is, never decoded here.
    return {};
  }
}
