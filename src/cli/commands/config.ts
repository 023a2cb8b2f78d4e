/** `triage config get|set|unset|list|path` and `triage trust <dir>`. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import { examples, json, writeErr, writeOut } from './shared.js';

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = examples(program.command('config').description('settings: agent name, company name, sign-off, default format'), [
    'triage config set agent.name "Sam Rivera"',
    'triage config set company.name "Acme Cloud"',
    'triage config set signoff "Best regards"',
    'triage config list',
  ]);
  config
    .command('get')
    .description('print one setting')
    .argument('<key>', 'setting key')
    .action(async (key: string) => {
      const { getSetting } = await import('../../app/config.js');
      const value = getSetting(ctx.env, key);
      if (value !== undefined) writeOut(ctx, typeof value === 'string' ? value : json(value));
    });
  config
    .command('set')
    .description('change one setting')
    .argument('<key>', 'setting key')
    .argument('<value>', 'new value')
    .action(async (key: string, value: string) => {
      const { setSetting } = await import('../../app/config.js');
      const path = setSetting(ctx.env, key, value);
      writeErr(ctx, `Saved ${key} in ${path}`);
    });
  config
    .command('unset')
    .description('remove one setting')
    .argument('<key>', 'setting key')
    .action(async (key: string) => {
      const { unsetSetting } = await import('../../app/config.js');
      unsetSetting(ctx.env, key);
    });
  config
    .command('list')
    .description('every setting and what it means')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { listSettings } = await import('../../app/config.js');
      const rows = listSettings(ctx.env);
      if (opts.json) return writeOut(ctx, json(Object.fromEntries(rows.map((r) => [r.key, r.value ?? null]))));
      const { renderTable } = await import('../../render/table.js');
      writeOut(
        ctx,
        renderTable(
          ['KEY', 'VALUE', 'MEANING'],
          rows.map((r) => [r.key, r.value === undefined ? '(not set)' : Array.isArray(r.value) ? r.value.join(', ') : String(r.value), r.meaning]),
          { tty: terminalFor(ctx, command).stdoutIsTTY },
        ),
      );
    });
  config
    .command('path')
    .description('where settings are stored')
    .action(async () => {
      const { settingsPath } = await import('../../app/config.js');
      writeOut(ctx, settingsPath(ctx.env));
    });

  examples(
    program
      .command('trust')
      .description('allow commands (check blocks, run probes) from playbooks in a directory')
      .argument('[dir]', 'playbook directory')
      .option('--remove', 'stop trusting the directory')
      .option('--list', 'list trusted directories')
      .option('--json', 'with --list: print JSON'),
    ['triage trust ./team-playbooks', 'triage trust --list', 'triage trust ./team-playbooks --remove'],
  ).action(async (dir: string | undefined, opts: { remove?: boolean; list?: boolean; json?: boolean }) => {
    const { trustDirectory, trustedDirectories } = await import('../../app/config.js');
    if (opts.list || dir === undefined) {
      const dirs = trustedDirectories(ctx.env);
      if (opts.json) return writeOut(ctx, json(dirs));
      if (dirs.length === 0) writeErr(ctx, 'No trusted directories. Bundled playbooks are always trusted; add yours with `triage trust <dir>`.');
      else writeOut(ctx, dirs.join('\n'));
      return;
    }
    const result = trustDirectory(ctx.env, ctx.cwd, dir, !opts.remove);
    writeErr(ctx, opts.remove ? `No longer trusted: ${result}` : `Trusted: ${result}\nCommands in check blocks and run probes of playbooks there will now run.`);
  });
}
