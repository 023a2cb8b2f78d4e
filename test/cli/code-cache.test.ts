/**
 * The V8 code cache of the program's files (src/io/program-loader.ts) is a shortcut only: with no
 * cache, a damaged one or one from another build, every command gives the same output; the first
 * run writes the cache of the files it loaded, a damaged entry is replaced, and another build's
 * cache is removed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, triageBinary } from '../helpers/cli.js';

describe('code cache of the program', () => {
  it('is written by the first run, and a damaged or stale cache changes nothing', () => {
    const home = makeHome();
    const env = { TRIAGE_CACHE_DIR: join(home, 'cache') };
    const v8 = join(home, 'cache', 'v8');
    const args = ['search', 'the export never finishes'];
    // The first search builds the playbook index too; from the second on, each loads the same files.
    expect(triageBinary(args, { home, env }).code).toBe(0);
    rmSync(v8, { recursive: true });
    const first = triageBinary(args, { home, env });
    expect(first.code, first.stderr).toBe(0);
    const [build, ...others] = readdirSync(v8);
    expect(others).toEqual([]);
    expect(build).toMatch(new RegExp(`-${process.version.replace(/\./g, '\\.')}-${process.arch}$`));
    const written = readdirSync(join(v8, build!)).sort();
    // The program's entry and the chunks `search` loads, each named by its path under dist/.
    expect(written).toContain('bin.cjs.bin');
    expect(written.filter((n) => n.startsWith('chunks~')).length).toBeGreaterThan(2);

    for (const name of written) writeFileSync(join(v8, build!, name), 'not V8 code at all');
    mkdirSync(join(v8, '0000000000000000-v0.0.0-x64'));
    writeFileSync(join(v8, '0000000000000000-v0.0.0-x64', 'bin.cjs.bin'), 'from another build');
    const damaged = triageBinary(args, { home, env });
    expect({ code: damaged.code, stdout: damaged.stdout, stderr: damaged.stderr }).toEqual({ code: first.code, stdout: first.stdout, stderr: first.stderr });
    expect(readdirSync(v8)).toEqual([build]);
    expect(readdirSync(join(v8, build!)).sort()).toEqual(written);
    for (const name of written) expect(readFileSync(join(v8, build!, name), 'utf8')).not.toBe('not V8 code at all');

    const cached = triageBinary(args, { home, env });
    expect(cached.stdout).toBe(first.stdout);
  });

  it('a cache directory that cannot be written costs nothing but time', () => {
    const home = makeHome();
    const file = join(home, 'a-file');
    writeFileSync(file, 'not a directory');
    const result = triageBinary(['search', 'the export never finishes'], { home, env: { TRIAGE_CACHE_DIR: file } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(existsSync(join(file, 'v8'))).toBe(false);
  });
});
