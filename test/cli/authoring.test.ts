/** `triage new` and `triage lint` as an author runs them (the built binary). */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, makeHome, ROOT, triage } from '../helpers/cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'lint');

/** One link to a missing node (line 11, column 3), and nothing else to complain about. */
const BROKEN_LINK = `---
id: broken-link
title: Broken link
version: 1.0.0
---

## Start

> Does a restart help?

- [Yes](#no-such-node)
- [No](#resolved-restarted)

## Resolved: Restarted

\`\`\`reply
1. Close the app.
2. Open it again.
\`\`\`
`;

/** A directory with a clean playbook (the format's example) and one with a broken link. */
function lintDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'triage-lint-cli-'));
  cpSync(join(FIXTURES, 'valid', 'export-fails.md'), join(dir, 'export-fails.md'));
  writeFileSync(join(dir, 'broken-link.md'), BROKEN_LINK);
  return dir;
}

describe('triage new', () => {
  it('new my-issue && triage lint: the scaffold lints clean (0 errors, 0 warnings) and is listed', () => {
    const home = makeHome();
    const created = triage(['new', 'my-issue'], { home });
    expect(created.code).toBe(0);
    const file = join(home, '.triage', 'playbooks', 'my-issue.md');
    expect(created.stdout).toBe(`${file}\n`);
    expect(created.stderr).toContain('Created .triage/playbooks/my-issue.md and its tests .triage/playbooks/my-issue.test.yaml.');
    expect(created.stderr).toContain('triage lint .triage/playbooks/my-issue.md');
    const lint = triage(['lint', '.triage/playbooks/my-issue.md'], { home });
    expect(lint).toMatchObject({ code: 0, stdout: '1 playbook checked, no problems.\n', stderr: '' });
    // And with every directory (bundled ones too): still nothing to report.
    const all = triage(['lint'], { home });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^\d+ playbooks checked, no problems\.\n$/);
    expect(JSON.parse(triage(['list', '--json'], { home }).stdout)).toContainEqual(expect.objectContaining({ id: 'my-issue', source: expect.objectContaining({ origin: 'project' }) }));
  });

  it('writes tests next to the scaffold that pass with every outcome covered', () => {
    const home = makeHome();
    expect(triage(['new', 'my-issue'], { home }).code).toBe(0);
    const tests = triage(['test', '.triage/playbooks/my-issue.md', '--require-full-coverage'], { home });
    expect(tests.code).toBe(0);
    expect(tests.stdout).toContain('4 cases: 4 passed, 0 failed. Coverage: 4/4 outcomes (100%)');
    // An author's own test file is never overwritten, not even with --force.
    const testFile = join(home, '.triage', 'playbooks', 'my-issue.test.yaml');
    writeFileSync(testFile, 'playbook: my-issue\ncases: []\n');
    expect(triage(['new', 'my-issue', '--force'], { home }).code).toBe(0);
    expect(readFileSync(testFile, 'utf8')).toBe('playbook: my-issue\ncases: []\n');
  });

  it('refuses to overwrite an existing file (exit 2) unless --force', () => {
    const home = makeHome();
    expect(triage(['new', 'dup'], { home }).code).toBe(0);
    const file = join(home, '.triage', 'playbooks', 'dup.md');
    writeFileSync(file, 'edited by hand\n');
    const again = triage(['new', 'dup'], { home });
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('triage: .triage/playbooks/dup.md already exists.\n  hint: Pick another id, or pass --force to overwrite it.\n');
    expect(readFileSync(file, 'utf8')).toBe('edited by hand\n');
    expect(triage(['new', 'dup', '--force'], { home }).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^---\nid: dup\n/);
  });

  it.each([
    ['My_Issue', 'e.g. `triage new my-issue`'],
    ['a--b', 'e.g. `triage new a-b`'],
    ['!!!', 'Use lower-case letters, digits and single hyphens.'],
  ])('rejects the id %j (exit 2) with a suggestion', (id, hint) => {
    const home = makeHome();
    const r = triage(['new', id], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`triage: "${id}" is not a valid playbook id.`);
    expect(r.stderr).toContain(hint);
    expect(existsSync(join(home, '.triage'))).toBe(false);
  });

  it('--stdout prints the playbook and writes nothing; --dir and --title are honoured', () => {
    const home = makeHome();
    const printed = triage(['new', 'login-loop', '--stdout', '--title', 'Login loop: "again"'], { home });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^---\nid: login-loop\ntitle: "Login loop: \\"again\\""\n/);
    expect(existsSync(join(home, '.triage'))).toBe(false);
    const written = triage(['new', 'login-loop', '--dir', 'team'], { home });
    expect(written.stdout).toBe(`${join(home, 'team', 'login-loop.md')}\n`);
    expect(triage(['lint', 'team'], { home }).code).toBe(0);
  });

  it('a directory it cannot write is exit 2 with the reason, not a stack trace', () => {
    const home = makeHome();
    writeFileSync(join(home, 'a-file'), '');
    const r = triage(['new', 'x', '--dir', 'a-file/sub'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^triage: Could not write a-file\/sub\/x\.md: ENOTDIR/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('triage lint', () => {
  it('text: file:line:col, severity, message, rule; paths relative to the working directory; exit 1', () => {
    const dir = lintDir();
    const r = triage(['lint', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^broken-link\.md:11:3 {2}error {2}Link to #no-such-node: .+ {2}link\/missing-node$/m);
    expect(r.stdout).toMatch(/^2 playbooks checked: 1 error, 0 warnings\.\n$/m);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it('json: one object with every diagnostic and absolute paths; exit 1', () => {
    const dir = lintDir();
    const r = triage(['lint', dir, '--format', 'json']);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.stdout) as { schema: string; diagnostics: { file: string; line: number; column: number; severity: string; rule: string; message: string }[] };
    expect(parsed.schema).toBe('triage.lint/v1');
    expect(parsed.diagnostics).toEqual([
      { file: join(dir, 'broken-link.md'), line: 11, column: 3, severity: 'error', rule: 'link/missing-node', message: expect.stringContaining('#no-such-node') },
    ]);
  });

  it('github: ::error file=F,line=L::message annotations relative to GITHUB_WORKSPACE; exit 1', () => {
    const dir = lintDir();
    const json = JSON.parse(triage(['lint', dir, '--format', 'json']).stdout) as { diagnostics: { line: number; column: number; message: string }[] };
    const d = json.diagnostics[0]!;
    const r = triage(['lint', '.', '--format', 'github'], { cwd: join(dir), env: { GITHUB_WORKSPACE: join(dir, '..') } });
    expect(r.code).toBe(1);
    const name = dir.split('/').pop();
    expect(r.stdout).toBe(`::error file=${name}/broken-link.md,line=11,col=3,title=link/missing-node::${d.message}\n`);
    expect(d).toMatchObject({ line: 11, column: 3 });
  });

  it('warnings alone exit 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-lint-warn-'));
    writeFileSync(
      join(dir, 'orphan.md'),
      '---\nid: orphan\ntitle: Orphan\nversion: 1.0.0\n---\n\n## Start\n\n- [Done](#resolved-done)\n\n## Never reached\n\n- [Done](#resolved-done)\n\n## Resolved: Done\n\n```reply\n1. Reload the page.\n```\n',
    );
    const r = triage(['lint', dir, '--format', 'json']);
    const diagnostics = (JSON.parse(r.stdout) as { diagnostics: { severity: string; rule: string }[] }).diagnostics;
    expect(diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', rule: 'node/unreachable' }));
    expect(diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('the playbook-format.md example lints clean (exit 0)', () => {
    expect(triage(['lint', join(FIXTURES, 'valid', 'export-fails.md')])).toMatchObject({ code: 0, stdout: '1 playbook checked, no problems.\n' });
  });

  it('a path that does not exist is a usage error (exit 2) on stderr', () => {
    const r = triage(['lint', 'no/such.md']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^triage: no\/such\.md: no such file or directory\.\n {2}hint: /);
  });

  it('an unknown --format is exit 2', () => {
    const r = triage(['lint', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are text, json, github');
  });

  it('reports a file it may not read (EACCES) and still checks the others', () => {
    // Tests run as root, where chmod 000 blocks nothing: run triage as an unprivileged uid then.
    const dir = mkdtempSync(join(tmpdir(), 'triage-lint-perm-'));
    mkdirSync(join(dir, 'pb'));
    cpSync(join(FIXTURES, 'valid', 'export-fails.md'), join(dir, 'pb', 'export-fails.md'));
    cpSync(join(FIXTURES, 'valid', 'export-fails.md'), join(dir, 'pb', 'locked.md'));
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'pb'), 0o755);
    chmodSync(join(dir, 'pb', 'export-fails.md'), 0o644);
    chmodSync(join(dir, 'pb', 'locked.md'), 0o000);
    const root = process.getuid?.() === 0;
    const r = spawnSync(process.execPath, [BIN, 'lint', 'pb'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') },
      encoding: 'utf8',
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(r.stdout).toContain('pb/locked.md:1:1  error  Cannot read this file (EACCES). Check its permissions, or move it out of the playbook directory.  file/unreadable');
    expect(r.stdout).toContain('2 playbooks checked: 1 error, 0 warnings.');
    expect(r.status).toBe(1);
  });
});
