/**
 * `triage config` and `triage trust` through the built binary, and the two ways settings are
 * read (conf in `openSettings`, `readSettingsFast` without it) against the same file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSettings } from '../../src/io/settings.js';
import { readSettingsFast, setAsideDamagedSettings } from '../../src/io/settings-read.js';
import { isolatedEnv, makeHome, triage } from '../helpers/cli.js';

const configHome = (home: string): string => isolatedEnv(home).XDG_CONFIG_HOME!;
const configFile = (home: string) => join(configHome(home), 'triage', 'config.json');
const backups = (home: string) => readdirSync(join(configHome(home), 'triage')).filter((n) => n.startsWith('config.json.corrupt-'));

describe('triage config', () => {
  it('path prints where settings live (the XDG config directory)', () => {
    const home = makeHome();
    expect(triage(['config', 'path'], { home })).toMatchObject({ code: 0, stdout: `${configFile(home)}\n`, stderr: '' });
  });

  it('set, get, list, unset round-trip; set and unset confirm on stderr only', () => {
    const home = makeHome();
    const set = triage(['config', 'set', 'agent.name', 'Sam Rivera'], { home });
    expect(set).toMatchObject({ code: 0, stdout: '' });
    expect(set.stderr).toBe(`Saved agent.name in ${configFile(home)}\n`);
    expect(triage(['config', 'set', 'format', 'json'], { home }).code).toBe(0);
    expect(triage(['config', 'get', 'agent.name'], { home })).toMatchObject({ code: 0, stdout: 'Sam Rivera\n', stderr: '' });
    const list = JSON.parse(triage(['config', 'list', '--json'], { home }).stdout) as Record<string, unknown>;
    expect(list).toMatchObject({ 'agent.name': 'Sam Rivera', format: 'json', 'company.name': null, trusted: null });
    const table = triage(['config', 'list'], { home }).stdout;
    expect(table).toMatch(/^agent\.name\s+Sam Rivera\s+your name/m);
    expect(table).toMatch(/^company\.name\s+\(not set\)/m);
    expect(triage(['config', 'unset', 'agent.name'], { home })).toMatchObject({ code: 0, stdout: '', stderr: 'Removed agent.name.\n' });
    const unset = triage(['config', 'get', 'agent.name'], { home });
    expect(unset).toMatchObject({ code: 0, stdout: '' });
    expect(unset.stderr).toContain('agent.name is not set.');
  });

  it('what conf writes, readSettingsFast reads the same (and conf reads it back)', () => {
    const home = makeHome();
    triage(['config', 'set', 'agent.name', 'Zoë O’Brien'], { home });
    triage(['config', 'set', 'company.name', 'Acme "Cloud"'], { home });
    triage(['config', 'set', 'signoff', 'Best regards,\\nthe team'], { home });
    const dir = join(configHome(home), 'triage');
    const fast = readSettingsFast({ TRIAGE_CONFIG_DIR: dir });
    expect(fast.problem).toBeUndefined();
    expect(fast.settings).toEqual({ 'agent.name': 'Zoë O’Brien', 'company.name': 'Acme "Cloud"', signoff: 'Best regards,\\nthe team' });
    const viaConf = openSettings({ TRIAGE_CONFIG_DIR: dir });
    expect(viaConf.all()).toEqual(fast.settings);
    expect(viaConf.notice).toBeUndefined();
  });

  it('an unknown key or a bad value is exit 2 with what to do', () => {
    const home = makeHome();
    const typo = triage(['config', 'get', 'agent.nme'], { home });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^triage: Unknown setting "agent\.nme"\.\n {2}hint: Did you mean "agent\.name"\? Settings: agent\.name, /);
    const bad = triage(['config', 'set', 'format', 'html'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('format must be one of markdown, text, json; got "html".');
    expect(existsSync(configFile(home))).toBe(false);
  });

  it('every subcommand shows an example in --help', () => {
    for (const sub of ['get', 'set', 'unset', 'list', 'path']) {
      const r = triage(['config', sub, '--help']);
      expect(r.code, sub).toBe(0);
      expect(r.stdout, sub).toMatch(/\nExamples:\n {2}\$ triage config /);
    }
  });
});

describe('a damaged config.json', () => {
  it.each([
    ['truncated JSON', '{"agent.name": "Sam",'],
    ['not an object', '["agent.name"]'],
    ['an empty file', ''],
  ])('(%s) is moved aside with a message on stderr, and triage goes on with defaults', (_, text) => {
    const home = makeHome();
    mkdirSync(join(configHome(home), 'triage'), { recursive: true });
    writeFileSync(configFile(home), text);
    const r = triage(['config', 'get', 'agent.name'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const [backup] = backups(home);
    expect(backup).toMatch(/^config\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    expect(readFileSync(join(configHome(home), 'triage', backup!), 'utf8')).toBe(text);
    expect(r.stderr).toContain(`triage: the settings file ${configFile(home)} was damaged (`);
    expect(r.stderr).toContain(`it was moved to ${configFile(home)}.corrupt-`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Settings work again, and the next command is quiet.
    expect(triage(['config', 'set', 'agent.name', 'Sam'], { home }).code).toBe(0);
    expect(triage(['config', 'get', 'agent.name'], { home })).toMatchObject({ code: 0, stdout: 'Sam\n', stderr: '' });
    expect(backups(home)).toHaveLength(1);
  });

  it('lint and list still work, and lint says what happened once', () => {
    const home = makeHome();
    mkdirSync(join(configHome(home), 'triage'), { recursive: true });
    writeFileSync(configFile(home), '{oops');
    const lint = triage(['lint'], { home });
    expect(lint.code).toBe(0);
    expect(lint.stderr.match(/was damaged/g)).toHaveLength(1);
    expect(triage(['list'], { home }).code).toBe(0);
    expect(backups(home)).toHaveLength(1);
  });

  it('readSettingsFast sets it aside and reports it, also to later readers in the same process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-settings-'));
    writeFileSync(join(dir, 'config.json'), '{"agent.name": ');
    const first = readSettingsFast({ TRIAGE_CONFIG_DIR: dir });
    expect(first.settings).toEqual({});
    expect(first.problem).toMatch(/was damaged \(.+\); it was moved to .*config\.json\.corrupt-.* and default settings are used/);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('config.json.corrupt-'))).toHaveLength(1);
    expect(readSettingsFast({ TRIAGE_CONFIG_DIR: dir }).problem).toBe(first.problem);
    rmSync(dir, { recursive: true, force: true });
  });

  it('openSettings (conf) sets it aside too, carries a notice, and the store works', () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-settings-'));
    writeFileSync(join(dir, 'config.json'), 'not json at all');
    const store = openSettings({ TRIAGE_CONFIG_DIR: dir });
    expect(store.notice).toMatch(/was damaged .* moved to .*config\.json\.corrupt-/);
    store.set('agent.name', 'Sam');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ 'agent.name': 'Sam' });
    expect(readFileSync(join(dir, readdirSync(dir).find((n) => n.includes('.corrupt-'))!), 'utf8')).toBe('not json at all');
    rmSync(dir, { recursive: true, force: true });
  });

  it('when it cannot be moved, says so and still uses defaults', () => {
    const message = setAsideDamagedSettings(join(tmpdir(), 'no-such-dir-triage', 'config.json'), 'the file is empty', new Date(0));
    expect(message).toMatch(/is damaged \(the file is empty\) and could not be moved aside \(ENOENT\); default settings are used/);
  });
});

describe('triage trust', () => {
  it('trusts a directory by its real path, lists it, and removes it', () => {
    const home = makeHome();
    mkdirSync(join(home, 'team'));
    const add = triage(['trust', 'team'], { home });
    expect(add).toMatchObject({ code: 0, stdout: '' });
    expect(add.stderr).toContain(`Trusted: ${join(home, 'team')} (and the directories below it)`);
    expect(triage(['trust', 'team'], { home }).stderr).toBe(`Already trusted: ${join(home, 'team')}\n`);
    expect(triage(['trust', '--list'], { home })).toMatchObject({ code: 0, stdout: `${join(home, 'team')}\n` });
    expect(JSON.parse(triage(['trust', '--list', '--json'], { home }).stdout)).toEqual([join(home, 'team')]);
    expect(JSON.parse(triage(['config', 'get', 'trusted'], { home }).stdout)).toEqual([join(home, 'team')]);
    expect(triage(['trust', 'team', '--remove'], { home }).stderr).toBe(`No longer trusted: ${join(home, 'team')}\n`);
    const empty = triage(['trust', '--list'], { home });
    expect(empty).toMatchObject({ code: 0, stdout: '' });
    expect(empty.stderr).toContain('No trusted directories.');
  });

  it('a directory that was deleted can still be removed', () => {
    const home = makeHome();
    mkdirSync(join(home, 'gone'));
    triage(['trust', 'gone'], { home });
    rmSync(join(home, 'gone'), { recursive: true });
    expect(triage(['trust', 'gone', '--remove'], { home })).toMatchObject({ code: 0, stderr: `No longer trusted: ${join(home, 'gone')}\n` });
    expect(JSON.parse(triage(['trust', '--list', '--json'], { home }).stdout)).toEqual([]);
  });

  it('a missing directory or a file is exit 2, saying which', () => {
    const home = makeHome();
    writeFileSync(join(home, 'a-file'), '');
    expect(triage(['trust', 'nope'], { home }).stderr).toMatch(/^triage: nope: no such directory \(/);
    const file = triage(['trust', 'a-file'], { home });
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/^triage: a-file: a file, not a directory \(/);
  });

  it('commands from an untrusted directory do not run (exit 2); after `triage trust`, they do, subdirectories included', () => {
    const home = makeHome();
    mkdirSync(join(home, 'team', 'billing'), { recursive: true });
    const marker = join(home, 'ran.txt');
    writeFileSync(
      join(home, 'team', 'billing', 'probe.md'),
      `---
id: probe
title: Probe
version: 1.0.0
---

## Can we write a file?

\`\`\`check
run: [${JSON.stringify(process.execPath)}, -e, "require('fs').writeFileSync(${JSON.stringify(marker).replace(/"/g, "'")}, 'x')"]
pass: resolved-yes
fail: resolved-no
\`\`\`

## Resolved: Yes

\`\`\`reply
1. Nothing to do.
\`\`\`

## Resolved: No

\`\`\`reply
1. Nothing to do either.
\`\`\`
`,
    );
    const blocked = triage(['--playbooks', 'team', 'check', 'probe'], { home });
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('would run commands, and its directory is not trusted');
    expect(blocked.stderr).toContain('Nothing was run.');
    expect(existsSync(marker)).toBe(false);
    expect(triage(['trust', 'team'], { home }).code).toBe(0);
    const allowed = triage(['--playbooks', 'team', 'check', 'probe'], { home });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});
