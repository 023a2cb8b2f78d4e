/** `triage test`: run playbook test files (<id>.test.yaml) and report cases and outcome coverage. */
import { Option, type Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import { examples, workspaceInput, writeOut, runs } from './shared.js';
import { styleFor } from '../style.js';

interface TestFlags {
  readonly format: 'text' | 'json' | 'github';
  readonly requireFullCoverage?: boolean;
}

export function registerTestCommand(program: Command, ctx: CliContext): void {
  examples(
    program
      .command('test')
      .description('run playbook tests (<id>.test.yaml): answers in, expected outcome, reply and report out; prints outcome coverage')
      .argument('[paths...]', 'test files, playbooks (their .test.yaml) or directories; default: every playbook directory')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
      .option('--require-full-coverage', 'also fail when an outcome of a tested playbook is reached by no case'),
    [
      'triage test',
      'triage test playbooks/refund-request.test.yaml',
      'triage test ./team-playbooks --require-full-coverage',
      'triage test --format github   # annotations in GitHub Actions',
    ],
  ).action(runs(async (paths: string[], flags: TestFlags, command: Command) => {
    const [{ runPlaybookTests, testRunFailed }, { loadPhraseBank, bundledTemplatesDir }, render] = await Promise.all([
      import('../../app/playbook-tests.js'),
      import('../../io/phrase-bank.js'),
      import('../../render/playbook-tests.js'),
    ]);
    const phrases = await loadPhraseBank(bundledTemplatesDir());
    const run = await runPlaybookTests(workspaceInput(ctx, command), paths, { phrases });
    const requireFullCoverage = Boolean(flags.requireFullCoverage);
    const options = { cwd: ctx.cwd, style: await styleFor(terminalFor(ctx, command).colorStdout), requireFullCoverage };
    if (flags.format === 'json') writeOut(ctx, render.renderTestsJson(run, options));
    else if (flags.format === 'github') writeOut(ctx, render.renderTestsGithub(run, options));
    else writeOut(ctx, render.renderTestsText(run, options));
    return testRunFailed(run, { requireFullCoverage }) ? EXIT.checkFailed : EXIT.ok;
  }));
}
