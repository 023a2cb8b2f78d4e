/** Commands that read playbooks: list, show, graph, search. */
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import { examples, json, workspaceInput, writeOut } from './shared.js';

export function registerPlaybookCommands(program: Command, ctx: CliContext): void {
  examples(
    program
      .command('list')
      .description('list playbooks: id, version, title, tags, source directory')
      .option('--json', 'print JSON'),
    ['triage list', 'triage list --json | jq -r ".[].id"'],
  ).action(async (opts: { json?: boolean }, command: Command) => {
    const { listPlaybooks } = await import('../../app/playbooks.js');
    const { items } = listPlaybooks(workspaceInput(ctx, command));
    if (opts.json) return writeOut(ctx, json(items));
    const { renderPlaybookListText } = await import('../../render/playbook-list.js');
    writeOut(ctx, renderPlaybookListText(items, { tty: terminalFor(ctx, command).stdoutIsTTY }));
  });

  examples(
    program
      .command('search')
      .description('rank playbooks by how well they match a description')
      .argument('<text...>', "the customer's description")
      .option('--limit <n>', 'how many results', '10')
      .option('--json', 'print JSON'),
    ['triage search "I never got the password reset email"', 'triage search cant log in --json | jq -r ".[0].id"'],
  ).action(async (words: string[], opts: { json?: boolean; limit: string }, command: Command) => {
    const { searchWorkspace } = await import('../../app/playbooks.js');
    const hits = searchWorkspace(workspaceInput(ctx, command), words.join(' '), parseLimit(opts.limit));
    if (opts.json) return writeOut(ctx, json(hits));
    if (hits.length === 0) {
      ctx.streams.stderr.write('No playbook matches that description. Try other words, or `triage list` to see them all.\n');
      return;
    }
    const { renderSearchText } = await import('../../render/playbook-list.js');
    writeOut(ctx, renderSearchText(hits, { tty: terminalFor(ctx, command).stdoutIsTTY }));
  });

  examples(
    program
      .command('show')
      .description('the outline of a playbook: nodes, choices, outcomes, env fields')
      .argument('<playbook>', 'playbook id')
      .option('--json', 'print JSON'),
    ['triage show cannot-log-in', 'triage show cannot-log-in --json | jq ".nodes[].id"'],
  ).action(async (id: string, opts: { json?: boolean }, command: Command) => {
    const { getPlaybook } = await import('../../app/playbooks.js');
    const playbook = getPlaybook(workspaceInput(ctx, command), id);
    const { renderOutlineText, outlineJson } = await import('../../render/outline.js');
    writeOut(ctx, opts.json ? json(outlineJson(playbook)) : renderOutlineText(playbook, { cwd: ctx.cwd }));
  });

  examples(
    program
      .command('graph')
      .description('draw the decision tree: Mermaid (renders on GitHub), Graphviz dot, or a tree')
      .argument('<playbook>', 'playbook id')
      .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot', 'tree']).default('mermaid')),
    ['triage graph cannot-log-in > graph.mmd', 'triage graph cannot-log-in --format tree', 'triage graph cannot-log-in --format dot | dot -Tsvg > graph.svg'],
  ).action(async (id: string, opts: { format: 'mermaid' | 'dot' | 'tree' }, command: Command) => {
    const { getPlaybook } = await import('../../app/playbooks.js');
    const playbook = getPlaybook(workspaceInput(ctx, command), id);
    const { renderGraph } = await import('../../render/graph.js');
    writeOut(ctx, renderGraph(playbook, opts.format));
  });
}

function parseLimit(value: string): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 10;
}
