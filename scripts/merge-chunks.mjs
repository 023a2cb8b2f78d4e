// Merges small chunks of the esbuild output that are always loaded together, after the build.
//
// esbuild's code splitting makes one chunk per distinct set of entry points that share code, so
// a lazily loaded command pulls in dozens of files of a few KB each; Node's ES module loader
// costs about 0.3 ms per file (resolve, read, compile, link), which was ~10 ms of `triage run`.
// Two merges, neither of which duplicates a module (so module state and `instanceof`
// are unchanged) nor makes a command load a large chunk it did not load before:
//
// 1. The chunks main statically imports (always loaded with it) go into main itself.
// 2. For each hot entry (`run`, then the playbook commands), the small chunks it statically
//    imports, grouped by the large chunks each needs (and, for chunks the light entries `list`
//    and `search` load, by the packages too): one file per group. Another command that needed one
//    of them now loads the group, a few KB of code it does not use, instead of several files; it
//    already needed the large chunks (and, if light, the packages) the group imports.
//
// Chunks statically imported by bin.js stay apart (`--version` loads only those), as do large
// chunks.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

/** Below this a chunk is merged; above it, compiling it where unused costs more than its file. */
const SMALL = 30_000;

/**
 * @param {string} outdir the build's output directory (holding bin.js and chunks/)
 * @param {import('esbuild').Metafile} metafile
 * @param {{ hot: string[], light?: string[] }} options source files of the hot entries
 *   (`src/cli/run-case.ts`), in priority order, and of the entries that must load no package
 *   through a merged chunk
 */
export async function mergeChunks(outdir, metafile, options) {
  const abs = (p) => resolve(p);
  const outputs = new Map(
    Object.entries(metafile.outputs)
      .filter(([path]) => path.endsWith('.js'))
      .map(([path, out]) => [abs(path), { ...out, imports: out.imports.map((i) => ({ ...i, path: abs(i.path) })) }]),
  );
  const staticImports = (file) => outputs.get(file)?.imports.filter((i) => i.kind === 'import-statement' && outputs.has(i.path)).map((i) => i.path) ?? [];
  const dynamicTargets = new Set([...outputs.values()].flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path)));
  const closure = (file) => {
    const seen = new Set();
    const stack = [file];
    while (stack.length > 0) {
      const next = stack.pop();
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...staticImports(next));
    }
    seen.delete(file);
    return seen;
  };
  const bin = abs(join(outdir, 'bin.js'));
  const main = [...outputs.keys()].find((f) => /[\\/]main-[A-Z0-9]+\.js$/.test(f));
  if (!main) throw new Error('merge-chunks: no main chunk');
  const pinned = new Set([bin, ...closure(bin)]);

  const groups = [];
  const taken = new Set(pinned);
  // 1. Into main: what main always loads.
  groups.push({ into: main, files: [...closure(main)].filter((f) => !taken.has(f) && !dynamicTargets.has(f)) });
  for (const f of groups[0].files) taken.add(f);
  taken.add(main);
  // 2. Per hot entry: its small static chunks, grouped by the large chunks and packages each one needs
  //    (directly or not). Whoever loads a group then already needed every large chunk it imports.
  // Which lazily loaded entries reach each file (through static imports).
  const reachedBy = new Map();
  for (const target of dynamicTargets) {
    for (const f of [target, ...closure(target)]) reachedBy.set(f, [...(reachedBy.get(f) ?? []), target]);
  }
  // The light entries and every entry they load lazily in turn (a first `search` builds the index).
  const light = new Set([...dynamicTargets].filter((f) => (options.light ?? []).includes(outputs.get(f)?.entryPoint)));
  for (const pending = [...light]; pending.length > 0; ) {
    const next = pending.pop();
    for (const f of [next, ...closure(next)]) {
      for (const i of outputs.get(f)?.imports ?? []) {
        if (i.kind === 'dynamic-import' && outputs.has(i.path) && !light.has(i.path)) {
          light.add(i.path);
          pending.push(i.path);
        }
      }
    }
  }
  for (const source of options.hot) {
    const entry = [...dynamicTargets].find((f) => outputs.get(f)?.entryPoint === source);
    if (!entry) throw new Error(`merge-chunks: no entry for ${source}`);
    const candidates = new Set([...closure(entry)].filter((f) => !taken.has(f) && !dynamicTargets.has(f) && outputs.get(f).bytes < SMALL));
    const byNeeds = new Map();
    for (const file of candidates) {
      const needs = [...closure(file)].filter((f) => !candidates.has(f) && !taken.has(f)).sort();
      // For a chunk the light entries (list, search) load, packages count as needs too: one
      // holding a package must not be merged with one that holds none, or list and search would
      // load the package. Others group by large chunks alone, so
      // a recorded run loads a dozen files, not twenty.
      const shared = (reachedBy.get(file) ?? []).some((t) => light.has(t));
      const key = shared ? `${needs.join('\n')}\n|${[...packagesOf([file, ...closure(file)], outputs)].sort().join(',')}` : needs.join('\n');
      byNeeds.set(key, [...(byNeeds.get(key) ?? []), file]);
    }
    for (const files of byNeeds.values()) {
      if (files.length < 2) continue;
      groups.push({ into: undefined, files });
      for (const f of files) taken.add(f);
    }
  }
  for (const group of groups) dropClashingExports(group, outputs);

  const renamed = new Map();
  const created = [];
  for (const group of groups) {
    if (group.files.length === 0) continue;
    const target = group.into ?? abs(join(outdir, 'chunks', `merged-${basename(group.files.sort()[0], '.js').replace(/^chunk-/, '')}.js`));
    const members = group.into ? [group.into, ...group.files] : group.files;
    await bundle(target, members, outputs);
    if (!group.into) created.push(target);
    for (const f of group.files) renamed.set(f, target);
  }
  // Every other file imports the merged chunks under their new names.
  for (const file of [...outputs.keys(), ...created]) {
    if (renamed.has(file)) continue;
    let text = readFileSync(file, 'utf8');
    for (const [from, to] of renamed) {
      const spec = (p) => {
        const rel = relative(dirname(file), p).replace(/\\/g, '/');
        return rel.startsWith('.') ? rel : `./${rel}`;
      };
      text = text.replaceAll(`"${spec(from)}"`, `"${spec(to)}"`);
    }
    writeFileSync(file, text);
  }
  for (const file of renamed.keys()) {
    rmSync(file, { force: true });
    rmSync(`${file}.map`, { force: true });
  }
  return writeManifest(outdir, outputs, renamed);
}

