/**
 * Small promises kept: the data directory is the user's alone (0700), a read-only history says
 * so (and never suggests moving it aside), and `cases search` reads `-word` as "without that word".
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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

  it('a history in a read-only directory, read-only itself: list, show, search, stats and export read it; import and purge say writing needs write access', () => {
    const { home, pb } = workspace();
    const first = run(pb(['run', 'echo', ...echoAnswers('quokka sighting'), '--case-id', 'TRI-RO-1', '--format', 'json']), { home });
    expect(first.code, first.stderr).toBe(0);
    const exported = run(['cases', 'export'], { home });
    expect(exported.code, exported.stderr).toBe(0);
    const readOnly = join(tempDir(), 'ro');
    mkdirSync(readOnly);
    // A copy of the WAL-mode history without its -wal/-shm, as a backup or a read-only mount holds it.
    cpSync(join(isolatedEnv(home).XDG_DATA_HOME!, 'triage', 'cases.db'), join(readOnly, 'cases.db'));
    const importFile = join(tempDir(), 'cases.jsonl');
    writeFileSync(importFile, exported.stdout.replace(/TRI-RO-1/g, 'TRI-RO-2'));
    chmodSync(importFile, 0o644);
    chmodSync(join(importFile, '..'), 0o755);
    chmodSync(join(readOnly, 'cases.db'), 0o444);
    chmodSync(readOnly, 0o555);
    // root writes anywhere: run as `nobody` then.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(join(readOnly, '..'), 0o755);
    const env = { ...process.env, ...isolatedEnv(tempDir()), TRIAGE_DATA_DIR: readOnly };
    const bin = [process.execPath, join(import.meta.dirname, '..', '..', 'bin', 'triage.js')];
    const triage = (args: readonly string[]) => {
      const result = asRoot
        ? spawnSync('runuser', ['-u', 'nobody', '--', 'env', `TRIAGE_DATA_DIR=${readOnly}`, 'HOME=/tmp', `XDG_CONFIG_HOME=${join('/tmp', 'triage-nobody-config')}`, ...bin, ...args], { encoding: 'utf8' })
        : spawnSync(bin[0]!, [...bin.slice(1), ...args], { env, encoding: 'utf8' });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    const list = triage(['cases', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('TRI-RO-1');
    for (const [args, expected] of [
      [['cases', 'show', 'TRI-RO-1'], 'TRI-RO-1'],
      [['cases', 'search', 'quokka', '--json'], 'TRI-RO-1'],
      [['cases', 'stats', '--json'], 'echo'],
      [['cases', 'export'], 'quokka sighting'],
    ] as const) {
      const result = triage(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(expected);
    }
    for (const args of [['cases', 'import', importFile], ['cases', 'purge', '--older-than', '1d']]) {
      const result = triage(args);
      expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(2);
      expect(result.stderr).toContain('is read-only');
      expect(result.stderr).toContain('need write access');
      expect(result.stderr).not.toMatch(/move it aside|internal error|\n\s+at /);
    }
    // Nothing was written beside it.
    expect(readdirSync(readOnly)).toEqual(['cases.db']);
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
