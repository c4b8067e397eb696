// The layers import only downwards (src/app.ts assembles them): read from the source files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'public' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The src folders (or top-level files) a file imports, by its relative import specifiers. */
function importedLayers(file: string): { layer: string; line: string }[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)];
  return specifiers.map((match) => {
    const target = relative(SRC, resolve(dirname(file), match[1]!));
    return { layer: target.split('/')[0]!.replace(/\.js$/, '.ts'), line: match[0] };
  });
}

function violations(folder: string, forbidden: (layer: string) => boolean): string[] {
  return sourceFiles(join(SRC, folder)).flatMap((file) =>
    importedLayers(file)
      .filter(({ layer }) => layer !== folder && forbidden(layer))
      .map(({ line }) => `${relative(SRC, file)}: ${line}`),
  );
}

const outsideSrc = (layer: string) => layer.startsWith('..');

describe('layering', () => {
  it('sees the imports it checks (the reader is not blind)', () => {
    assert.ok(importedLayers(join(SRC, 'app.ts')).some(({ layer }) => layer === 'ui'));
  });

  it('no file under src/http imports src/ui or src/auth', () => {
    assert.deepEqual(violations('http', (layer) => layer === 'ui' || layer === 'auth'), []);
  });

  it('src/pages imports neither http nor ui (nor auth)', () => {
    assert.deepEqual(violations('pages', (layer) => ['http', 'ui', 'auth'].includes(layer)), []);
  });

  it('src/storage imports none of pages, http, ui or auth', () => {
    assert.deepEqual(violations('storage', (layer) => ['pages', 'http', 'ui', 'auth', 'app.ts'].includes(layer)), []);
  });

  it('src/conditional, the engine, imports nothing else from src', () => {
    assert.deepEqual(violations('conditional', (layer) => !outsideSrc(layer)), []);
  });

  it('only the entry points import src/app.ts', () => {
    const importers = sourceFiles(SRC).filter((file) => importedLayers(file).some(({ layer }) => layer === 'app.ts'));
    assert.deepEqual(importers.map((file) => relative(SRC, file)).sort(), ['serve.ts']);
  });
});
