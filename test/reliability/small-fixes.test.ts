/**
 * Small promises kept: the data directory is the user's alone (0700), a read-only history says
 * so (and never suggests moving it aside), and `cases search` reads `-word` as "without that word".
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { echoAnswers, echoPlaybook, isolatedEnv, makeHome, run, tempDir, write } from './helpers.js';

function workspace(): { home: string; pb: (args: readonly string[]) => string[] } {
  const home = makeHome();
  const dir = join(tempDir(), 'playbooks');
  write(join(dir, 'echo.md'), echoPlaybook());
  return { home, pb: (args) => ['--playbooks', dir, ...args] };
}

describe('the data directory and the history', () => {
  it('the data directory and its sessions directory are created 0700', () => {
    const { home, pb } = workspace();
    const result = run(pb(['run', 'echo', ...echoAnswers('x')]), { home });
    expect(result.code, result.stderr).toBe(0);
    const data = join(isolatedEnv(home).XDG_DATA_HOME!, 'triage');
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, 'sessions')).mode & 0o777).toBe(0o700);
  });

  it('a history in a read-only directory: exit 2 saying it is read-only and what to do, never "move it aside"', () => {
    const { home, pb } = workspace();
    expect(run(pb(['run', 'echo', ...echoAnswers('x')]), { home }).code).toBe(0);
    const readOnly = join(tempDir(), 'ro');
    mkdirSync(readOnly);
    cpSync(join(isolatedEnv(home).XDG_DATA_HOME!, 'triage', 'cases.db'), join(readOnly, 'cases.db'));
    chmodSync(join(readOnly, 'cases.db'), 0o444);
    chmodSync(readOnly, 0o555);
    // root writes anywhere: run as `nobody` then.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(join(readOnly, '..'), 0o755);
    const env = { ...process.env, ...isolatedEnv(tempDir()), TRIAGE_DATA_DIR: readOnly };
    const args = [process.execPath, join(import.meta.dirname, '..', '..', 'bin', 'triage.js'), 'cases', 'list'];
    const result = asRoot
      ? spawnSync('runuser', ['-u', 'nobody', '--', 'env', `TRIAGE_DATA_DIR=${readOnly}`, 'HOME=/tmp', `XDG_CONFIG_HOME=${join('/tmp', 'triage-nobody-config')}`, ...args], { encoding: 'utf8' })
      : spawnSync(args[0]!, args.slice(1), { env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain('is read-only');
    expect(result.stderr).toContain('TRIAGE_DATA_DIR');
    expect(result.stderr).not.toContain('move it aside');
  });
});

describe('cases search -word', () => {
  it('leaves out cases with that word; an unknown --option is still a usage error', () => {
    const { home, pb } = workspace();
    for (const description of ['invoice export on chrome', 'invoice export on firefox']) {
      expect(run(pb(['run', 'echo', ...echoAnswers('x'), '--description', description]), { home }).code).toBe(0);
    }
    const all = run(['cases', 'search', 'invoice', '--json'], { home });
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout)).toHaveLength(2);
    const without = run(['cases', 'search', 'invoice', '-chrome', '--json'], { home });
    expect(without.code, without.stderr).toBe(0);
    expect(JSON.parse(without.stdout)).toHaveLength(1);
    const typo = run(['cases', 'search', 'invoice', '--limt', '3'], { home });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Unknown option --limt');
  });
});
