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
  /**
   * Ctrl-C while a case runs: bin/triage.js prints the note (how to resume) and exits 130.
   * Absent in-process (tests), where no signal arrives. Returns a function that stops listening.
   */
  readonly interrupts?: { whileRunning(note: () => string): () => void };
}

export interface GlobalOptions {
  readonly color?: boolean;
  readonly input?: boolean;
  readonly playbooks?: string[];
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

export function isCommand(value: Command | GlobalOptions): value is Command {
  return typeof (value as Command).optsWithGlobals === 'function';
}

export function terminalFor(ctx: CliContext, command: Command | GlobalOptions): TerminalCapabilities {
  const opts = isCommand(command) ? globalOptions(command) : command;
  return detectTerminal(ctx.streams, {
    color: opts.color,
    noInput: opts.input === false,
    env: ctx.env,
  });
}
