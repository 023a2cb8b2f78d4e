/**
 * The commander program and the one place that turns errors into messages and exit codes.
 * Commands register cheaply; each loads its implementation with import() only when it runs,
 * so `triage --version` pays for commander and nothing else.
 */
import { Command, CommanderError, Option } from 'commander';
import { closestMatch } from '../core/did-you-mean.js';
import { EXIT, isTriageError } from '../core/errors.js';
import { detectTerminal } from '../io/terminal.js';
import type { CliContext } from './context.js';
import { registerCommands } from './commands/index.js';
import { collect, examples, exitCodeOf } from './commands/shared.js';
import { formatError } from './format-error.js';
import { styleFor } from './style.js';

export interface MainResult {
  readonly exitCode: number;
}

/**
 * The commander program. With `argv`, only the command it runs is registered (see
 * registerCommands); without, every command.
 */
export function buildProgram(ctx: CliContext, argv?: readonly string[]): Command {
  const program = new Command('triage');
  program
    .description('Troubleshooting assistant for support agents: run playbooks, capture the environment, write the bug report and the reply.')
    .version(ctx.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('--color', 'force colour'))
    .addOption(new Option('--no-color', 'no colour (also NO_COLOR)'))
    // No default value: commander would print "(default: [])" in --help.
    .option('--playbooks <dir>', 'add a playbook directory (repeatable; later wins)', collect)
    .option('--debug', 'show stack traces for internal errors')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.streams.stdout.write(s),
      writeErr: (s) => ctx.streams.stderr.write(s),
    })
    .exitOverride();
  registerCommands(program, ctx, argv === undefined ? undefined : commandNameOf(argv));
  examples(program, [
    'triage                  # in a terminal: describe the problem, pick a playbook, run it',
    'triage search "the export never finishes"',
    'triage run cannot-log-in',
    'triage new my-issue && triage lint',
  ]);
  return program;
}

/**
 * The root command has an action (intake), so commander reads `triage lsit` as an argument and
 * says "too many arguments". Name it for what it is: an unknown command, with a suggestion.
 */
function unknownCommand(program: Command, argv: readonly string[]): string | undefined {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i++;
      continue;
    }
    const known = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    if (known.includes(arg)) return undefined;
    const guess = closestMatch(arg, known.filter((n) => n !== 'help'));
    return `error: unknown command '${arg}'${guess ? `. Did you mean '${guess}'?` : ''}\n`;
  }
  return undefined;
}

/**
 * The command argv runs: its first word, when only global options (`--color`, `--no-color`,
 * `--debug`, `--playbooks <dir>`) come before it. Anything else (help, version, an unknown option,
 * `--`) gives undefined, and every command is registered.
 */
export function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--color' || arg === '--no-color' || arg === '--debug' || arg.startsWith('--playbooks=')) continue;
    if (arg === '--playbooks') {
      i++;
      continue;
    }
    return arg.startsWith('-') ? undefined : arg;
  }
  return undefined;
}

/** Runs the CLI and returns the exit code; never calls process.exit (bin/triage.js sets it). */
export async function main(argv: readonly string[], ctx: CliContext): Promise<MainResult> {
  const program = buildProgram(ctx, argv);
  const unknown = unknownCommand(program, argv);
  if (unknown) {
    ctx.streams.stderr.write(unknown);
    return { exitCode: await handleError(new CommanderError(EXIT.usage, 'commander.unknownCommand', unknown), ctx, argv, program) };
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return { exitCode: exitCodeOf(program) };
  } catch (error) {
    return { exitCode: await handleError(error, ctx, argv, program) };
  }
}

/** The (sub)command named in argv, e.g. `config set`, so a usage error can point at its help. */
function commandPath(program: Command, argv: readonly string[]): string | undefined {
  const names: string[] = [];
  let current = program;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      // An option's value is not a command name (`--playbooks list run x`).
      const option = current.options.find((o) => o.long === arg || o.short === arg);
      if (option && (option.required || option.optional)) i++;
      continue;
    }
    const sub = current.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    // The first word that is not a subcommand is an argument (or a typo, as in `case list`):
    // a later word that happens to be a command's name does not name the command.
    if (!sub) break;
    names.push(sub.name());
    current = sub;
  }
  return names.length > 0 ? names.join(' ') : undefined;
}

async function handleError(error: unknown, ctx: CliContext, argv: readonly string[], program: Command): Promise<number> {
  const debug = argv.includes('--debug');
  if (error instanceof CommanderError) {
    // Help and version are successful exits; every other commander error is a usage error (exit 2),
    // whatever commander's own default code is.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    if (error.code === 'commander.executeSubCommandAsync') return EXIT.ok;
    const command = commandPath(program, argv);
    ctx.streams.stderr.write(
      command
        ? `Run \`triage ${command} --help\` for its arguments, options and examples.\n`
        : 'Run `triage --help` for the commands and options, or `triage <command> --help` for one command.\n',
    );
    return EXIT.usage;
  }
  if (isTriageError(error)) {
    // Same colour decision as the commands make (TTY, NO_COLOR, FORCE_COLOR, --color/--no-color).
    const flag = argv.includes('--no-color') ? false : argv.includes('--color') ? true : undefined;
    const color = detectTerminal(ctx.streams, { color: flag, env: ctx.env }).colorStderr;
    ctx.streams.stderr.write(formatError(error, { style: await styleFor(color) }));
    if (debug && error.stack) ctx.streams.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.streams.stderr.write(
    `triage: internal error: ${message}\nThis is a bug in triage, not in your input. Please report it with the command you ran${debug ? '' : ' (add --debug for the stack trace)'}.\n`,
  );
  if (debug && error instanceof Error && error.stack) ctx.streams.stderr.write(`${error.stack}\n`);
  return 70;
}
