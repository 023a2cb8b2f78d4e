import { chmodSync, copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkspace } from '../../src/app/workspace.js';
import { playbookDirectories } from '../../src/io/discovery.js';
import { loadPlaybookDirectories, loadPlaybookFiles } from '../../src/io/load-playbooks.js';

const WS = fileURLToPath(new URL('../fixtures/workspace/', import.meta.url)).replace(/\/$/, '');

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'triage-load-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function everyDirectory(): ReturnType<typeof playbookDirectories> {
  return playbookDirectories({
    packageRoot: join(WS, 'bundled'),
    configDir: join(WS, 'config'),
    cwd: join(WS, 'project'),
    flagDirs: ['../flag-a', '../flag-b'],
    env: { TRIAGE_PLAYBOOKS: ['../env-a', '../env-b'].join(delimiter) },
  });
}

describe('loadPlaybookDirectories', () => {
  it('the last directory wins for an id that several directories define', () => {
    const loaded = loadPlaybookDirectories(everyDirectory());
    expect(loaded.effective.find((p) => p.id === 'dup')?.title).toBe('dup from env-b');
    // Every version parsed, in directory order: what lint needs to report duplicates.
    expect(loaded.parsed.filter((p) => p.id === 'dup').map((p) => p.title)).toEqual([
      'dup from bundled',
      'dup from config',
      'dup from project',
      'dup from flag-a',
      'dup from flag-b',
      'dup from env-a',
      'dup from env-b',
    ]);
  });

  it.each([
    [['../flag-a', '../flag-b'], 'dup from flag-b'],
    [['../flag-b', '../flag-a'], 'dup from flag-a'],
  ])('--playbooks %j: the later flag wins', (flagDirs, title) => {
    const dirs = playbookDirectories({ packageRoot: join(WS, 'bundled'), configDir: join(WS, 'config'), cwd: join(WS, 'project'), flagDirs, env: {} });
    expect(loadPlaybookDirectories(dirs).effective.find((p) => p.id === 'dup')?.title).toBe(title);
  });

  it('without flags, ./.triage/playbooks beats the config directory, which beats bundled', () => {
    const base = { packageRoot: join(WS, 'bundled'), configDir: join(WS, 'config'), flagDirs: [], env: {} };
    const title = (cwd: string, configDir = base.configDir): string | undefined =>
      loadPlaybookDirectories(playbookDirectories({ ...base, cwd, configDir })).effective.find((p) => p.id === 'dup')?.title;
    expect(title(join(WS, 'project'))).toBe('dup from project');
    expect(title(WS)).toBe('dup from config');
    expect(title(WS, join(WS, 'no-such-config'))).toBe('dup from bundled');
  });

  it('lists the effective playbooks once per id, sorted by id, from every directory', () => {
    const loaded = loadPlaybookDirectories(everyDirectory());
    expect(loaded.effective.map((p) => p.id)).toEqual(['dup', 'nested-one', 'only-bundled', 'only-config']);
    expect(loaded.library.get('only-bundled')?.title).toBe('only in bundled');
  });

  it('one broken file never stops the others from loading', () => {
    const loaded = loadPlaybookDirectories(everyDirectory());
    const broken = join(WS, 'flag-b', 'broken.md');
    expect(loaded.parsed.some((p) => p.path === broken)).toBe(false);
    expect(loaded.diagnostics.filter((d) => d.file === broken).map((d) => [d.line, d.rule])).toEqual([[4, 'version/invalid']]);
    // flag-b's other file still loaded.
    expect(loaded.parsed.some((p) => p.path === join(WS, 'flag-b', 'dup.md'))).toBe(true);
    expect(loaded.fileCount).toBe(11);
  });

  it('turns a dangling symlink into a file/unreadable diagnostic and loads the rest', () => {
    const dir = tempDir();
    copyFileSync(join(WS, 'flag-a', 'dup.md'), join(dir, 'dup.md'));
    symlinkSync(join(dir, 'nowhere.md'), join(dir, 'dangling.md'));
    const loaded = loadPlaybookDirectories([{ path: dir, origin: 'flag' }]);
    expect(loaded.effective.map((p) => p.id)).toEqual(['dup']);
    expect(loaded.diagnostics).toEqual([
      { file: join(dir, 'dangling.md'), line: 1, column: 1, severity: 'error', rule: 'file/unreadable', message: expect.stringMatching(/does not exist.*remove it/) },
    ]);
  });

  it('turns a file that cannot be read into a file/unreadable diagnostic and loads the rest', () => {
    const dir = tempDir();
    copyFileSync(join(WS, 'flag-a', 'dup.md'), join(dir, 'dup.md'));
    copyFileSync(join(WS, 'flag-a', 'dup.md'), join(dir, 'locked.md'));
    const directory = { path: dir, origin: 'flag' as const };
    const files = [
      { path: join(dir, 'dup.md'), dir: directory },
      // As root, chmod 000 does not stop a read, so the read failure comes from a file that is
      // gone by the time it is read (listed, then deleted); a non-root user gets a real EACCES.
      // test/cli/authoring.test.ts covers EACCES for real by running lint as an unprivileged uid.
      { path: join(dir, process.getuid?.() === 0 ? 'vanished.md' : 'locked.md'), dir: directory },
    ];
    if (process.getuid?.() !== 0) chmodSync(join(dir, 'locked.md'), 0o000);
    const loaded = loadPlaybookFiles(files, [directory]);
    expect(loaded.effective.map((p) => p.id)).toEqual(['dup']);
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]).toMatchObject({ file: files[1]!.path, line: 1, rule: 'file/unreadable', severity: 'error' });
    expect(loaded.diagnostics[0]!.message).toMatch(/^Cannot read this file \((ENOENT|EACCES)\)\. Check its permissions/);
  });
});

describe('loadWorkspace', () => {
  it('uses TRIAGE_CONFIG_DIR as the config directory, and flags and TRIAGE_PLAYBOOKS after it', () => {
    const loaded = loadWorkspace({
      packageRoot: join(WS, 'bundled'),
      cwd: join(WS, 'project'),
      env: { TRIAGE_CONFIG_DIR: join(WS, 'config'), TRIAGE_PLAYBOOKS: join(WS, 'env-a') },
      flagDirs: ['../flag-b'],
    });
    expect(loaded.directories.map((d) => d.origin)).toEqual(['bundled', 'config', 'project', 'flag', 'env']);
    expect(loaded.effective.find((p) => p.id === 'dup')?.title).toBe('dup from env-a');
    expect(loaded.effective.find((p) => p.id === 'only-config')?.dir).toBe(join(WS, 'config', 'playbooks'));
  });
});
