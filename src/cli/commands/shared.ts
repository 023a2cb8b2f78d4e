/** Small pieces every command uses: the workspace input, output helpers, help examples. */
import type { Command } from 'commander';
import type { WorkspaceInput } from '../../app/workspace-directories.js';
import { globalOptions, isCommand, type CliContext, type GlobalOptions } from '../context.js';

/** What a command's run function returns: its exit code, or nothing for success. */
export type ExitCode = number | void;

const exitCodes = new WeakMap<Command, number>();

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

/**
 * Wraps a command's run function for commander: the exit code it returns is kept for main()
 * (exitCodeOf), so commands return codes instead of setting shared state. Errors propagate to
 * main, the one place that maps them to messages and codes.
 */
export function runs<Args extends unknown[]>(run: (...args: Args) => Promise<ExitCode>): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    const code = await run(...args);
    // commander passes the command itself last.
    const command = args[args.length - 1] as Command;
    exitCodes.set(rootOf(command), code ?? 0);
  };
}

/** The exit code of the command the program ran (0 when it ran none, e.g. `--help`). */
export function exitCodeOf(program: Command): number {
  return exitCodes.get(program) ?? 0;
}

/** commander's option parser for repeatable options (`-a x -a y`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function workspaceInput(ctx: CliContext, command: Command | GlobalOptions): WorkspaceInput {
  const globals = isCommand(command) ? globalOptions(command) : command;
  return {
    packageRoot: ctx.packageRoot,
    cwd: ctx.cwd,
    env: ctx.env,
    flagDirs: globals.playbooks ?? [],
    version: ctx.version,
    notice: (message) => writeErr(ctx, message),
  };
}

/** Adds an "Examples:" block to a command's --help. */
export function examples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

export function writeOut(ctx: CliContext, text: string): void {
  ctx.streams.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

export function writeErr(ctx: CliContext, text: string): void {
  ctx.streams.stderr.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
