// Bundles src/ into dist/ with esbuild: one ESM entry plus a chunk per lazily imported module,
// so each command loads only what it uses. Native addons stay external.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { bin: 'src/bin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['better-sqlite3', 'node-pty', 'pg-native'],
  // CommonJS dependencies bundled into ESM still call require(); give them one.
  banner: {
    js: [
      "import { createRequire as __triageCreateRequire } from 'node:module';",
      "import { fileURLToPath as __triageFileURLToPath } from 'node:url';",
      'const require = __triageCreateRequire(import.meta.url);',
      'const __filename = __triageFileURLToPath(import.meta.url);',
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join(' '),
  },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
