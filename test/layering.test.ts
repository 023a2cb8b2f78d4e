/**
 * The layers of docs/DEVELOPING.md, checked on the sources: core and render are pure (no
 * filesystem, processes or terminal), render and io never reach into app, and nothing but cli
 * (and bin) imports cli. Static imports, `import type` and lazy `import()` all count.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const SRC = join(ROOT, 'src');
const LAYERS = ['core', 'render', 'io', 'app', 'cli'] as const;
type Layer = (typeof LAYERS)[number];

const ALLOWED: Record<Layer, readonly Layer[]> = {
  core: ['core'],
  render: ['core', 'render'],
  io: ['core', 'io'],
  app: ['core', 'io', 'render', 'app'],
  cli: ['core', 'io', 'render', 'app', 'cli'],
};
/** Node built-ins with side effects on the machine: not for the pure layers. */
const IMPURE_BUILTINS = /^node:(fs|child_process|process|os|net|http|https|tty|readline|worker_threads)(\/|$)/;
const chalkOnlyIn: readonly string[] = ['cli'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)].map((m) => m[1]!);
}

function layerOf(path: string): Layer | undefined {
  const top = relative(SRC, path).split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(top ?? '') ? (top as Layer) : undefined;
}

describe('layering', () => {
  const sources = files(SRC).filter((f) => layerOf(f) !== undefined);

  it('reads the sources', () => {
    expect(sources.length).toBeGreaterThan(100);
  });

  it('each layer imports only the layers below it', () => {
    const wrong: string[] = [];
    for (const file of sources) {
      const layer = layerOf(file)!;
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = layerOf(resolve(dirname(file), spec));
          if (target && !ALLOWED[layer].includes(target)) wrong.push(`${relative(ROOT, file)} imports ${spec}`);
        } else if ((layer === 'core' || layer === 'render') && IMPURE_BUILTINS.test(spec)) {
          wrong.push(`${relative(ROOT, file)} (pure) imports ${spec}`);
        } else if (spec === 'chalk' && !chalkOnlyIn.includes(layer)) {
          wrong.push(`${relative(ROOT, file)} imports chalk (render takes a Style: render/style.ts)`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('catches a violation (the check itself works)', () => {
    expect(specifiers("import type { X } from '../app/x.js';\nconst y = await import('../../io/y.js');\nimport 'node:fs';")).toEqual(['../app/x.js', '../../io/y.js', 'node:fs']);
    expect(layerOf(resolve(SRC, 'render', '../app/x.js'))).toBe('app');
  });
});
