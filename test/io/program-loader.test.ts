import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheDirectory, createProgramLoader } from '../../src/io/program-loader.js';

/** A small program in the shape the build writes: CommonJS files naming each other relatively. */
function writeProgram(): string {
  const root = mkdtempSync(join(tmpdir(), 'triage-program-'));
  mkdirSync(join(root, 'chunks'));
  writeFileSync(
    join(root, 'bin.cjs'),
    [
      '"use strict";',
      'const { greet } = require("./chunks/greet.cjs");',
      'const { basename } = require("node:path");',
      'exports.hello = (name) => greet(name);',
      'exports.where = () => [basename(__filename), basename(__dirname), __triageModuleUrl.startsWith("file://")];',
      'exports.later = () => __triageImport("./chunks/later.cjs").then((m) => m.value);',
      'exports.builtin = () => __triageImport("node:os").then((m) => typeof m.platform);',
      'exports.strict = () => { try { undeclared = 1; return false; } catch { return true; } };',
    ].join('\n'),
  );
  writeFileSync(join(root, 'chunks', 'greet.cjs'), 'const bin = require("../bin.cjs");\nconst sawHello = typeof bin.hello === "function";\nexports.greet = (name) => `Hello, ${name}` + (sawHello ? "!" : "?") + (typeof bin.hello === "function" ? "!" : "?");\n');
  writeFileSync(join(root, 'chunks', 'later.cjs'), 'exports.value = 42;\n');
  return root;
}

interface Program {
  hello(name: string): string;
  where(): [string, string, boolean];
  later(): Promise<number>;
  builtin(): Promise<string>;
  strict(): boolean;
}

describe('the program loader', () => {
  it('loads files once, resolves the program\'s own files relatively, and gives each its wrapper', async () => {
    const root = writeProgram();
    const loader = createProgramLoader(root, undefined);
    const program = loader.load(join(root, 'bin.cjs')) as Program;
    expect(loader.load(join(root, 'bin.cjs'))).toBe(program);
    // greet.cjs required bin.cjs while bin.cjs was loading: it saw the exports so far (no hello
    // yet), and the whole of them later, as in Node.
    expect(program.hello('Ada')).toBe('Hello, Ada?!');
    expect(program.where()).toEqual(['bin.cjs', root.split('/').pop(), true]);
    expect(await program.later()).toBe(42);
    expect(await program.builtin()).toBe('function');
    expect(program.strict()).toBe(true);
  });

  it('saves cached code for what it compiled, uses it the next time, and replaces a stale one', () => {
    const root = writeProgram();
    const cacheDir = join(mkdtempSync(join(tmpdir(), 'triage-v8-')), 'v8', 'build-a');
    const first = createProgramLoader(root, cacheDir);
    (first.load(join(root, 'bin.cjs')) as Program).hello('Ada');
    first.saveCache();
    const names = readdirSync(cacheDir).sort();
    expect(names).toEqual(['bin.cjs.bin', 'chunks~greet.cjs.bin']);
    const written = statSync(join(cacheDir, 'bin.cjs.bin')).mtimeMs;

    // Accepted: nothing is compiled without it, so nothing is saved again.
    const second = createProgramLoader(root, cacheDir);
    expect((second.load(join(root, 'bin.cjs')) as Program).hello('Grace')).toBe('Hello, Grace?!');
    second.saveCache();
    expect(statSync(join(cacheDir, 'bin.cjs.bin')).mtimeMs).toBe(written);

    // Changed source (V8 keeps code it compiled in this process, so a damaged file is tried by
    // test/cli/code-cache.test.ts, in new processes): V8 rejects the cached code, and it is replaced.
    const before = readFileSync(join(cacheDir, 'bin.cjs.bin'));
    writeFileSync(join(root, 'bin.cjs'), `${readFileSync(join(root, 'bin.cjs'), 'utf8')}\nexports.changed = true;\n`);
    mkdirSync(join(cacheDir, '..', 'build-b'));
    const third = createProgramLoader(root, cacheDir);
    expect((third.load(join(root, 'bin.cjs')) as Program).hello('Ken')).toBe('Hello, Ken?!');
    third.saveCache();
    expect(readFileSync(join(cacheDir, 'bin.cjs.bin')).equals(before)).toBe(false);
    // Another build's cached code is never read again: it goes.
    expect(readdirSync(join(cacheDir, '..'))).toEqual(['build-a']);
  });

  it('keeps each build\'s and each Node\'s cached code apart, under the cache directory', () => {
    const dir = codeCacheDirectory({ TRIAGE_CACHE_DIR: '/somewhere/cache' });
    expect(dir.startsWith('/somewhere/cache/v8/')).toBe(true);
    expect(dir.endsWith(`-${process.version}-${process.arch}`)).toBe(true);
  });
});
