/**
 * What every command gets: streams, environment, working directory and the terminal decision.
 * Commands write results to `out` and everything else (hints, progress) to `err`.
 */
import type { Command } from 'commander';
import { detectTerminal, type TerminalCapabilities, type TerminalStreams } from '../io/terminal.js';

export interface CliContext {
  readonly streams: TerminalStreams;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Directory holding the package (bundled playbooks, templates). */
  readonly packageRoot: string;
  readonly version: string;
  /** Set by the command that ran; main() returns it. */
  readonly exit: { code: number };
}

export interface GlobalOptions {
  readonly color?: boolean;
  readonly input?: boolean;
  readonly playbooks?: string[];
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

export function terminalFor(ctx: CliContext, command: Command): TerminalCapabilities {
  const opts = globalOptions(command);
  return detectTerminal(ctx.streams, {
    color: opts.color,
    noInput: opts.input === false,
    env: ctx.env,
  });
}
