/** `triage config get|set|unset|list|path` and `triage trust <dir>`. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import { examples, json, writeErr, writeOut, runs } from './shared.js';

/**
 * A damaged config.json is moved aside by the first settings read; say so before the command
 * runs (readSettingsFast is conf-free, so this costs one small file read).
 */
async function reportDamagedSettings(ctx: CliContext): Promise<void> {
  const { readSettingsFast } = await import('../../io/settings-read.js');
  const { problem } = readSettingsFast(ctx.env);
  if (problem) writeErr(ctx, problem);
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
    if (value === undefined) writeErr(ctx, `${key} is not set. Set it with \`triage config set ${key} <value>\`.`);
    else writeOut(ctx, typeof value === 'string' ? value : json(value));
  }));
  examples(config.command('set').description('change one setting').argument('<key>', 'setting key').argument('<value>', 'new value'), [
    'triage config set agent.name "Sam Rivera"',
    'triage config set format json',
  ]).action(runs(async (key: string, value: string) => {
    const { setSetting } = await import('../../app/config.js');
    const path = setSetting(ctx.env, key, value);
    writeErr(ctx, `Saved ${key} in ${path}`);
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
