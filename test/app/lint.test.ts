import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { lintPlaybooks } from '../../src/app/lint.js';
import type { WorkspaceInput } from '../../src/app/workspace.js';
import { TriageError } from '../../src/core/errors.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const WS = join(FIXTURES, 'workspace');
const VALID = join(FIXTURES, 'lint', 'valid', 'export-fails.md');

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'triage-lint-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A workspace with no bundled, config or project playbooks unless a test adds them. */
function input(cwd: string, overrides: Partial<WorkspaceInput> = {}): WorkspaceInput {
  return { packageRoot: join(cwd, 'no-package'), cwd, env: { TRIAGE_CONFIG_DIR: join(cwd, 'no-config') }, flagDirs: [], ...overrides };
}

describe('lintPlaybooks', () => {
  it('finds nothing wrong with the example of playbook-format.md', () => {
    const result = lintPlaybooks(input(tempDir()), [VALID]);
    expect(result.diagnostics).toEqual([]);
    expect(result).toMatchObject({ fileCount: 1, errorCount: 0 });
  });

  it('lints every file of a directory, a broken one next to good ones, sorted by file and line', () => {
    const dir = tempDir();
    copyFileSync(VALID, join(dir, 'a-valid.md'));
    copyFileSync(join(FIXTURES, 'lint', 'broken', 'dead-end.md'), join(dir, 'b-dead-end.md'));
    writeFileSync(join(dir, 'c-no-front-matter.md'), '# Just notes\n\n## Start\n\nNothing here.\n');
    writeFileSync(join(dir, '_draft.md'), 'not linted: drafts are skipped\n');
    const result = lintPlaybooks(input(dir), ['.']);
    expect(result.fileCount).toBe(3);
    // Errors only: the reply-craft warnings are another suite's business (test/core/reply-craft.test.ts).
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.file.slice(dir.length + 1), d.line, d.rule])).toEqual([
      ['b-dead-end.md', 12, 'node/dead-end'],
      ['c-no-front-matter.md', 1, 'front-matter/missing'],
      // The body of a file with broken front matter is still checked.
      ['c-no-front-matter.md', 3, 'node/dead-end'],
    ]);
    expect(result.errorCount).toBe(3);
  });

  it('reports duplicate ids across the directories it was given (the later one overrides)', () => {
    const result = lintPlaybooks(input(WS), ['flag-a', 'flag-b']);
    const overridden = result.diagnostics.filter((d) => d.rule === 'id/overridden');
    expect(overridden.map((d) => [d.file, d.severity])).toEqual([[join(WS, 'flag-a', 'dup.md'), 'warning']]);
    expect(overridden[0]!.message).toContain(join(WS, 'flag-b', 'dup.md'));
  });

  it('with no paths, lints every playbook directory of the workspace in override order', () => {
    const result = lintPlaybooks(
      input(join(WS, 'project'), { packageRoot: join(WS, 'bundled'), env: { TRIAGE_CONFIG_DIR: join(WS, 'config') }, flagDirs: ['../flag-a'] }),
      [],
    );
    // bundled 2 + config 2 + project 1 + flag-a 2 (nested-one, dup; the draft and hidden files skipped)
    expect(result.fileCount).toBe(7);
    expect(result.diagnostics.filter((d) => d.rule === 'id/overridden').map((d) => d.file)).toEqual([
      join(WS, 'bundled', 'playbooks', 'dup.md'),
      join(WS, 'config', 'playbooks', 'dup.md'),
      join(WS, 'project', '.triage', 'playbooks', 'dup.md'),
    ]);
    expect(result.errorCount).toBe(0);
  });

  it('reports an unreadable entry (a dangling symlink) as an error and lints the rest', () => {
    const dir = tempDir();
    copyFileSync(VALID, join(dir, 'export-fails.md'));
    symlinkSync(join(dir, 'deleted.md'), join(dir, 'dangling.md'));
    const result = lintPlaybooks(input(dir), [dir]);
    expect(result.diagnostics.map((d) => [d.file, d.line, d.rule])).toEqual([[join(dir, 'dangling.md'), 1, 'file/unreadable']]);
    expect(result).toMatchObject({ fileCount: 1, errorCount: 1 });
  });

  it('a path that does not exist is a usage error (exit 2) naming the path', () => {
    let error: unknown;
    try {
      lintPlaybooks(input(tempDir()), ['no/such/file.md']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TriageError);
    expect(error).toMatchObject({ code: 'lint/path-missing', exitCode: 2 });
    expect((error as Error).message).toBe('no/such/file.md: no such file or directory.');
  });

  it('lints a single file given by a relative path', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pb'));
    copyFileSync(join(FIXTURES, 'lint', 'broken', 'link-missing-node.md'), join(dir, 'pb', 'x.md'));
    const result = lintPlaybooks(input(dir), ['pb/x.md']);
    expect(result.fileCount).toBe(1);
    expect(result.diagnostics.every((d) => d.file === join(dir, 'pb', 'x.md'))).toBe(true);
    expect(result.diagnostics.map((d) => d.rule)).toContain('link/missing-node');
  });
});
