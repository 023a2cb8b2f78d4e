import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TriageError } from '../../src/core/errors.js';
import { listPlaybookFiles, playbookDirectories, type ListingProblem, type PlaybookDirectory } from '../../src/io/discovery.js';

const WS = fileURLToPath(new URL('../fixtures/workspace/', import.meta.url)).replace(/\/$/, '');

function directories(flagDirs: string[] = [], env: NodeJS.ProcessEnv = {}): PlaybookDirectory[] {
  return playbookDirectories({ packageRoot: join(WS, 'bundled'), configDir: join(WS, 'config'), cwd: join(WS, 'project'), flagDirs, env });
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'triage-discovery-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('playbookDirectories', () => {
  it('orders bundled < config < ./.triage/playbooks < --playbooks (in order) < TRIAGE_PLAYBOOKS (in order)', () => {
    const dirs = directories(['../flag-a', join(WS, 'flag-b')], { TRIAGE_PLAYBOOKS: [join(WS, 'env-a'), '../env-b'].join(delimiter) });
    expect(dirs.map((d) => [d.origin, d.path])).toEqual([
      ['bundled', join(WS, 'bundled', 'playbooks')],
      ['config', join(WS, 'config', 'playbooks')],
      ['project', join(WS, 'project', '.triage', 'playbooks')],
      ['flag', join(WS, 'flag-a')],
      ['flag', join(WS, 'flag-b')],
      ['env', join(WS, 'env-a')],
      ['env', join(WS, 'env-b')],
    ]);
  });

  it('resolves relative --playbooks and TRIAGE_PLAYBOOKS entries against the working directory', () => {
    const dirs = directories(['../flag-a'], { TRIAGE_PLAYBOOKS: '../env-a' });
    expect(dirs.slice(-2).map((d) => d.path)).toEqual([join(WS, 'flag-a'), join(WS, 'env-a')]);
  });

  it('makes a relative config directory (TRIAGE_CONFIG_DIR=../config) absolute', () => {
    const dirs = playbookDirectories({ packageRoot: join(WS, 'bundled'), configDir: '../config', cwd: join(WS, 'project'), flagDirs: [], env: {} });
    expect(dirs.find((d) => d.origin === 'config')?.path).toBe(join(WS, 'config', 'playbooks'));
  });

  it('leaves out implicit directories that do not exist', () => {
    const dirs = playbookDirectories({ packageRoot: join(WS, 'bundled'), configDir: join(WS, 'no-such-config'), cwd: join(WS, 'flag-a'), flagDirs: [], env: {} });
    expect(dirs.map((d) => d.origin)).toEqual(['bundled']);
  });

  it('ignores empty TRIAGE_PLAYBOOKS entries (a trailing or doubled separator)', () => {
    const dirs = directories([], { TRIAGE_PLAYBOOKS: `${delimiter}${join(WS, 'env-a')}${delimiter}${delimiter}  ${delimiter}` });
    expect(dirs.filter((d) => d.origin === 'env').map((d) => d.path)).toEqual([join(WS, 'env-a')]);
  });

  it('rejects a --playbooks directory that does not exist (exit 2, names the flag and the path)', () => {
    let error: unknown;
    try {
      directories(['../no-such-dir']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TriageError);
    expect(error).toMatchObject({ code: 'playbooks/dir-missing', exitCode: 2 });
    expect((error as Error).message).toContain('--playbooks ../no-such-dir');
    expect((error as Error).message).toContain(join(WS, 'no-such-dir'));
  });

  it('rejects a TRIAGE_PLAYBOOKS entry that is a file, saying which variable', () => {
    expect(() => directories([], { TRIAGE_PLAYBOOKS: join(WS, 'README.md') })).toThrow(/TRIAGE_PLAYBOOKS entry .*README\.md.* is a file, not a directory/);
  });

  it('keeps a directory named twice once, at its last position (so it wins, as asked)', () => {
    const dirs = directories(['../flag-a', '../flag-b'], { TRIAGE_PLAYBOOKS: join(WS, 'flag-a') });
    expect(dirs.slice(-2).map((d) => [d.origin, d.path])).toEqual([
      ['flag', join(WS, 'flag-b')],
      ['env', join(WS, 'flag-a')],
    ]);
  });

  it('treats a symlink to a directory already listed as the same directory', () => {
    const tmp = tempDir();
    symlinkSync(join(WS, 'flag-a'), join(tmp, 'link-to-a'));
    const dirs = directories(['../flag-a', join(tmp, 'link-to-a')]);
    expect(dirs.filter((d) => d.origin === 'flag').map((d) => d.path)).toEqual([join(tmp, 'link-to-a')]);
  });
});

