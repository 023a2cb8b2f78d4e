/**
 * Only the command being run is registered with commander (setting up every command costs
 * start-up time). These tests hold that to "no visible difference": each registrar declares the
 * commands it adds, and help and usage errors read the same with one registrar as with all.
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, commandNameOf } from '../../src/cli/main.js';
import { declaredCommands, registerGroup } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { ROOT } from '../helpers/cli.js';

function context(out: string[]): CliContext {
  const sink = (s: string | Uint8Array): boolean => {
    out.push(String(s));
    return true;
  };
  return {
    streams: {
      stdin: process.stdin,
      stdout: { write: sink, isTTY: false } as unknown as NodeJS.WritableStream,
      stderr: { write: sink, isTTY: false } as unknown as NodeJS.WritableStream,
    },
    env: { NO_COLOR: '1' },
    cwd: ROOT,
    packageRoot: ROOT,
    version: '0.0.0-test',
  };
}

/** What commander prints and throws for argv (help and usage errors never reach an action). */
async function parse(argv: string[], registerOnlyTheCommand: boolean): Promise<string> {
  const out: string[] = [];
  const ctx = context(out);
  const program = registerOnlyTheCommand ? buildProgram(ctx, argv) : buildProgram(ctx);
  for (const command of allCommands(program)) command.action(() => void out.push('<action>'));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    out.push(error instanceof CommanderError ? `[${error.code}]` : `[${String(error)}]`);
  }
  return out.join('');
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

const topLevel = buildProgram(context([])).commands.map((c) => c.name());

describe('registering only the command being run', () => {
  it('each registrar adds exactly the commands it declares; the rest need every command', () => {
    const declared = declaredCommands();
    const undeclared: string[] = [];
    declared.forEach((names, index) => {
      const program = new Command('triage');
      registerGroup(index, program, context([]));
      const added = program.commands.map((c) => c.name());
      if (names.length > 0) expect(added, `registrar ${index}`).toEqual(names);
      else undeclared.push(...added);
    });
    expect([...declared.flat(), ...undeclared].sort()).toEqual([...topLevel].sort());
    expect(undeclared).toEqual(expect.arrayContaining(['help', 'completion']));
  });

  it('finds the command after global options only', () => {
    expect(commandNameOf(['run', 'x'])).toBe('run');
    expect(commandNameOf(['--playbooks', 'dir', '--no-color', 'list', '--json'])).toBe('list');
    expect(commandNameOf(['--playbooks=dir', '--debug', 'search', 'a'])).toBe('search');
    expect(commandNameOf([])).toBeUndefined();
    expect(commandNameOf(['--help'])).toBeUndefined();
    expect(commandNameOf(['--bogus', 'list'])).toBeUndefined();
    expect(commandNameOf(['--playbooks'])).toBeUndefined();
  });

  const subcommands = buildProgram(context([])).commands.flatMap((c) => c.commands.map((s) => [c.name(), s.name()]));
  const cases: string[][] = [
    ...topLevel.flatMap((name) => [[name, '--help'], [name, '--definitely-not-an-option'], ['--playbooks', 'x', name, '-h']]),
    ...subcommands.flatMap((path) => [[...path, '--help'], [...path, '--nope']]),
    ['run'],
    ['show'],
    ['search'],
    ['list', 'extra', 'words'],
    ['config', 'set', 'only-key'],
    ['cases', 'nope'],
    ['run', 'x', '--format', 'yaml'],
    ['run', 'x', '--channel'],
  ];

  it.each(cases.map((argv) => [argv.join(' '), argv]))('`triage %s` reads the same', async (_name, argv) => {
    expect(await parse(argv as string[], true)).toBe(await parse(argv as string[], false));
  });
});
