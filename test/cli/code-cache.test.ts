/**
 * The V8 code cache of the vendored packages (src/io/vendor-cache.ts) is a shortcut
 * only: with no cache, a damaged one or one from another build, every command gives the same
 * output; the first run writes the cache, and a damaged entry is replaced.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, makeHome, triageBinary } from '../helpers/cli.js';

describe('code cache of the vendored packages', () => {
  it('is written by the first run, and a damaged or stale cache changes nothing', () => {
    const home = makeHome();
    const cacheDir = join(isolatedEnv(home).XDG_CACHE_HOME!, 'triage', 'v8');
    const args = ['search', 'the export never finishes'];
    const first = triageBinary(args, { home, env: { XDG_CACHE_HOME: join(home, '.cache') } });
    expect(first.code).toBe(0);
    const written = readdirSync(cacheDir).sort();
    expect(written.map((n) => n.split('-')[0])).toEqual(expect.arrayContaining(['commander']));

    for (const name of written) writeFileSync(join(cacheDir, name), 'not V8 code at all');
    writeFileSync(join(cacheDir, 'commander-0000000000000000-v0.0.0-x64.bin'), 'from another build');
    const damaged = triageBinary(args, { home, env: { XDG_CACHE_HOME: join(home, '.cache') } });
    expect({ code: damaged.code, stdout: damaged.stdout, stderr: damaged.stderr }).toEqual({ code: first.code, stdout: first.stdout, stderr: first.stderr });
    expect(readdirSync(cacheDir).sort()).toEqual(written);
    for (const name of written) expect(readFileSync(join(cacheDir, name), 'utf8')).not.toBe('not V8 code at all');

    const cached = triageBinary(args, { home, env: { XDG_CACHE_HOME: join(home, '.cache') } });
    expect(cached.stdout).toBe(first.stdout);
  });
});