/**
 * dist/chunks.json: what each file holds (sources and packages), for tests (which packages a
 * command loads) and for anyone wondering why a command loads a file.
 */
function writeManifest(outdir, outputs, renamed) {
  const manifest = {};
  for (const [file, out] of outputs) {
    const target = renamed.get(file) ?? file;
    const key = relative(outdir, target).replace(/\\/g, '/');
    const entry = (manifest[key] ??= { sources: [], packages: [] });
    for (const input of Object.keys(out.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
      if (pkg) {
        if (!entry.packages.includes(pkg)) entry.packages.push(pkg);
      } else entry.sources.push(input);
    }
  }
  for (const entry of Object.values(manifest)) {
    entry.sources.sort();
    entry.packages.sort();
  }
  writeFileSync(join(outdir, 'chunks.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The packages the code of `files` holds (bundled from node_modules). */
function packagesOf(files, outputs) {
  const packages = new Set();
  for (const file of files) {
    for (const input of Object.keys(outputs.get(file)?.inputs ?? {})) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
      if (pkg) packages.add(pkg);
    }
  }
  return packages;
}

/** `export *` drops a name two members export: keep such members out of the group. */
function dropClashingExports(group, outputs) {
  const seen = new Map();
  const members = group.into ? [group.into, ...group.files] : group.files;
  for (const file of members) {
    for (const name of outputs.get(file).exports) {
      if (!seen.has(name)) seen.set(name, file);
      else group.files = group.files.filter((f) => f !== file);
    }
  }
}

/** Bundles `members` (output files) into `target`; every other output file stays external. */
async function bundle(target, members, outputs) {
  const memberSet = new Set(members);
  const dir = dirname(target);
  const temp = `${target}.merging.js`;
  await build({
    stdin: {
      contents: members.map((m) => `export * from ${JSON.stringify(`./${relative(dir, m).replace(/\\/g, '/')}`)};`).join('\n'),
      resolveDir: dir,
      sourcefile: `merge-entry-${basename(target)}`,
    },
    outfile: temp,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [
      {
        name: 'keep-other-chunks-external',
        setup(b) {
          b.onResolve({ filter: /^\.\.?\// }, (args) => {
            const path = resolve(args.resolveDir, args.path);
            if (memberSet.has(path) || !outputs.has(path)) return undefined;
            const rel = relative(dir, path).replace(/\\/g, '/');
            return { path: rel.startsWith('.') ? rel : `./${rel}`, external: true };
          });
        },
      },
    ],
  });
  const map = readFileSync(`${temp}.map`, 'utf8');
  writeFileSync(target, readFileSync(temp, 'utf8').replace(`//# sourceMappingURL=${basename(temp)}.map`, `//# sourceMappingURL=${basename(target)}.map`));
  writeFileSync(`${target}.map`, map.replace(`"file":"${basename(temp)}"`, `"file":"${basename(target)}"`));
  rmSync(temp, { force: true });
  rmSync(`${temp}.map`, { force: true });
}
