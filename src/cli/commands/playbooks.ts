/** Commands that read playbooks: list, show, graph, search. */
import { Option, type Command } from 'commander';
import { TriageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import type { TableOptions } from '../../render/table.js';
import { examples, json, workspaceInput, writeErr, writeOut, runs } from './shared.js';

export function registerPlaybookCommands(program: Command, ctx: CliContext): void {
  examples(
    program
      .command('list')
      .description('list playbooks: id, version, title, tags, source directory')
      .option('--json', 'print JSON'),
    ['triage list', 'triage list --json | jq -r ".[].id"'],
  ).action(runs(async (opts: { json?: boolean }, command: Command) => {
    const { listPlaybooks } = await import('../../app/playbooks.js');
    const { items, workspace } = await listPlaybooks(workspaceInput(ctx, command));
    reportSkippedFiles(ctx, workspace.filesWithErrors);
    if (opts.json) return writeOut(ctx, json(items));
    const { renderPlaybookListText } = await import('../../render/playbook-list.js');
    writeOut(ctx, await renderPlaybookListText(items, tableOptions(ctx, command)));
  }));

  examples(
    program
      .command('search')
      .description('rank playbooks by how well they match a description')
      .argument('<text...>', "the customer's description")
      .option('--limit <n>', 'how many results (default: as many as the intake offers)')
      .option('--customer <name>', "weigh this customer's past cases first, as the intake does")
      .option('--no-history', 'rank by the description alone, without past cases')
      .option('--json', 'print JSON'),
    ['triage search "I never got the password reset email"', 'triage search cant log in --json | jq -r ".[0].id"', 'triage search --customer "Dana Ortiz" charged twice --json'],
  ).action(runs(async (words: string[], opts: { json?: boolean; limit?: string; customer?: string; history?: boolean }, command: Command) => {
    const limit = opts.limit === undefined ? undefined : parseLimit(opts.limit);
    const { searchWorkspace } = await import('../../app/playbooks.js');
    const { suggestions, problem } = await searchWorkspace(workspaceInput(ctx, command), words.join(' '), {
      ...(limit ? { limit } : {}),
      ...(opts.customer?.trim() ? { customer: opts.customer.trim() } : {}),
      history: opts.history !== false,
    });
    if (problem) ctx.streams.stderr.write(`${problem}\n`);
    if (opts.json) return writeOut(ctx, json(suggestions));
    if (suggestions.length === 0) {
      ctx.streams.stderr.write('No playbook matches that description. Try other words, or `triage list` to see them all.\n');
      return;
    }
    const { renderSearchText } = await import('../../render/playbook-list.js');
    writeOut(ctx, await renderSearchText(suggestions, tableOptions(ctx, command)));
    if (!suggestions.some((s) => s.strength === 'strong')) {
      ctx.streams.stderr.write('No playbook is a strong match for that description.\n');
    }
  }));

  examples(
    program
      .command('show')
      .description('the outline of a playbook: nodes, choices, outcomes, env fields')
      .argument('<playbook>', 'playbook id')
      .option('--json', 'print JSON'),
    ['triage show cannot-log-in', 'triage show cannot-log-in --json | jq ".nodes[].id"'],
  ).action(runs(async (id: string, opts: { json?: boolean }, command: Command) => {
    const { getPlaybook } = await import('../../app/playbooks.js');
    const playbook = await getPlaybook(workspaceInput(ctx, command), id);
    const { renderOutlineText, outlineJson } = await import('../../render/outline.js');
    writeOut(ctx, opts.json ? json(outlineJson(playbook)) : renderOutlineText(playbook, { cwd: ctx.cwd }));
  }));

  examples(
    program
      .command('graph')
      .description('draw the decision tree: Mermaid (renders on GitHub), Graphviz dot, or a tree')
      .argument('<playbook>', 'playbook id')
      .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'tree']).default('mermaid')),
    ['triage graph cannot-log-in > graph.mmd', 'triage graph cannot-log-in --format tree', 'triage graph cannot-log-in --format dot | dot -Tsvg > graph.svg'],
  ).action(runs(async (id: string, opts: { format: 'mermaid' | 'dot' | 'tree' }, command: Command) => {
    const { getPlaybook } = await import('../../app/playbooks.js');
    const playbook = await getPlaybook(workspaceInput(ctx, command), id);
    const { renderGraph } = await import('../../render/graph.js');
    writeOut(ctx, renderGraph(playbook, opts.format));
  }));
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (Number.isInteger(n) && n > 0) return n;
  throw new TriageError('usage/invalid-limit', `--limit must be a whole number above 0; got "${value}".`, { hint: 'e.g. `triage search --limit 3 cannot log in`' });
}

function tableOptions(ctx: CliContext, command: Command): TableOptions {
  return { tty: terminalFor(ctx, command).stdoutIsTTY, columns: ctx.streams.stdout.columns };
}

/**
 * A playbook file that does not parse is left out of the list; say so on stderr, or its author
 * wonders where it went. Details are `triage lint`'s job.
 */
function reportSkippedFiles(ctx: CliContext, files: readonly string[]): void {
  if (files.length === 0) return;
  const shown = files.slice(0, 5).map((f) => `  ${f}`);
  if (files.length > 5) shown.push(`  … and ${files.length - 5} more`);
  writeErr(ctx, `${files.length} playbook file${files.length === 1 ? '' : 's'} with errors left out:\n${shown.join('\n')}\nRun \`triage lint\` to see what to fix.`);
}
