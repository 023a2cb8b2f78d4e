/** Commands for playbook authors: lint, new. */
import { Option, type Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import { examples, workspaceInput, writeErr, writeOut, runs } from './shared.js';
import { styleFor } from '../style.js';

export function registerAuthoringCommands(program: Command, ctx: CliContext): void {
  examples(
    program
      .command('lint')
      .description('validate playbooks (files or directories; all playbook directories by default)')
      .argument('[paths...]', 'playbook files or directories')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text')),
    ['triage lint', 'triage lint playbooks/my-issue.md', 'triage lint playbooks/ --format github   # annotations in GitHub Actions'],
  ).action(runs(async (paths: string[], opts: { format: 'text' | 'json' | 'github' }, command: Command) => {
    const { lintPlaybooks } = await import('../../app/lint.js');
    const result = lintPlaybooks(workspaceInput(ctx, command), paths);
    for (const notice of result.notices) writeErr(ctx, notice);
    const render = await import('../../render/diagnostics.js');
    // JSON keeps absolute paths for scripts; people and GitHub get short, repo-relative ones.
    if (opts.format === 'json') writeOut(ctx, render.renderDiagnosticsJson(result.diagnostics));
    else if (opts.format === 'github') writeOut(ctx, render.renderDiagnosticsGithub(render.relativeDiagnostics(result.diagnostics, ctx.env.GITHUB_WORKSPACE || ctx.cwd)));
    else {
      const diagnostics = render.relativeDiagnostics(result.diagnostics, ctx.cwd);
      writeOut(ctx, render.renderDiagnosticsText(diagnostics, { style: await styleFor(terminalFor(ctx, command).colorStdout), fileCount: result.fileCount }));
    }
    return result.errorCount > 0 ? EXIT.checkFailed : EXIT.ok;
  }));

  examples(
    program
      .command('new')
      .description('scaffold a playbook that lints clean and shows the format by example')
      .argument('<id>', 'playbook id: lower-case words joined by hyphens')
      .option('--title <title>', 'title (default: from the id)')
      .option('--dir <dir>', 'where to write it (default: ./.triage/playbooks)')
      .option('--force', 'overwrite an existing file')
      .option('--stdout', 'print the playbook instead of writing a file')
      .option('--from-case <case>', 'start from a recorded case no playbook fitted: its description as symptoms, its notes as the first nodes'),
    ['triage new login-loop', 'triage new login-loop --dir playbooks/', 'triage new login-loop --stdout > my.md', 'triage cases stats  # top knowledge gaps, then: triage new account-transfer --from-case <case>'],
  ).action(runs(async (id: string, opts: { title?: string; dir?: string; force?: boolean; stdout?: boolean; fromCase?: string }) => {
    const { createPlaybook, caseSeed } = await import('../../app/new-playbook.js');
    let seed: import('../../core/scaffold.js').CaseSeed | undefined;
    if (opts.fromCase !== undefined) {
      const { withCaseStore, findCase } = await import('../../app/cases.js');
      const found = caseSeed(await withCaseStore({ env: ctx.env, nowMs: Date.now() }, (store) => findCase(store, opts.fromCase!)));
      if (!found.gap) writeErr(ctx, `Case ${found.seed.caseId} ran a playbook; starting from its description anyway.`);
      seed = found.seed;
    }
    const result = createPlaybook({ id, title: opts.title, dir: opts.dir, force: Boolean(opts.force), cwd: ctx.cwd, write: !opts.stdout, ...(seed ? { seed } : {}) });
    if (opts.stdout) return writeOut(ctx, result.text);
    writeOut(ctx, result.path);
    writeErr(
      ctx,
      `Created ${result.relativePath}${result.testPath ? ` and its tests ${result.testPath}` : ''}. Edit it, then check it with \`triage lint ${result.relativePath}\`, \`triage test ${result.relativePath}\`, and try it with \`triage run ${id}\`.`,
    );
  }));
}
