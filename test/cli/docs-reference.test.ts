/**
 * docs/cli.md is the command-line reference: every command `triage --help` lists, and every flag
 * of `run`, `resume` and the global options, must be in it, so the reference grows with the CLI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, ROOT, triage } from '../helpers/cli.js';

const reference = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
const home = makeHome();

function helpOf(args: string[]): string {
  const help = triage([...args, '--help'], { home });
  expect(help.code).toBe(0);
  return help.stdout;
}

function commandsIn(help: string): string[] {
  return help
    .slice(help.indexOf('\nCommands:\n'))
    .split('\n\n')[0]!
    .split('\n')
    .filter((l) => /^ {2}[a-z]/.test(l))
    .map((l) => l.trim().split(/\s/)[0]!)
    .filter((name) => name !== 'help');
}

/** Long flags in a help text's Options section, without --help. */
function flagsIn(help: string): string[] {
  const start = help.indexOf('\nOptions:\n');
  const end = help.slice(start).search(/\n(Commands|Examples):\n/);
  const options = end === -1 ? help.slice(start) : help.slice(start, start + end);
  return [...options.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((f) => f !== '--help');
}

describe('docs/cli.md', () => {
  it('names every command', () => {
    const commands = commandsIn(helpOf([]));
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) expect(reference, command).toContain(`\`triage ${command}`);
    for (const sub of commandsIn(helpOf(['cases']))) expect(reference, `cases ${sub}`).toContain(`\`${sub}`);
  });

  it('describes every global option and every flag of run and resume', () => {
    const flags = new Set([...flagsIn(helpOf([])), ...flagsIn(helpOf(['run'])), ...flagsIn(helpOf(['resume']))]);
    expect(flags).toContain('--answer');
    expect(flags).toContain('--no-input');
    expect(flags.size).toBeGreaterThan(15);
    for (const flag of flags) expect(reference, flag).toMatch(new RegExp(`\`(-\\w, )?${flag}\\b`));
  });
});