describe('listPlaybookFiles', () => {
  const flagA: PlaybookDirectory = { path: join(WS, 'flag-a'), origin: 'flag' };

  it('finds .md files recursively, sorted, and skips names starting with _ or . (files and directories)', () => {
    const problems: ListingProblem[] = [];
    const files = listPlaybookFiles(flagA, problems);
    expect(files.map((f) => f.path)).toEqual([join(WS, 'flag-a', 'dup.md'), join(WS, 'flag-a', 'nested', 'deeper', 'nested-one.md')]);
    expect(files.every((f) => f.dir === flagA)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('ends on a symlink loop and lists each real file once', () => {
    const root = tempDir();
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'a', 'b', 'one.md'), '---\n');
    symlinkSync(join(root, 'a'), join(root, 'a', 'b', 'loop')); // a/b/loop -> a
    symlinkSync(root, join(root, 'a', 'up')); // a/up -> root
    const files = listPlaybookFiles({ path: root, origin: 'flag' });
    expect(files.map((f) => f.path)).toEqual([join(root, 'a', 'b', 'one.md')]);
  });

  it('follows a symlinked file and a symlinked directory', () => {
    const root = tempDir();
    symlinkSync(join(WS, 'flag-a', 'dup.md'), join(root, 'linked.md'));
    symlinkSync(join(WS, 'flag-a', 'nested'), join(root, 'linked-dir'));
    const files = listPlaybookFiles({ path: root, origin: 'flag' });
    expect(files.map((f) => f.path)).toEqual([join(root, 'linked-dir', 'deeper', 'nested-one.md'), join(root, 'linked.md')]);
  });

  it('reports a dangling symlink named like a playbook and goes on with the rest', () => {
    const root = tempDir();
    writeFileSync(join(root, 'good.md'), '---\n');
    symlinkSync(join(root, 'gone.md.target'), join(root, 'broken.md'));
    symlinkSync(join(root, 'gone'), join(root, 'dangling-other')); // not a playbook name: not worth an error
    const problems: ListingProblem[] = [];
    const files = listPlaybookFiles({ path: root, origin: 'flag' }, problems);
    expect(files.map((f) => f.path)).toEqual([join(root, 'good.md')]);
    expect(problems).toEqual([{ path: join(root, 'broken.md'), message: expect.stringMatching(/symbolic link to a file that does not exist/) }]);
  });

  it('reports a directory it cannot list instead of throwing', () => {
    const problems: ListingProblem[] = [];
    const files = listPlaybookFiles({ path: join(WS, 'no-such-dir'), origin: 'flag' }, problems);
    expect(files).toEqual([]);
    expect(problems).toEqual([{ path: join(WS, 'no-such-dir'), message: expect.stringMatching(/^Cannot read this directory \(ENOENT\)/) }]);
  });
});

describe('listPlaybookFiles stays bounded in a hostile directory', () => {
  const limits = { fileBytes: 1000, directoryBytes: 2500, directories: 20 };

  it('skips a symlink to / or to a directory above, with a warning, and finishes at once', () => {
    const root = tempDir();
    const dir = join(root, 'playbooks');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.md'), 'x');
    symlinkSync('/', join(dir, 'root'));
    symlinkSync('..', join(dir, 'sub', 'up'));
    const problems: ListingProblem[] = [];
    const started = Date.now();
    const found = listPlaybookFiles({ path: dir, origin: 'flag' }, problems);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(found.map((f) => f.path)).toEqual([join(dir, 'a.md')]);
    expect(problems.map((p) => [p.path, p.skipped])).toEqual([
      [join(dir, 'root'), true],
      [join(dir, 'sub', 'up'), true],
    ]);
    expect(problems[0]?.message).toMatch(/^Skipped: this symbolic link points to the playbook directory itself or a directory above it/);
  });

  it('skips a file over the per-file limit, and files once the directory total is over, saying which', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-huge.md'), 'x'.repeat(1001));
    for (const name of ['b.md', 'c.md', 'd.md', 'e.md']) writeFileSync(join(dir, name), 'x'.repeat(900));
    const problems: ListingProblem[] = [];
    const found = listPlaybookFiles({ path: dir, origin: 'flag' }, problems, limits);
    expect(found.map((f) => f.path)).toEqual([join(dir, 'b.md'), join(dir, 'c.md')]);
    expect(problems.map((p) => p.path)).toEqual([join(dir, 'a-huge.md'), join(dir, 'd.md')]);
    expect(problems.every((p) => p.skipped)).toBe(true);
    expect(problems[1]?.message).toContain('add up to more than');
  });

  it('stops after the directory limit, once', () => {
    const dir = tempDir();
    for (let i = 0; i < 30; i++) mkdirSync(join(dir, `d${String(i).padStart(2, '0')}`));
    const problems: ListingProblem[] = [];
    listPlaybookFiles({ path: dir, origin: 'flag' }, problems, limits);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^Skipped: more than 20 directories/);
  });
});
