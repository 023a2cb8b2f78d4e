/**
 * The stream and exit-code contract (docs/cli.md), for the commands that list and author:
 * in a pipe stdout carries only the result (no ANSI, nothing on stderr when all is well), every
 * listing's --json parses, usage errors exit 2 on stderr, and in a real terminal colour follows
 * the TTY, NO_COLOR, --no-color and FORCE_COLOR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, ROOT, triage } from '../helpers/cli.js';
import { spawnTriage } from '../helpers/pty.js';

const ANSI = /\u001b\[/;
const COLOUR = /\u001b\[3\dm/;
const VALID_DIR = join(ROOT, 'test', 'fixtures', 'lint', 'valid');
const VERSION = (JSON.parse((await import('node:fs')).readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A home with a trusted directory and a playbook with a broken link, for lint and errors. */
function home(): string {
  const dir = makeHome();
  mkdirSync(join(dir, 'team'));
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'broken', 'bad.md'), '---\nid: bad\ntitle: Bad\nversion: 1.0.0\n---\n\n## Start\n\n- [Go](#nowhere)\n');
  expect(triage(['trust', 'team'], { home: dir }).code).toBe(0);
  return dir;
}

describe('in a pipe', () => {
  const listings: [string, string[], string[] | null][] = [
    // name, text args, json args (null: the text is the result, no --json)
    ['list', ['list'], ['list', '--json']],
    ['search', ['search', 'cannot', 'log', 'in'], ['search', 'cannot', 'log', 'in', '--json']],
    ['show', ['show', 'cannot-log-in'], ['show', 'cannot-log-in', '--json']],
    ['config list', ['config', 'list'], ['config', 'list', '--json']],
    ['trust --list', ['trust', '--list'], ['trust', '--list', '--json']],
    ['lint', ['lint', 'team'], ['lint', 'team', '--format', 'json']],
    ['graph', ['graph', 'cannot-log-in'], null],
    ['graph --format tree', ['graph', 'cannot-log-in', '--format', 'tree'], null],
    ['config path', ['config', 'path'], null],
  ];

  it.each(listings)('%s: the result on stdout, no ANSI, nothing on stderr, exit 0; --json parses', (_, text, jsonArgs) => {
    const dir = home();
    const r = triage(text, { home: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(ANSI);
    if (jsonArgs) {
      const j = triage(jsonArgs, { home: dir });
      expect(j.code).toBe(0);
      expect(j.stderr).toBe('');
      expect(() => JSON.parse(j.stdout)).not.toThrow();
    }
  });

  it('FORCE_COLOR colours a pipe; NO_COLOR and --no-color win over it', () => {
    const dir = home();
    expect(triage(['lint', 'broken'], { home: dir, env: { FORCE_COLOR: '1' } }).stdout).toMatch(COLOUR);
    expect(triage(['lint', 'broken'], { home: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toMatch(ANSI);
    expect(triage(['--no-color', 'lint', 'broken'], { home: dir, env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(ANSI);
  });

  it('cases list --json parses (with no cases yet: an empty list)', () => {
    const r = triage(['cases', 'list', '--json'], { home: home() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('--version prints the version alone on stdout', () => {
    expect(triage(['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(triage(['-V']).stdout).toBe(`${VERSION}\n`);
  });
});

describe('exit codes', () => {
  it.each([
    ['lint clean', ['lint', join(VALID_DIR, 'export-fails.md')], 0],
    ['lint with errors', ['lint', 'broken'], 1],
    ['lint, a missing path', ['lint', 'missing.md'], 2],
    ['unknown playbook', ['show', 'no-such-playbook'], 2],
    ['unknown command', ['lsit'], 2],
    ['unknown command after a global option with a value', ['--playbooks', 'team', 'lsit'], 2],
    ['unknown option', ['list', '--bogus'], 2],
    ['unknown global option', ['--bogus', 'list'], 2],
    ['missing argument', ['show'], 2],
    ['too many arguments', ['list', 'extra'], 2],
    ['unknown subcommand', ['config', 'bogus'], 2],
    ['invalid option value', ['graph', 'cannot-log-in', '--format', 'svg'], 2],
    ['help', ['--help'], 0],
    ['a command’s help', ['lint', '--help'], 0],
  ] as const)('%s → %i', (_, args, code) => {
    const r = triage(args, { home: home() });
    expect(r.code, r.stderr).toBe(code);
    if (code === 2) {
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    }
  });

  it('an unknown command is named as one, with a suggestion (not "too many arguments")', () => {
    const r = triage(['lsit']);
    expect(r.stderr).toBe("error: unknown command 'lsit'. Did you mean 'list'?\nRun `triage --help` for the commands and options, or `triage <command> --help` for one command.\n");
    expect(triage(['zzzzzz']).stderr).toMatch(/^error: unknown command 'zzzzzz'\n/);
    // A later word that names another command (`list`) does not make the hint point at it.
    expect(triage(['case', 'list']).stderr).toBe(
      "error: unknown command 'case'. Did you mean 'cases'?\nRun `triage --help` for the commands and options, or `triage <command> --help` for one command.\n",
    );
    expect(triage(['--playbooks', 'list', 'cases', 'lst']).stderr).toContain('Run `triage cases --help`');
  });

  it('a usage error inside a command points at that command\'s help', () => {
    expect(triage(['list', '--bogus']).stderr).toBe("error: unknown option '--bogus'\nRun `triage list --help` for its arguments, options and examples.\n");
    expect(triage(['config', 'bogus']).stderr).toContain('Run `triage config --help`');
    // The value is optional only for tokens (asked hidden); for anything else its absence says so.
    const noValue = triage(['config', 'set', 'agent.name']);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain('triage config set agent.name needs a value.');
    expect(noValue.stderr).toContain('`triage config set agent.name <value>`');
  });
});

describe('--help', () => {
  const root = triage(['--help']);
  const commands = root.stdout
    .slice(root.stdout.indexOf('\nCommands:\n'))
    .split('\n')
    .filter((l) => /^ {2}[a-z]/.test(l))
    .map((l) => l.trim().split(/\s/)[0]!);

  it('lists the commands on stdout and shows examples, without "(default: [])" noise', () => {
    expect(root.code).toBe(0);
    expect(commands).toEqual(expect.arrayContaining(['list', 'search', 'show', 'graph', 'lint', 'new', 'config', 'trust']));
    expect(root.stdout).toMatch(/\nExamples:\n {2}\$ triage/);
    expect(root.stdout).not.toContain('(default: [])');
  });

  it.each(commands)('triage %s --help shows an example', (command) => {
    const r = triage([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ \S/);
  });
});

describe('in a terminal (pty)', () => {
  const run = async (args: string[], env: Record<string, string> = {}, cols = 100) => {
    const dir = home();
    const pty = spawnTriage(args, { home: dir, cwd: dir, env, agent: false, cols });
    const code = await pty.exit(20_000);
    return { code, raw: pty.raw(), text: pty.text() };
  };

  it('colours lint output; NO_COLOR and --no-color turn it off', async () => {
    const coloured = await run(['lint', 'broken']);
    expect(coloured.code).toBe(1);
    expect(coloured.raw).toMatch(/\u001b\[31merror/);
    const noColor = await run(['lint', 'broken'], { NO_COLOR: '1' });
    expect(noColor.raw).not.toMatch(COLOUR);
    expect(noColor.text).toContain('error');
    expect((await run(['--no-color', 'lint', 'broken'])).raw).not.toMatch(COLOUR);
  });

  it('colours the diagnostics in an error, and --no-color / NO_COLOR turn that off too', async () => {
    const coloured = await run(['--playbooks', 'broken', 'run', 'bad', '--no-input']);
    expect(coloured.code).toBe(2);
    expect(coloured.raw).toMatch(/\u001b\[31merror/);
    const plain = await run(['--no-color', '--playbooks', 'broken', 'run', 'bad', '--no-input']);
    expect(plain.code).toBe(2);
    expect(plain.raw).not.toMatch(COLOUR);
    expect(plain.text).toContain('link/missing-node');
    expect((await run(['--playbooks', 'broken', 'run', 'bad', '--no-input'], { NO_COLOR: '' })).raw).not.toMatch(COLOUR);
  });

  it('draws `list` as a box that fits the terminal width', async () => {
    const r = await run(['list'], {}, 90);
    expect(r.code).toBe(0);
    const lines = r.text.split(/\r?\n/).filter((l) => l.trim() !== '');
    expect(lines[0]).toMatch(/^┌─/);
    expect(lines.some((l) => /│ cannot-log-in\s+│/.test(l))).toBe(true);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(90);
  });
});
