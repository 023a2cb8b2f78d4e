/** Small pieces every command uses: the workspace input, output helpers, help examples. */
import type { Command } from 'commander';
import type { WorkspaceInput } from '../../app/workspace-directories.js';
import { globalOptions, type CliContext } from '../context.js';

export function workspaceInput(ctx: CliContext, command: Command): WorkspaceInput {
  return {
    packageRoot: ctx.packageRoot,
    cwd: ctx.cwd,
    env: ctx.env,
    flagDirs: globalOptions(command).playbooks ?? [],
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
