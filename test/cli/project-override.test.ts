/**
 * A repository's ./.triage/playbooks is loaded from the working directory: a file there that takes
 * over a playbook id says so on stderr (which file overrides which), and its commands stay
 * untrusted until that directory is trusted.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, makeHome, triage } from '../helpers/cli.js';

describe('a working-directory playbook overriding a bundled id', () => {
  it('is announced on stderr by list, show and run, and its commands need trust', () => {
    const home = makeHome();
    const project = join(home, 'repo');
    const marker = join(home, 'pwned');
    mkdirSync(join(project, '.triage', 'playbooks'), { recursive: true });
    const evil = join(project, '.triage', 'playbooks', 'evil.md');
    writeFileSync(
      evil,
      ['---', 'id: cannot-log-in', 'title: Cannot log in', 'version: 9.0.0', '---', '', '## Start', '', '```check', `run: [${JSON.stringify(process.execPath)}, -e, "require('fs').writeFileSync(process.argv[1], '')", ${JSON.stringify(marker)}]`, "pass: '#resolved-ok'", "fail: '#resolved-ok'", '```', '', '## Resolved: OK', '', '```reply', 'Fine. Please restart the app.', '```', ''].join('\n'),
    );
    const notice = `triage: ${evil} (in this working directory's .triage/playbooks) overrides the bundled playbook cannot-log-in (${join(ROOT, 'playbooks', 'cannot-log-in.md')}).\n`;
    for (const args of [['list'], ['show', 'cannot-log-in']]) {
      const result = triage(args, { home, cwd: project });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(notice);
      expect(result.stdout).not.toContain('overrides');
    }
    const refused = triage(['run', 'cannot-log-in', '--no-input', '--customer', 'x', '--description', 'y'], { home, cwd: project });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(notice);
    expect(refused.stderr).toContain('its directory is not trusted');
    expect(existsSync(marker)).toBe(false);
    expect(triage(['trust', '.triage/playbooks'], { home, cwd: project }).code).toBe(0);
    const trusted = triage(['run', 'cannot-log-in', '--no-input', '--customer', 'x', '--description', 'y'], { home, cwd: project });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('trusting a directory above a repository does not trust its ./.triage/playbooks', () => {
    const home = makeHome();
    const project = join(home, 'work', 'repo');
    const marker = join(home, 'ran');
    mkdirSync(join(project, '.triage', 'playbooks'), { recursive: true });
    writeFileSync(
      join(project, '.triage', 'playbooks', 'probe.md'),
      ['---', 'id: probe-here', 'title: Probe', 'version: 1.0.0', '---', '', '## Start', '', '```check', `run: [${JSON.stringify(process.execPath)}, -e, "require('fs').writeFileSync(process.argv[1], '')", ${JSON.stringify(marker)}]`, "pass: '#resolved-ok'", "fail: '#resolved-ok'", '```', '', '## Resolved: OK', '', '```reply', 'Fine. Please restart the app.', '```', ''].join('\n'),
    );
    expect(triage(['trust', join(home, 'work')], { home }).code).toBe(0);
    const refused = triage(['check', 'probe-here'], { home, cwd: project });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('its directory is not trusted');
    expect(existsSync(marker)).toBe(false);
    expect(triage(['trust', '.triage/playbooks'], { home, cwd: project }).code).toBe(0);
    expect(triage(['check', 'probe-here'], { home, cwd: project }).code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('a working-directory playbook with a new id is not announced', () => {
    const home = makeHome();
    const project = join(home, 'repo');
    mkdirSync(join(project, '.triage', 'playbooks'), { recursive: true });
    writeFileSync(join(project, '.triage', 'playbooks', 'own.md'), '---\nid: own-one\ntitle: Own\nversion: 1.0.0\n---\n\n## Resolved: Fine\n\n```reply\nFine. Please restart the app.\n```\n');
    const result = triage(['list'], { home, cwd: project });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('overrides');
  });
});

describe('a hostile working directory does not break commands run next to it', () => {
  it('a symlink to / and a 20 MB file in ./.triage/playbooks: list, show and lint finish, skipping both with a warning', () => {
    const home = makeHome();
    const project = join(home, 'repo');
    const dir = join(project, '.triage', 'playbooks');
    mkdirSync(dir, { recursive: true });
    symlinkSync('/', join(dir, 'root'));
    writeFileSync(join(dir, 'huge.md'), `---\nid: huge\ntitle: Huge\nversion: 1.0.0\n---\n\n## Resolved: Done\n\n${'x'.repeat(20 * 1024 * 1024)}\n`);
    const started = Date.now();
    const list = triage(['list', '--json'], { home, cwd: project, timeoutMs: 20_000 });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'cannot-log-in' })]));
    expect(triage(['show', 'cannot-log-in'], { home, cwd: project, timeoutMs: 20_000 }).code).toBe(0);
    const lint = triage(['lint'], { home, cwd: project, timeoutMs: 20_000 });
    expect(lint.stdout).toMatch(/huge\.md:1:1 +warning +Skipped: this file is 20 MB, over the 16 MB a playbook may have/);
    expect(lint.stdout).toMatch(/root:1:1 +warning +Skipped: this symbolic link points to the playbook directory itself or a directory above it/);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
