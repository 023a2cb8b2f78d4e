// Bundles src/ into dist/ with esbuild: one ESM entry plus a chunk per lazily imported module,
// so each command loads only what it uses. Native addons stay external.
// Builds into a fresh directory and swaps it in, so a build never leaves a half-written dist/
// behind for a triage process (or test) that is starting at that moment.
import { build } from 'esbuild';
import { mergeChunks } from './merge-chunks.mjs';
import { toCommonJsChunks } from './commonjs-chunks.mjs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = process.env.TRIAGE_BUILD_OUTDIR ?? fileURLToPath(new URL('../dist', import.meta.url));
// For side-by-side measurements (scripts/bench-devices.mjs): TRIAGE_BUILD_WITHOUT=merge,code-cache,help-snapshot
const without = new Set((process.env.TRIAGE_BUILD_WITHOUT ?? '').split(',').filter(Boolean));

/** A hash of the sources: the playbook index cache (src/io/playbook-index.ts) of another build is not used. */
function sourceHash(dir) {
  const hash = createHash('sha1');
  const walk = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts')) hash.update(child.slice(dir.length)).update('\0').update(readFileSync(child)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

/**
 * recheck (the ReDoS checker of `triage lint`) ships native and Java binaries as optional
 * dependencies; triage uses only its self-contained pure-JS build, copied here with its licence,
 * so recheck is a development dependency and an install of triage carries none of them.
 */
function copyRecheck(outdir) {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('recheck/package.json'));
  mkdirSync(join(outdir, 'vendor'), { recursive: true });
  copyFileSync(join(root, 'lib', 'browser.js'), join(outdir, 'vendor', 'recheck.cjs'));
  copyFileSync(join(root, 'LICENSE'), join(outdir, 'vendor', 'recheck.LICENSE'));
}

const staging = `${dist}.building-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
copyRecheck(staging);
const codeCached = !without.has('code-cache');
const buildId = sourceHash(fileURLToPath(new URL('../src', import.meta.url)));
const result = await build({
  entryPoints: { bin: 'src/bin.ts' },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // clipboardy finds its bundled xsel fallback next to its own files, so it loads from node_modules.
  external: ['node-pty', 'pg-native', 'clipboardy'],
  // CommonJS dependencies bundled into ESM still call require() and read __filename; give them both
  // (CommonJS chunks get them from their wrapper).
  banner: codeCached ? {} : {
    js: [
      "import { createRequire as __triageCreateRequire } from 'node:module';",
      "import { fileURLToPath as __triageFileURLToPath } from 'node:url';",
      "import { dirname as __triageDirname } from 'node:path';",
      'const require = __triageCreateRequire(import.meta.url);',
      'const __filename = __triageFileURLToPath(import.meta.url);',
      'const __dirname = __triageDirname(__filename);',
    ].join(' '),
  },
  define: { __TRIAGE_BUILD_ID__: JSON.stringify(buildId) },
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
// Fewer, larger chunks on the hot paths (scripts/merge-chunks.mjs says which and why).
if (!without.has('merge')) await mergeChunks(staging, result.metafile, { hot: ['src/app/env.ts', 'src/app/playbooks.ts', 'src/cli/run-case.ts', 'src/io/case-store-sqlite.ts'], light: ['src/app/playbooks.ts', 'src/render/playbook-list.ts'] });
// Every file of the program compiled through V8's code cache (src/io/program-loader.ts): the chunks
// become CommonJS, loaded by dist/load.cjs, which bin/triage.js requires; dist/bin.js, which tests
// and scripts import, loads them the same way.
if (codeCached) {
  await toCommonJsChunks(staging);
  await build({
    entryPoints: ['src/io/program-loader.ts'],
    outfile: join(staging, 'load.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    define: { __TRIAGE_BUILD_ID__: JSON.stringify(buildId) },
    logLevel: 'warning',
  });
  writeFileSync(
    join(staging, 'bin.js'),
    [
      '// The program, loaded through V8\'s code cache by load.cjs (src/io/program-loader.ts, scripts/build.mjs).',
      "import { createRequire } from 'node:module';",
      "import { dirname } from 'node:path';",
      "import { fileURLToPath } from 'node:url';",
      "const program = createRequire(import.meta.url)('./load.cjs').loadProgram(dirname(fileURLToPath(import.meta.url)));",
      'export const { run, runWithContext } = program;',
      '',
    ].join('\n'),
  );
} else {
  // The same interface as src/io/program-loader.ts, over the ES modules.
  writeFileSync(join(staging, 'load.cjs'), "exports.loadProgram = () => ({ run: async (argv) => (await import('./bin.js')).run(argv) });\n");
}
// `triage --help` into a pipe is answered from this snapshot, rendered by the program just built
// (src/cli/help-snapshot.ts says when it is used).
// The program answers `--help` from <package>/dist/help.json when it holds: the one being replaced,
// with the old text. Without it, the help is commander's, from the program just built.
rmSync(join(dist, 'help.json'), { force: true });
const renderHelp = `import { run } from ${JSON.stringify(pathToFileURL(join(staging, 'bin.js')).href)}; process.exitCode = await run(['--help']);`;
// With a cache directory of its own: the code it caches belongs to the staging directory's paths.
const helpCache = mkdtempSync(join(tmpdir(), 'triage-build-cache-'));
const help = spawnSync(process.execPath, ['--input-type=module', '-e', renderHelp], { encoding: 'utf8', env: { ...withoutColourSettings(process.env), TRIAGE_CACHE_DIR: helpCache } });
rmSync(helpCache, { recursive: true, force: true });
if (help.status !== 0 || help.stdout === '') {
  rmSync(staging, { recursive: true, force: true });
  throw new Error(`rendering --help failed: ${help.stderr}`);
}
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const topicFiles = readdirSync(fileURLToPath(new URL('../docs/help', import.meta.url))).sort();
if (!without.has('help-snapshot')) writeFileSync(join(staging, 'help.json'), `${JSON.stringify({ version, topicFiles, text: help.stdout })}\n`);

function withoutColourSettings(env) {
  const { NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE, ...rest } = env;
  return rest;
}

const old = `${dist}.old-${process.pid}`;
try {
  renameSync(dist, old);
} catch {
  /* no previous build */
}
renameSync(staging, dist);
rmSync(old, { recursive: true, force: true });
