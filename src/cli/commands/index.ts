/**
 * Every command, registered cheaply. A command file exports `register(program, ctx)`; its action
 * import()s the implementation so start-up stays at commander's cost.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

import { registerAuthoringCommands } from './authoring.js';
import { registerCasesCommands } from './cases.js';
import { registerCompletionCommands } from './completion.js';
import { registerConfigCommands } from './config.js';
import { registerEnvCommand } from './env.js';
import { registerHandoffCommand } from './handoff.js';
import { registerHelpCommand } from './help-topics.js';
import { registerPlaybookCommands } from './playbooks.js';
import { registerRunCommands } from './run.js';
import { registerTestCommand } from './test.js';

type Register = (program: Command, ctx: CliContext) => void;

/**
 * Every registrar, with the top-level commands it adds (test/cli/register-commands.test.ts keeps
 * the lists true). Completion and help describe every command, so they name none here.
 */
const registrars: readonly { readonly register: Register; readonly commands: readonly string[] }[] = [
  { register: registerRunCommands, commands: ['run', 'resume', 'check'] },
  { register: registerPlaybookCommands, commands: ['list', 'search', 'show', 'graph'] },
  { register: registerAuthoringCommands, commands: ['lint', 'new'] },
  { register: registerTestCommand, commands: ['test'] },
  { register: registerConfigCommands, commands: ['config', 'trust'] },
  { register: registerCasesCommands, commands: ['cases'] },
  { register: registerEnvCommand, commands: ['env'] },
  { register: registerHandoffCommand, commands: ['handoff'] },
  { register: registerCompletionCommands, commands: [] },
  { register: registerHelpCommand, commands: [] },
];

/**
 * Registers the commands. Given the command about to run, only its own registrar runs: setting
 * up ~25 commands costs several ms of every start-up, and a subcommand parses and prints
 * its help the same without its siblings. Otherwise (bare `triage`, help, completion, a typo)
 * every command is registered.
 */
export function registerCommands(program: Command, ctx: CliContext, commandName?: string): void {
  const only = commandName === undefined ? undefined : registrars.find((r) => r.commands.includes(commandName));
  for (const { register } of only ? [only] : registrars) register(program, ctx);
}

/** The top-level command names each registrar declares (for the test that checks them). */
export function declaredCommands(): readonly (readonly string[])[] {
  return registrars.map((r) => r.commands);
}

/** Registers one registrar alone (for the test that checks the declared names). */
export function registerGroup(index: number, program: Command, ctx: CliContext): void {
  registrars[index]!.register(program, ctx);
}
