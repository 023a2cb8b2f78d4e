/**
 * `triage completion bash|zsh|fish` prints a completion script built from this very program
 * (so new commands and flags complete without editing the scripts), and the hidden
 * `triage __complete <kind>` lists the ids the scripts cannot know in advance.
 */
import { Argument, type Command, type Option } from 'commander';
import type { CommandSpec, CompletionSpec, FlagSpec, PositionalSpec, ValueKind } from '../../core/completion.js';
import type { CliContext } from '../context.js';
import { examples, workspaceInput, runs } from './shared.js';

const ID_SOURCES = ['playbooks', 'cases', 'open-cases'] as const;

/** Flags whose value is a path. Choices come from the flags themselves. */
const FLAG_VALUES: Readonly<Record<string, ValueKind>> = {
  '--playbooks': { kind: 'dir' },
  '--answers': { kind: 'file' },
  '--output': { kind: 'file' },
  '--env-file': { kind: 'file' },
  '--playbook': { kind: 'ids', source: 'playbooks' },
};

/** Positionals whose meaning the argument's name does not tell. */
const POSITIONAL_OVERRIDES: Readonly<Record<string, PositionalSpec>> = {
  resume: { values: { kind: 'ids', source: 'open-cases' }, max: 1 },
};

function isHidden(command: Command): boolean {
  return (command as unknown as { _hidden?: boolean })._hidden === true;
}

function flagSpec(option: Option): FlagSpec {
  const takesValue = option.required || option.optional;
  const choices = option.argChoices;
  const values: ValueKind | undefined = choices && choices.length > 0 ? { kind: 'choices', values: choices } : option.long ? FLAG_VALUES[option.long] : undefined;
  return {
    ...(option.long ? { long: option.long } : {}),
    ...(option.short ? { short: option.short } : {}),
    description: option.description,
    takesValue,
    ...(takesValue && values ? { values } : {}),
  };
}

/** What a positional holds, from its name: `<playbook>`, `[case]`, `[paths...]`, `<dir>`. */
function positionalSpec(argument: Argument | undefined, extra: { settingKeys: readonly string[]; helpNames: readonly string[] }): PositionalSpec | undefined {
  if (argument === undefined) return undefined;
  const max = argument.variadic ? 0 : 1;
  const choices = argument.argChoices;
  if (choices && choices.length > 0) return { values: { kind: 'choices', values: choices }, max };
  const name = argument.name();
  if (name === 'playbook' || name === 'playbooks') return { values: { kind: 'ids', source: 'playbooks' }, max };
  if (name === 'case') return { values: { kind: 'ids', source: 'cases' }, max };
  if (name === 'paths' || name === 'path' || name === 'file') return { values: { kind: 'file' }, max };
  if (name === 'dir') return { values: { kind: 'dir' }, max };
  if (name === 'key') return { values: { kind: 'choices', values: extra.settingKeys }, max: 1 };
  if (name === 'topic') return { values: { kind: 'choices', values: extra.helpNames }, max: 1 };
  return undefined;
}

const HELP_FLAG: FlagSpec = { long: '--help', short: '-h', description: 'show help', takesValue: false };

export function completionSpec(program: Command, extra: { settingKeys: readonly string[]; helpNames: readonly string[] }): CompletionSpec {
  const build = (command: Command, path: string, isRoot: boolean): CommandSpec => {
    const subcommands = command.commands.filter((c) => !isHidden(c));
    const positional = POSITIONAL_OVERRIDES[path] ?? positionalSpec(command.registeredArguments[0], extra);
    return {
      name: command.name(),
      description: command.description(),
      // The root's flags are global; each command also takes --help.
      flags: [...command.options.filter((o) => !o.hidden).map(flagSpec), ...(isRoot ? [] : [HELP_FLAG])],
      subcommands: subcommands.map((c) => build(c, path === '' ? c.name() : `${path} ${c.name()}`, false)),
      ...(positional && subcommands.length === 0 ? { positional } : {}),
    };
  };
  const root = build(program, '', true);
  return { program: program.name(), root: { ...root, flags: [...root.flags, HELP_FLAG] } };
}

export function registerCompletionCommands(program: Command, ctx: CliContext): void {
  examples(
    program
      .command('completion')
      .description('print a shell completion script (commands, flags, playbook and case ids)')
      .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
      .addHelpText(
        'after',
        '\nInstall it once:\n  bash  triage completion bash > ~/.local/share/bash-completion/completions/triage\n  zsh   triage completion zsh > "${fpath[1]}/_triage"   (then restart zsh)\n  fish  triage completion fish > ~/.config/fish/completions/triage.fish\nOr try it in this shell: source <(triage completion bash)',
      ),
    ['source <(triage completion bash)', 'triage completion fish > ~/.config/fish/completions/triage.fish'],
  ).action(runs(async (shell: 'bash' | 'zsh' | 'fish') => {
    const { completionScript } = await import('../../core/completion.js');
    const { SETTING_KEYS } = await import('../../io/settings.js');
    const { CREDENTIAL_KEYS } = await import('../../io/credentials.js');
    const { helpTopicNames } = await import('./help-topics.js');
    const settingKeys = [...Object.keys(SETTING_KEYS), ...CREDENTIAL_KEYS, 'trusted'];
    const helpNames = [...new Set([...helpTopicNames(ctx.packageRoot), ...program.commands.filter((c) => !isHidden(c) && c.name() !== 'help').map((c) => c.name())])];
    ctx.streams.stdout.write(completionScript(shell, completionSpec(program, { settingKeys, helpNames })));
    return 0;
  }));

  // Hidden and quick: the scripts call it on Tab. Prints nothing rather than an error.
  program
    .command('__complete', { hidden: true })
    .description('list ids for shell completion')
    .addArgument(new Argument('<kind>').choices([...ID_SOURCES]))
    .action(runs(async (kind: (typeof ID_SOURCES)[number], _opts: unknown, command: Command) => {
      const { completionIds, formatCompletionIds } = await import('../../app/completion-ids.js');
      const ids = await completionIds(kind, workspaceInput(ctx, command));
      ctx.streams.stdout.write(formatCompletionIds(ids));
      return 0;
    }));
}
