// The layers import only downwards (src/app.ts assembles them): read from the source files.
// Production code only: a unit test beside its file may reach across (pool.test.ts checks the
// 503 a busy pool becomes).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'public' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The src folder (or top-level file) a path under src/ belongs to. */
function layerOf(path: string): string {
  return relative(SRC, path).split('/')[0]!.replace(/\.js$/, '.ts');
}

/** The src folders (or top-level files) a file imports, by its relative import specifiers. */
function importedLayers(file: string): { layer: string; line: string }[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)];
  return specifiers.map((match) => ({ layer: layerOf(resolve(dirname(file), match[1]!)), line: match[0] }));
}

function violations(folder: string, forbidden: (layer: string) => boolean): string[] {
  return sourceFiles(join(SRC, folder)).flatMap((file) =>
    importedLayers(file)
      .filter(({ layer }) => layer !== folder && forbidden(layer))
      .map(({ line }) => `${relative(SRC, file)}: ${line}`),
  );
}

const outsideSrc = (layer: string) => layer.startsWith('..');

/**
 * The order of the layers, lowest first; a layer imports only from its own rank or below.
 * config.ts is the settings' types and parser (it imports nothing of src); every other
 * top-level file assembles or starts the app.
 */
const RANKS: Record<string, number> = {
  'conditional': 0,
  'config.ts': 0,
  'storage': 1,
  'merge': 2,
  'work': 2,
  'pages': 3,
  'files': 3,
  'http': 4,
  'ui': 4,
  'auth': 4,
};
const APP_RANK = 5;
const rankOf = (layer: string) => RANKS[layer] ?? APP_RANK;

/** Which layers each layer imports (src folders and top-level files; not itself). */
function layerGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = layerOf(file);
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const { layer } of importedLayers(file)) if (layer !== from && !outsideSrc(layer)) targets.add(layer);
  }
  return graph;
}

/** Every cycle of the graph, as one path per strongly connected part with more than one layer (Tarjan). */
function cyclesOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const part: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        part.push(member);
      } while (member !== node);
      if (part.length > 1) parts.push(part.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return parts;
}

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

  it('no layer imports one ranked above it (conditional < storage < merge, work < pages, files < http, ui, auth < app)', () => {
    const upward = sourceFiles(SRC).flatMap((file) =>
      importedLayers(file)
        .filter(({ layer }) => !outsideSrc(layer) && rankOf(layer) > rankOf(layerOf(file)))
        .map(({ line }) => `${relative(SRC, file)}: ${line}`),
    );
    assert.deepEqual(upward, []);
  });

  it('no import cycle between src folders (or top-level files)', () => {
    assert.deepEqual(cyclesOf(layerGraph()), []);
  });

  it('the cycle finder finds cycles (it is not blind either)', () => {
    const graph = new Map([
      ['pages', new Set(['work'])],
      ['work', new Set(['ui'])],
      ['ui', new Set(['pages', 'http'])],
      ['http', new Set<string>()],
    ]);
    assert.deepEqual(cyclesOf(graph), [['pages', 'ui', 'work']]);
  });

  it('only the entry points import src/app.ts', () => {
    const importers = sourceFiles(SRC).filter((file) => importedLayers(file).some(({ layer }) => layer === 'app.ts'));
    assert.deepEqual(importers.map((file) => relative(SRC, file)).sort(), ['serve.ts']);
  });
});
