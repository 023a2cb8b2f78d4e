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

const registrars: Register[] = [registerRunCommands, registerPlaybookCommands, registerAuthoringCommands, registerTestCommand, registerConfigCommands, registerCasesCommands, registerEnvCommand, registerHandoffCommand, registerCompletionCommands, registerHelpCommand];

export function registerCommands(program: Command, ctx: CliContext): void {
  for (const register of registrars) register(program, ctx);
}
