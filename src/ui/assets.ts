// The wiki's static files (src/ui/public), served under names that carry a fingerprint of
// their bytes, so browsers may keep them for a year: a changed file gets a new name.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  /** The name in src/ui/public, e.g. "wiki.css". */
  readonly file: string;
  /** The fingerprinted URL, e.g. "/static/wiki.1f2e3d4c5b6a.css". */
  readonly url: string;
  readonly etag: string;
  readonly contentType: string;
  readonly body: Buffer;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

// The build compiles only TypeScript, so the files are read from the source tree; the same
// relative path works from src/ui (tests) and from dist/ui (npm start).
export const PUBLIC_DIR = fileURLToPath(new URL('../../src/ui/public/', import.meta.url));

export class AssetTable {
  private readonly byFile = new Map<string, Asset>();
  private readonly byUrl = new Map<string, Asset>();

  constructor(dir: string = PUBLIC_DIR) {
    for (const file of readdirSync(dir).sort()) {
      const type = TYPES[extname(file)];
      if (!type) continue;
      const body = readFileSync(join(dir, file));
      const digest = createHash('sha256').update(body).digest('base64url');
      const ext = extname(file);
      const fingerprint = digest.slice(0, 12).replace(/[-_]/g, 'x');
      const asset = {
        file,
        url: `/static/${file.slice(0, -ext.length)}.${fingerprint}${ext}`,
        etag: `"${digest.slice(0, 24)}"`,
        contentType: type,
        body,
      };
      this.byFile.set(file, asset);
      this.byUrl.set(asset.url, asset);
    }
  }

  /** The URL of a file in src/ui/public; throws for a file that is not there (a template bug). */
  url(file: string): string {
    const asset = this.byFile.get(file);
    if (!asset) throw new Error(`No static file named ${file} in ${PUBLIC_DIR}`);
    return asset.url;
  }

  byPath(path: string): Asset | undefined {
    return this.byUrl.get(path);
  }
}

let shared: AssetTable | undefined;

/** The process-wide table, read once from disk. */
export function assets(): AssetTable {
  shared ??= new AssetTable();
  return shared;
}
