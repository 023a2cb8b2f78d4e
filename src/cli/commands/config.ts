/** `triage config get|set|unset|list|path` and `triage trust <dir>`. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import { examples, json, writeErr, writeOut, runs } from './shared.js';
import { EXIT, TriageError } from '../../core/errors.js';

/**
 * A damaged config.json is moved aside by the first settings read; say so before the command
 * runs (readSettingsFast is conf-free, so this costs one small file read).
 */
async function reportDamagedSettings(ctx: CliContext): Promise<void> {
  const { readSettingsFast } = await import('../../io/settings-read.js');
  const { problem } = readSettingsFast(ctx.env);
  if (problem) writeErr(ctx, problem);
  // credentials.json readable by others is narrowed to 0600 on reading: say so here too.
  const { readCredentials } = await import('../../io/credentials.js');
  try {
    const { notice } = readCredentials(ctx.env);
    if (notice) writeErr(ctx, notice);
  } catch (error) {
    // Unreadable or too open: the command that needs a token reports it with its hint.
    if (!(error instanceof TriageError)) throw error;
  }
}

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = examples(program.command('config').description('settings: agent name, company name, sign-off, default format'), [
    'triage config set agent.name "Sam Rivera"',
    'triage config set company.name "Acme Cloud"',
    'triage config set signoff "Best regards"',
    'triage config list',
  ]).hook('preAction', () => reportDamagedSettings(ctx));
  examples(config.command('get').description('print one setting').argument('<key>', 'setting key'), [
    'triage config get agent.name',
    'triage config get trusted   # JSON list',
  ]).action(runs(async (key: string) => {
    const { getSetting } = await import('../../app/config.js');
    const value = getSetting(ctx.env, key);
    // Nothing on stdout for an unset key, so `$(triage config get x)` is empty; say why on stderr.
    if (value === undefined) writeErr(ctx, `${key} is not set. Set it with \`triage config set ${key}${key.endsWith('.token') ? '' : ' <value>'}\`.`);
    else writeOut(ctx, typeof value === 'string' ? value : json(value));
  }));
  examples(
    config
      .command('set')
      .description('change one setting; a helpdesk token is asked for hidden when no value is given')
      .argument('<key>', 'setting key')
      .argument('[value]', 'new value; for a token, leave it out to be asked, or - to read it from stdin'),
    ['triage config set agent.name "Sam Rivera"', 'triage config set format json', 'triage config set helpdesk.rt.token', 'printf %s "$RT_TOKEN" | triage config set helpdesk.rt.token -'],
  ).action(runs(async (key: string, value: string | undefined, _opts: unknown, command: Command) => {
    const { setSetting, isSecretSetting } = await import('../../app/config.js');
    const secret = isSecretSetting(key);
    const given = secret ? await secretValue(ctx, command, key, value) : value;
    if (given === undefined) {
      throw new TriageError('config/missing-value', `triage config set ${key} needs a value.`, { exitCode: EXIT.usage, hint: `e.g. \`triage config set ${key} <value>\`; \`triage config list\` shows what each setting means.` });
    }
    const path = setSetting(ctx.env, key, given);
    writeErr(ctx, `Saved ${key} in ${path}${secret ? ' (readable by you only)' : ''}`);
  }));
  examples(config.command('unset').description('remove one setting').argument('<key>', 'setting key'), ['triage config unset signoff']).action(runs(
    async (key: string) => {
      const { unsetSetting } = await import('../../app/config.js');
      unsetSetting(ctx.env, key);
      writeErr(ctx, `Removed ${key}.`);
    },
  ));
  examples(config.command('list').description('every setting and what it means').option('--json', 'print JSON'), [
    'triage config list',
    'triage config list --json | jq -r \'."agent.name"\'',
  ]).action(runs(async (opts: { json?: boolean }, command: Command) => {
    const { listSettings } = await import('../../app/config.js');
    const rows = listSettings(ctx.env);
    if (opts.json) return writeOut(ctx, json(Object.fromEntries(rows.map((r) => [r.key, r.value ?? null]))));
    const { renderTable } = await import('../../render/table.js');
    writeOut(
      ctx,
      renderTable(
        ['KEY', 'VALUE', 'MEANING'],
        rows.map((r) => [r.key, r.value === undefined ? '(not set)' : Array.isArray(r.value) ? r.value.join(', ') || '(none)' : String(r.value), r.meaning]),
        { tty: terminalFor(ctx, command).stdoutIsTTY, columns: ctx.streams.stdout.columns },
      ),
    );
  }));
  examples(config.command('path').description('where settings are stored'), ['triage config path', '"$EDITOR" "$(triage config path)"']).action(runs(async () => {
    const { settingsPath } = await import('../../app/config.js');
    writeOut(ctx, settingsPath(ctx.env));
  }));

  examples(
    program
      .command('trust')
      .description('allow commands (check blocks, run probes) from playbooks in a directory')
      .argument('[dir]', 'playbook directory')
      .option('--remove', 'stop trusting the directory')
      .option('--list', 'list trusted directories')
      .option('--json', 'with --list: print JSON'),
    ['triage trust ./team-playbooks', 'triage trust --list', 'triage trust ./team-playbooks --remove'],
  )
    .hook('preAction', () => reportDamagedSettings(ctx))
    .action(runs(async (dir: string | undefined, opts: { remove?: boolean; list?: boolean; json?: boolean }) => {
      const { trustDirectory, trustedDirectories } = await import('../../app/config.js');
      if (opts.list || dir === undefined) {
        const dirs = trustedDirectories(ctx.env);
        if (opts.json) return writeOut(ctx, json(dirs));
        if (dirs.length === 0) writeErr(ctx, 'No trusted directories. Bundled playbooks are always trusted; add yours with `triage trust <dir>`.');
        else writeOut(ctx, dirs.join('\n'));
        return;
      }
      const { dir: stored, changed } = trustDirectory(ctx.env, ctx.cwd, dir, !opts.remove);
      if (opts.remove) writeErr(ctx, changed ? `No longer trusted: ${stored}` : `${stored} was not trusted; nothing changed. \`triage trust --list\` shows the trusted directories.`);
      else if (!changed) writeErr(ctx, `Already trusted: ${stored}`);
      else writeErr(ctx, `Trusted: ${stored} (and the directories below it)\nCommands in check blocks and run probes of playbooks there will now run.`);
    }));
}

/**
 * A token for `config set`: asked hidden at a terminal when no value is given, read from stdin for
 * `-`; one given on the command line is taken, with a note that the shell history keeps it.
 */
async function secretValue(ctx: CliContext, command: Command, key: string, value: string | undefined): Promise<string | undefined> {
  if (value === '-') {
    const { readAllBounded } = await import('../../io/bounded-read.js');
    return (await readAllBounded(ctx.streams.stdin, 64 * 1024)).replace(/\r?\n$/, '');
  }
  if (value !== undefined) {
    writeErr(ctx, `Note: a token typed on the command line stays in your shell history; \`triage config set ${key}\` asks for it without showing it.`);
    return value;
  }
  if (!terminalFor(ctx, command).canPrompt) {
    throw new TriageError('config/token-needs-input', `triage config set ${key} asks for the token at a terminal, and this is not one.`, {
      exitCode: EXIT.usage,
      hint: `Pipe it in: \`printf %s "$TOKEN" | triage config set ${key} -\`, or set it in the environment (\`triage help helpdesk\`).`,
    });
  }
  const { askHidden } = await import('../../io/inquirer-prompter.js');
  return askHidden(`${key} (not shown as you type)`, { input: ctx.streams.stdin, output: ctx.streams.stderr });
}
