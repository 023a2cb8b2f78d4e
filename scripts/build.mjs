// Bundles src/ into dist/ with esbuild: one ESM entry plus a chunk per lazily imported module,
// so each command loads only what it uses. Native addons stay external.
// Builds into a fresh directory and swaps it in, so a build never leaves a half-written dist/
// behind for a triage process (or test) that is starting at that moment.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * commander requires node:child_process at load time only to spawn executable subcommands, which
 * triage has none of; loading it (with net, dgram and streams) costs several ms of every start-up.
 * Give commander a stand-in that loads the real module on first use (issue 7).
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      loader: 'js',
      contents: [
        'let real;',
        "const load = () => (real ??= require('node:child_process'));",
        'module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });',
      ].join('\n'),
    }));
  },
};
const staging = `${dist}.building-${process.pid}`;

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
rmSync(staging, { recursive: true, force: true });
await build({
  entryPoints: { bin: 'src/bin.ts' },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // clipboardy finds its bundled xsel fallback next to its own files, so it loads from node_modules.
  external: ['better-sqlite3', 'node-pty', 'pg-native', 'clipboardy'],
  // CommonJS dependencies bundled into ESM still call require() and read __filename; give them both.
  banner: {
    js: [
      "import { createRequire as __triageCreateRequire } from 'node:module';",
      "import { fileURLToPath as __triageFileURLToPath } from 'node:url';",
      "import { dirname as __triageDirname } from 'node:path';",
      'const require = __triageCreateRequire(import.meta.url);',
      'const __filename = __triageFileURLToPath(import.meta.url);',
      'const __dirname = __triageDirname(__filename);',
    ].join(' '),
  },
  plugins: [lazyChildProcessForCommander],
  define: { __TRIAGE_BUILD_ID__: JSON.stringify(sourceHash(fileURLToPath(new URL('../src', import.meta.url)))) },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
const old = `${dist}.old-${process.pid}`;
try {
  renameSync(dist, old);
} catch {
  /* no previous build */
}
renameSync(staging, dist);
rmSync(old, { recursive: true, force: true });
