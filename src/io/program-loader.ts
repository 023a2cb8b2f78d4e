/**
 * Loads the built program through V8's code cache. Node 20 has no compile cache of its own: it
 * compiles every ES module from source on every start, and resolves and links each one. The build
 * (scripts/build.mjs, scripts/commonjs-chunks.mjs) therefore turns esbuild's ES module chunks into
 * CommonJS files, and this loader compiles each with `vm.Script` and the code V8 compiled for it
 * the run before, kept in the cache directory. A run that compiled a file without usable cached
 * code saves it on exit, after the run, so it holds the functions the run used, not only the top
 * level. docs/performance.md has what it saves.
 *
 * A missing, stale (another Node or another build) or damaged cache is simply not used: V8 checks
 * the source and its own version and flags before it accepts cached code, and rejects anything
 * else; the file is then compiled from source and its cache rewritten.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { CACHE_BUILD_ID, readCacheFileBytes, writeCacheFileBytes } from './cache-files.js';
import { triagePaths } from './paths.js';
import programWrapper from './program-wrapper.json' with { type: 'json' };

/**
 * The parameters each file of the program is wrapped in: Node's five for CommonJS, then the names
 * the build put in place of `import.meta.url` and of `import()` (scripts/commonjs-chunks.mjs reads
 * them from the same file), since code compiled by vm.Script has neither.
 */
const MODULE_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname', programWrapper.moduleUrl, programWrapper.importFunction] as const;

type ModuleFunction = (
  exports: unknown,
  require: (specifier: string) => unknown,
  module: { exports: unknown },
  filename: string,
  dirname: string,
  moduleUrl: string,
  importModule: (specifier: string) => Promise<unknown>,
) => void;

export interface ProgramLoader {
  /** `module.exports` of a file of the program (an absolute path), loading it once. */
  load(file: string): unknown;
  /** Saves the cached code of every file compiled without it; what `exit` does. */
  saveCache(): void;
}

/**
 * @param root the program's directory (dist/): its files are cached by their path under it
 * @param cacheDir where cached code is kept, per build and Node; undefined keeps none
 */
export function createProgramLoader(root: string, cacheDir: string | undefined): ProgramLoader {
  const modules = new Map<string, { exports: unknown }>();
  const compiledWithoutCache: { cachePath: string; script: Script }[] = [];

  const load = (file: string): unknown => {
    const known = modules.get(file);
    if (known) return known.exports;
    const module = { exports: {} as unknown };
    // Before running it, as Node does, so that a cycle between files sees the exports so far.
    modules.set(file, module);
    const source = readFileSync(file, 'utf8');
    // On the first line, so that positions in stack traces stay right.
    const wrapped = `(function (${MODULE_PARAMETERS.join(', ')}) {${source}\n})`;
    const cachePath = cacheDir === undefined ? undefined : join(cacheDir, `${relative(root, file).replace(/[\\/]/g, '~')}.bin`);
    const cachedData = cachePath === undefined ? undefined : readCacheFileBytes(cachePath);
    const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
    if (cachePath !== undefined && (!cachedData || script.cachedDataRejected)) compiledWithoutCache.push({ cachePath, script });
    const dir = dirname(file);
    let nodeRequire: NodeJS.Require | undefined;
    const requireFrom = (specifier: string): unknown =>
      isProgramFile(specifier) ? load(join(dir, specifier)) : (nodeRequire ??= createRequire(file))(specifier);
    const importFrom = (specifier: string): Promise<unknown> =>
      isProgramFile(specifier) ? Promise.resolve().then(() => load(join(dir, specifier))) : import(specifier);
    (script.runInThisContext() as ModuleFunction)(module.exports, requireFrom, module, file, dir, pathToFileURL(file).href, importFrom);
    return module.exports;
  };

  const saveCache = (): void => {
    if (cacheDir === undefined || compiledWithoutCache.length === 0) return;
    for (const { cachePath, script } of compiledWithoutCache.splice(0)) writeCacheFileBytes(cachePath, script.createCachedData());
    // Code cached for another build or another Node is never read again.
    const parent = dirname(cacheDir);
    try {
      for (const other of readdirSync(parent)) if (join(parent, other) !== cacheDir) rmSync(join(parent, other), { recursive: true, force: true });
    } catch {
      /* nothing written, or not ours to clean */
    }
  };

  return { load, saveCache };
}

/** The program's own files are CommonJS files named relatively (`./chunks/main-ABC.cjs`). */
function isProgramFile(specifier: string): boolean {
  return (specifier.startsWith('./') || specifier.startsWith('../')) && specifier.endsWith('.cjs');
}

/** Where this build's cached code is kept for this Node: `<cache>/v8/<build>-<node>-<arch>`. */
export function codeCacheDirectory(env: NodeJS.ProcessEnv): string {
  return join(triagePaths(env).cache, 'v8', `${CACHE_BUILD_ID}-${process.version}-${process.arch}`);
}

/**
 * The program's entry (dist/bin.cjs) with its exports, loaded through the code cache, which is
 * saved when the process exits.
 */
export function loadProgram(root: string): unknown {
  const loader = createProgramLoader(root, codeCacheDirectory(process.env));
  process.once('exit', loader.saveCache);
  return loader.load(join(root, 'bin.cjs'));
}
