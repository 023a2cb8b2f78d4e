// Turns the ES module output of the build (dist/bin.js, dist/chunks/*.js) into CommonJS files
// (.cjs) for src/io/program-loader.ts, which compiles them through V8's code cache: Node 20 has
// no way to give an ES module cached code. Each file stays a file (the chunks and their merges
// are unchanged); esbuild converts one at a time, with every import left external, and chains
// the source maps. What vm.Script-compiled code lacks is supplied by the loader's wrapper:
// `import.meta.url` becomes a parameter holding the file's URL, and `import()` a call to one that
// loads the program's own files through the loader and anything else with Node's import(). Their
// names are in src/io/program-wrapper.json, which the loader reads too.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const programWrapper = JSON.parse(readFileSync(new URL('../src/io/program-wrapper.json', import.meta.url), 'utf8'));

/** @param {string} outdir the build's output directory (bin.js, chunks/, chunks.json) */
export async function toCommonJsChunks(outdir) {
  const files = ['bin.js', ...readdirSync(join(outdir, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => `chunks/${f}`)].map((f) => join(outdir, f));
  const result = await build({
    entryPoints: files,
    outdir,
    outbase: outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // ES modules are strict; so stays the code converted from them.
    banner: { js: '"use strict";' },
    define: { 'import.meta.url': programWrapper.moduleUrl },
    logLevel: 'silent',
    plugins: [
      {
        name: 'every-import-external',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            const own = args.path.startsWith('./') || args.path.startsWith('../');
            return { path: own ? args.path.replace(/\.js$/, '.cjs') : args.path, external: true };
          });
        },
      },
    ],
  });
  // import.meta used otherwise than for its url would be silently empty in CommonJS.
  if (result.warnings.length > 0) throw new Error(`converting the chunks to CommonJS: ${result.warnings.map((w) => w.text).join('; ')}`);
  for (const file of files) {
    const converted = file.replace(/\.js$/, '.cjs');
    writeFileSync(converted, readFileSync(converted, 'utf8').replace(/\bimport\((?=")/g, `${programWrapper.importFunction}(`));
    rmSync(file);
    rmSync(`${file}.map`, { force: true });
  }
  const manifestPath = join(outdir, 'chunks.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const renamed = Object.fromEntries(Object.entries(manifest).map(([name, entry]) => [name.replace(/\.js$/, '.cjs'), entry]));
  writeFileSync(manifestPath, `${JSON.stringify(renamed, null, 2)}\n`);
  return files.map((f) => relative(outdir, f));
}
