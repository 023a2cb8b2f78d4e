/**
 * The trust store holds: a trusted directory is the real path recorded at trust time (a symlink
 * put in its place later trusts nothing, and `--remove` still removes it), a hand-edited
 * `trusted` value that is not a list of absolute paths trusts nothing (with a warning), and
 * concurrent `trust` / `trust --remove` / `config set` lose no update.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, makeHome, triage } from '../helpers/cli.js';

const configFile = (home: string) => join(isolatedEnv(home).XDG_CONFIG_HOME!, 'triage', 'config.json');

function commandPlaybook(dir: string, marker: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'probe.md'),
    [
      '---',
      'id: probe',
      'title: Probe',
      'version: 1.0.0',
      '---',
      '',
      '## Can we write a file?',
      '',
      '```check',
      `run: [${JSON.stringify(process.execPath)}, -e, "require('fs').writeFileSync(${JSON.stringify(marker).replace(/"/g, "'")}, 'x')"]`,
      'pass: resolved-yes',
      'fail: resolved-yes',
      '```',
      '',
      '## Resolved: Yes',
      '',
      '```reply',
      'Nothing to do.',
      '```',
      '',
    ].join('\n'),
  );
}

function triageAsync(args: string[], home: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: home, env: { ...process.env, ...isolatedEnv(home) }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('trusted paths are the real paths recorded at trust time', () => {
  it('a trusted directory replaced by a symlink trusts nothing, and --remove removes it', () => {
    const home = makeHome();
    const marker = join(home, 'ran.txt');
    mkdirSync(join(home, 'team'));
    expect(triage(['trust', 'team'], { home }).code).toBe(0);
    rmSync(join(home, 'team'), { recursive: true });
    commandPlaybook(join(home, 'elsewhere'), marker);
    symlinkSync(join(home, 'elsewhere'), join(home, 'team'));
    const blocked = triage(['--playbooks', 'team', 'check', 'probe'], { home });
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('its directory is not trusted');
    expect(existsSync(marker)).toBe(false);
    const removed = triage(['trust', 'team', '--remove'], { home });
    expect(removed).toMatchObject({ code: 0, stderr: `No longer trusted: ${join(home, 'team')}\n` });
    expect(JSON.parse(triage(['trust', '--list', '--json'], { home }).stdout)).toEqual([]);
  });

  for (const [what, value] of [
    ['a string', '"/"'],
    ['an object', '{"0": "/"}'],
    ['a list with a number', '[1, "/"]'],
    ['a relative path', '["."]'],
  ] as const) {
    it(`"trusted" as ${what} trusts nothing, with a warning`, () => {
      const home = makeHome();
      const marker = join(home, 'ran.txt');
      commandPlaybook(join(home, 'team'), marker);
      mkdirSync(join(configFile(home), '..'), { recursive: true });
      writeFileSync(configFile(home), `{"trusted": ${value}}`);
      const blocked = triage(['--playbooks', 'team', 'check', 'probe'], { home });
      expect(blocked.code).toBe(2);
      expect(blocked.stderr).toContain('"trusted" setting');
      expect(blocked.stderr).toContain('no directory is trusted');
      expect(existsSync(marker)).toBe(false);
      const run = triage(['--playbooks', 'team', 'run', 'probe', '--no-input'], { home });
      expect(run.code).toBe(2);
      expect(existsSync(marker)).toBe(false);
      const list = triage(['trust', '--list', '--json'], { home });
      expect(list.code).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([]);
      expect(list.stderr).toContain('no directory is trusted');
      // `trust` starts a fresh list, and then the directory is trusted.
      expect(triage(['trust', 'team'], { home }).code).toBe(0);
      expect(triage(['--playbooks', 'team', 'check', 'probe'], { home }).code).toBe(0);
      expect(existsSync(marker)).toBe(true);
    });
  }
});

describe('concurrent settings writes lose nothing', () => {
  it('30 concurrent `trust`, then 10 concurrent `trust --remove` next to `config set`', async () => {
    const home = makeHome();
    const dirs = Array.from({ length: 30 }, (_, i) => join(home, `d${i}`));
    for (const dir of dirs) mkdirSync(dir);
    const added = await Promise.all(dirs.map((dir) => triageAsync(['trust', dir], home)));
    expect(added.every((code) => code === 0)).toBe(true);
    expect((JSON.parse(triage(['trust', '--list', '--json'], { home }).stdout) as string[]).sort()).toEqual([...dirs].sort());
    const removed = await Promise.all([
      ...dirs.slice(0, 10).map((dir) => triageAsync(['trust', dir, '--remove'], home)),
      triageAsync(['config', 'set', 'agent.name', 'Sam'], home),
    ]);
    expect(removed.every((code) => code === 0)).toBe(true);
    expect((JSON.parse(triage(['trust', '--list', '--json'], { home }).stdout) as string[]).sort()).toEqual(dirs.slice(10).sort());
    expect(triage(['config', 'get', 'agent.name'], { home }).stdout).toBe('Sam\n');
    expect(existsSync(`${configFile(home)}.lock`)).toBe(false);
  }, 120_000);
});
