/**
 * Start-up guarded by counting, not timing: which of triage's own files and which
 * packages a command loads. `--version` loads the entry and almost nothing else; no command
 * loads a heavy package it does not use. Packages are bundled: dist/chunks.json (written by the
 * build) says which packages each chunk holds, dist/vendor/recheck.cjs holds recheck,
 * and anything loaded from node_modules at run time (native or external packages) shows up by path.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, makeHome, ROOT } from '../helpers/cli.js';

const TRACE = join(ROOT, 'test', 'helpers', 'module-trace.mjs');
const HEAVY = ['commander', 'inquirer', '@inquirer', 'markdown-it', 'liquidjs', 'yaml', 'valibot', 'recheck', 'minisearch', 'better-sqlite3', 'pg', 'ora', 'conf', 'execa', 'cli-table3', 'chalk', 'semver', 'ua-parser-js', 'html-to-text'];

interface Loaded {
  /** Files of dist/ (the entry and its chunks). */
  readonly dist: string[];
  /** Files loaded from node_modules at run time. */
  readonly nodeModules: string[];
  /** Packages whose code is in the loaded files (bundled or not). */
  readonly packages: Set<string>;
}

function loadedBy(args: readonly string[], home: string, env: Record<string, string> = {}, status = 0): Loaded {
  const out = join(home, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const result = spawnSync(process.execPath, ['--import', TRACE, BIN, ...args], {
    cwd: home,
    env: { ...process.env, ...isolatedEnv(home), ...env, MODULE_TRACE: out, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(status);
  const files = [...new Set(readFileSync(out, 'utf8').split('\n').filter((line) => line.startsWith('file:')))].map((url) => fileURLToPath(url));
  const distDir = join(ROOT, 'dist');
  const dist = files.filter((f) => f.startsWith(distDir));
  const nodeModules = files.filter((f) => f.includes('node_modules') && !f.startsWith(distDir));
  const manifest = JSON.parse(readFileSync(join(distDir, 'chunks.json'), 'utf8')) as Record<string, { packages: string[] }>;
  const packages = new Set<string>();
  for (const file of dist) {
    const name = relative(distDir, file).replace(/\\/g, '/');
    const vendor = /^vendor\/(.+)\.cjs$/.exec(name);
    for (const pkg of vendor ? [vendor[1]!] : (manifest[name]?.packages ?? [])) packages.add(pkg);
  }
  for (const file of nodeModules) {
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file.slice(file.lastIndexOf('node_modules')));
    if (match) packages.add(match[1]!.replace('\\', '/'));
  }
  return { dist, nodeModules, packages };
}

const heavyIn = (loaded: Loaded, except: readonly string[] = []): string[] => HEAVY.filter((p) => !except.includes(p) && [...loaded.packages].some((q) => q === p || q.startsWith(`${p}/`)));

describe('what start-up loads', () => {
  const home = makeHome();

  it('--version: the entry, the loader, the program\'s entry and the bundler runtime, no package at all', () => {
    for (const flag of ['--version', '-V']) {
      const loaded = loadedBy([flag], home);
      expect(loaded.dist.length, loaded.dist.join('\n')).toBeLessThanOrEqual(4);
      expect(loaded.nodeModules).toEqual([]);
      expect([...loaded.packages]).toEqual([]);
    }
  });

  it('--help into a pipe: no commander either (the help text is rendered at build time)', () => {
    const loaded = loadedBy(['--help'], home);
    expect(loaded.dist.length, loaded.dist.join('\n')).toBeLessThanOrEqual(5);
    expect([...loaded.packages]).toEqual([]);
  });

  it('a command loads commander and only what it uses', () => {
    const loaded = loadedBy(['lint', '--help'], home);
    expect(heavyIn(loaded)).toEqual(['commander']);
    expect(loaded.dist.length, loaded.dist.join('\n')).toBeLessThanOrEqual(8);
  });

  it('list and search with a warm index parse nothing: no Markdown, YAML or template engine', () => {
    for (const args of [['list', '--json'], ['search', 'cannot', 'log', 'in']]) {
      loadedBy(args, home); // builds the index
      const loaded = loadedBy(args, home);
      expect(heavyIn(loaded, ['minisearch']), args.join(' ')).toEqual(['commander']);
    }
  });

  it('lint checks patterns with the copy of recheck in dist/vendor, never the package (its native and Java binaries)', () => {
    const loaded = loadedBy(['lint', join(ROOT, 'test', 'fixtures', 'hostile', 'redos', 'redos.md')], home, {}, 1);
    expect(loaded.packages.has('recheck')).toBe(true);
    expect(loaded.dist.map((f) => relative(join(ROOT, 'dist'), f).replace(/\\/g, '/'))).toContain('vendor/recheck.cjs');
    expect(loaded.nodeModules.filter((f) => /recheck/.test(f))).toEqual([]);
  });

  it('a run to a JSON report with warm caches: no parser, no prompts, no database, no spinner', () => {
    const args = ['run', 'upload-or-export-fails', '--no-input', '--no-history', '--format', 'json', '--case-id', 'TRI-TRACE-1'];
    args.push(...['browser=Chrome 131 on macOS', 'upload-or-export=2', 'how-big-is-the-export=3', 'export_format=CSV', 'row_count=4200', 'rows_expected=4200', 'rows_received=0', 'do-filters-explain-the-missing-rows=3'].flatMap((a) => ['-a', a]));
    loadedBy(args, home, { SOURCE_DATE_EPOCH: '1764201600' });
    const loaded = loadedBy(args, home, { SOURCE_DATE_EPOCH: '1764201600' });
    expect(heavyIn(loaded, ['chalk', 'ua-parser-js'])).toEqual(['commander', 'liquidjs']);
  });
});
