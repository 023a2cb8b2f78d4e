/**
 * Large CommonJS packages on the start-up path (commander, liquidjs, ua-parser-js) loaded through
 * V8's code cache. scripts/build.mjs bundles each into dist/vendor/<name>.cjs and points
 * the imports of the package at loadVendor(). The first run compiles the package as usual and, on
 * exit, saves V8's compiled code (functions the run used included) to the cache directory; later
 * runs skip most of the compiling (liquidjs: ~9 ms to ~5 ms). The same technique as
 * v8-compile-cache, for Node 20, which has no compile cache of its own.
 *
 * A missing, stale (another Node or another build) or damaged cache is simply not used: V8 checks
 * the source and its own version before accepting cached code, and rejects anything else.
 * Only the build uses this module; tests and the sources import the packages directly.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { writeFileAtomically } from './atomic-write.js';
import { triagePaths } from './paths.js';

const loaded = new Map<string, unknown>();

/** `module.exports` of dist/vendor/<name>.cjs, whose content hash (from the build) is `hash`. */
export function loadVendor(name: string, hash: string): unknown {
  if (loaded.has(name)) return loaded.get(name);
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'vendor', `${name}.cjs`);
  const source = readFileSync(file, 'utf8');
  // The same wrapper as Node's own for CommonJS, on the first line so positions stay right.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  // Hashing the source here would cost more than a millisecond; V8 checks it against the cache anyway.
  const cachePath = join(triagePaths(process.env).cache, 'v8', `${name}-${hash}-${process.version}-${process.arch}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (!cachedData || script.cachedDataRejected) {
    // After the run, so the cache holds the functions the run compiled, not only the top level.
    process.once('exit', () => {
      try {
        mkdirSync(dirname(cachePath), { recursive: true });
        writeFileAtomically(cachePath, script.createCachedData());
        // Code cached for another build or another Node is never read again.
        for (const old of readdirSync(dirname(cachePath))) {
          if (old.startsWith(`${name}-`) && old !== basename(cachePath)) rmSync(join(dirname(cachePath), old), { force: true });
        }
      } catch {
        /* a cache that cannot be written costs time, never results */
      }
    });
  }
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  loaded.set(name, module.exports);
  return module.exports;
}
