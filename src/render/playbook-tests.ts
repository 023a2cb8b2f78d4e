/** `triage test` results as text (cases, coverage, totals), JSON (`triage.test/v1`) and GitHub annotations. */
import { displayPath } from './display-path.js';
import type { PlaybookCoverage, TestRun, TestTotals } from '../core/playbook-test-results.js';
import { escapeData, escapeProperty } from './diagnostics.js';
import type { Style } from './style.js';

export interface TestRenderOptions {
  /** Paths are shown relative to this directory when they are inside it. */
  readonly cwd: string;
  readonly style: Style;
  readonly requireFullCoverage: boolean;
}

export function renderTestsText(run: TestRun, options: TestRenderOptions): string {
  const { style } = options;
  const show = (path: string): string => displayPath(path, options.cwd);
  const lines: string[] = [];

  for (const file of run.files) {
    lines.push(style.bold(`${show(file.file)}${file.playbook ? `  (${file.playbook})` : ''}`));
    for (const problem of file.problems) lines.push(`  ${show(problem.file)}:${problem.line}  ${style.red('error')}  ${problem.message}`);
    for (const c of file.cases) {
      if (c.passed) {
        lines.push(`  ${style.green('✓')} ${c.name}`);
        continue;
      }
      lines.push(`  ${style.red('✗')} ${c.name}  ${style.dim(`${show(file.file)}:${c.line}`)}`);
      for (const failure of c.failures) lines.push(`      ${failure}`);
    }
  }

  lines.push('', style.bold('Coverage (outcomes reached by a case)'));
  for (const playbook of run.coverage) lines.push(...coverageLines(playbook, style, show));
  lines.push('', totalsLine(run.totals, options));
  return `${lines.join('\n')}\n`;
}

function coverageLines(playbook: PlaybookCoverage, style: Style, show: (path: string) => string): string[] {
  const covered = playbook.outcomes.filter((o) => o.reachedBy.length > 0).length;
  const total = playbook.outcomes.length;
  const complete = covered === total;
  const note = playbook.tested ? '' : style.yellow('  no test file');
  const lines = [`  ${playbook.playbook}  ${(complete ? style.green : style.yellow)(`${covered}/${total}`)}${note}  ${style.dim(show(playbook.path))}`];
  for (const outcome of playbook.outcomes) {
    const first = outcome.reachedBy[0];
    const more = outcome.reachedBy.length > 1 ? ` (+${outcome.reachedBy.length - 1})` : '';
    lines.push(
      first
        ? `    ${style.green('✓')} ${outcome.node}  ${style.dim(`← ${first.name}${more}`)}`
        : `    ${style.yellow('✗')} ${outcome.node}  ${style.yellow(`not reached by any case (${show(playbook.path)}:${outcome.line})`)}`,
    );
  }
  return lines;
}

export function totalsLine(totals: TestTotals, options: Pick<TestRenderOptions, 'requireFullCoverage'>): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const invalid = totals.invalidFiles > 0 ? ` (${totals.invalidFiles} invalid)` : '';
  const percent = totals.outcomes === 0 ? 100 : Math.floor((totals.covered / totals.outcomes) * 1000) / 10;
  const required = options.requireFullCoverage && totals.covered < totals.outcomes ? ' — full coverage required' : '';
  return (
    `${plural(totals.files, 'test file')}${invalid}, ${plural(totals.cases, 'case')}: ${totals.passed} passed, ${totals.failed} failed. ` +
    `Coverage: ${totals.covered}/${totals.outcomes} outcomes (${percent}%) in ${plural(totals.playbooks, 'playbook')}${required}.`
  );
}

export function renderTestsJson(run: TestRun, options: Pick<TestRenderOptions, 'requireFullCoverage'>): string {
  const failed = run.totals.failed > 0 || run.totals.invalidFiles > 0 || (options.requireFullCoverage && run.totals.covered < run.totals.outcomes);
  return `${JSON.stringify({ schema: 'triage.test/v1', ok: !failed, totals: run.totals, files: run.files, coverage: run.coverage }, null, 2)}\n`;
}

/** Workflow commands: an error per invalid file and per failed case (at its line), a warning per uncovered outcome. */
export function renderTestsGithub(run: TestRun, options: TestRenderOptions): string {
  const show = (path: string): string => displayPath(path, options.cwd);
  const out: string[] = [];
  const annotate = (level: 'error' | 'warning', file: string, line: number, title: string, message: string): void => {
    out.push(`::${level} file=${escapeProperty(show(file))},line=${line},title=${escapeProperty(title)}::${escapeData(message)}`);
  };
  for (const file of run.files) {
    for (const problem of file.problems) annotate('error', problem.file, problem.line, 'invalid playbook test file', problem.message);
    for (const c of file.cases) if (!c.passed) annotate('error', file.file, c.line, `test failed: ${c.name}`, c.failures.join('\n'));
  }
  for (const playbook of run.coverage) {
    for (const outcome of playbook.outcomes) {
      if (outcome.reachedBy.length > 0) continue;
      annotate(
        options.requireFullCoverage ? 'error' : 'warning',
        playbook.path,
        outcome.line,
        'outcome not covered by a test',
        `No test case of ${playbook.playbook} reaches the outcome ${outcome.node}; add a case to ${playbook.playbook}.test.yaml.`,
      );
    }
  }
  out.push(totalsLine(run.totals, options));
  return `${out.join('\n')}\n`;
}
