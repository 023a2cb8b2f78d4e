/**
 * `triage help [command|topic]`: commander's help for a command (`triage help cases show`), or a
 * topic from docs/help/<topic>.md rendered for the terminal (`triage help exit-codes`). Errors
 * that mention a concept point here with `more: triage help <topic>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import { examples, runs } from './shared.js';
import { styleFor } from '../style.js';

export function helpTopicsDir(packageRoot: string): string {
  return join(packageRoot, 'docs', 'help');
}

export function helpTopicNames(packageRoot: string): string[] {
  try {
    return readdirSync(helpTopicsDir(packageRoot))
      .filter((name) => name.endsWith('.md') && !name.startsWith('_'))
      .map((name) => name.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

/** The command at the end of `words` (`cases show`), and how many words named it. */
function findCommand(program: Command, words: readonly string[]): { command: Command; used: number } | undefined {
  let current: Command = program;
  let used = 0;
  for (const word of words) {
    const next = current.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    current = next;
    used += 1;
  }
  return used > 0 ? { command: current, used } : undefined;
}

export function registerHelpCommand(program: Command, ctx: CliContext): void {
  // Our own `help` replaces commander's, which only knows commands.
  program.helpCommand(false);
  program.addHelpText('after', () => {
    const topics = helpTopicNames(ctx.packageRoot);
    return topics.length > 0 ? `\nHelp topics (triage help <topic>): ${topics.join(', ')}\n` : '';
  });

  examples(
    program
      .command('help')
      .description('help on a command, or on a topic: format, exit-codes, templates, trust, answers, redaction, ...')
      .argument('[topic...]', 'a command (`cases show`) or a topic'),
    ['triage help exit-codes', 'triage help format', 'triage help cases show'],
  ).action(runs(async (words: string[], _opts: unknown, command: Command) => {
    if (words.length === 0) {
      program.outputHelp();
      return;
    }
    const topics = helpTopicNames(ctx.packageRoot);
    const name = words.join('-').toLowerCase();
    const found = findCommand(program, words);
    const isTopic = topics.includes(name);
    if (isTopic) {
      const { renderHelpTopic } = await import('../../render/help-topic.js');
      const term = terminalFor(ctx, command);
      const columns = ctx.streams.stdout.isTTY ? (ctx.streams.stdout.columns ?? 80) : 80;
      const text = readFileSync(join(helpTopicsDir(ctx.packageRoot), `${name}.md`), 'utf8');
      ctx.streams.stdout.write(renderHelpTopic(text, { width: Math.min(columns, 100) - 1, style: await styleFor(term.colorStdout) }));
      if (found && found.used === words.length) ctx.streams.stdout.write(`\nFor the command's options: triage ${words.join(' ')} --help\n`);
      return;
    }
    if (found && found.used === words.length) {
      found.command.outputHelp();
      return;
    }
    const { TriageError } = await import('../../core/errors.js');
    const { closestMatch } = await import('../../core/did-you-mean.js');
    const commands = program.commands.map((c) => c.name()).filter((n) => !n.startsWith('_'));
    const guess = closestMatch(name, [...topics, ...commands]);
    throw new TriageError('help/unknown', `There is no command or help topic called "${words.join(' ')}".`, {
      hint: `${guess ? `Did you mean \`triage help ${guess}\`? ` : ''}Topics: ${topics.join(', ')}. Commands: \`triage --help\`.`,
    });
  }));
}
