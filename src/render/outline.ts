/** `triage show`: a playbook's outline (nodes, choices, asks, actions, checks, outcomes, env fields). */
import { displayPath } from './display-path.js';
import { steeringAction, type Playbook, type PlaybookNode } from '../core/model.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';

function envSourceText(field: Playbook['env'][number]): string {
  const s = field.source;
  if (s.kind === 'ask') return `ask: ${s.prompt}${s.parse ? ` (parse: ${s.parse})` : ''}${s.pattern ? ` (pattern ${s.pattern})` : ''}${s.required ? '' : ' (optional)'}`;
  if (s.kind === 'detect') return `detect: ${s.probe}`;
  return `run: ${s.argv.join(' ')} (timeout ${s.timeoutMs} ms)`;
}

function nodeLines(node: PlaybookNode, start: boolean): string[] {
  const kind = node.outcome ? `outcome: ${node.outcome.kind}` : node.check ? 'check' : steeringAction(node) ? 'action' : 'question';
  const lines = [`  ${start ? '▶ ' : ''}#${node.id}  (${kind}, line ${node.line})`, `    ${node.heading}`];
  for (const said of node.script) lines.push(`    > ${said.replace(/\n/g, ' ')}`);
  for (const ask of node.asks) {
    const extra = ask.choices ? ` [${ask.choices.join(' | ')}]` : '';
    lines.push(`    ask ${ask.key} (${ask.type}${ask.required ? '' : ', optional'}${ask.secret ? ', secret' : ''}): ${ask.prompt}${extra}`);
  }
  for (const action of node.actions ?? []) {
    lines.push(`    action ${action.key}: ${action.do}${action.reference ? ` (reference: ${action.reference})` : ''}`);
    const targets = Object.entries(action.targets).map(([status, target]) => `${status} → #${target}`);
    if (targets.length > 0) lines.push(`    ${targets.join('   ')}`);
  }
  for (const choice of node.choices) {
    const to = choice.target.file ? `${choice.target.file}${choice.target.node ? `#${choice.target.node}` : ''}` : `#${choice.target.node ?? ''}`;
    lines.push(`    - ${choice.label} → ${to}`);
  }
  if (node.check) {
    const { probe } = node.check;
    const { expect } = node.check;
    const judged = [
      ...(expect.require ? [`require ${expect.require.join(', ') || 'a handshake only'}`] : []),
      ...(expect.minDays === undefined ? [] : [`min_days ${expect.minDays}`]),
      ...(expect.issuer === undefined ? [] : [`issuer ${expect.issuer}`]),
      ...(expect.status === undefined ? [] : [`status ${expect.status}`]),
      ...(expect.maxSkewSeconds === undefined ? [] : [`max_skew ${expect.maxSkewSeconds} s`]),
      ...(expect.minFree === undefined ? [] : [`min_free ${expect.minFree}`]),
      ...(expect.minimums === undefined ? [] : [`minimums ${expect.minimums}`]),
    ];
    lines.push(
      probe
        ? `    probe: ${probe.name} ${probe.targets.join(' | ')}  (timeout ${node.check.timeoutMs} ms${judged.length > 0 ? `; ${judged.join('; ')}` : ''})`
        : `    run: ${node.check.run.join(' ')}  (timeout ${node.check.timeoutMs} ms)`,
    );
    lines.push(`    pass → #${node.check.pass}   fail → #${node.check.fail}`);
  }
  if (node.reply) lines.push(`    reply${node.reply.full ? ' (full)' : ''}: ${node.reply.template.split('\n')[0]}…`);
  if (node.report) lines.push(`    report: ${node.report.title ?? '(default title)'}${node.report.severity ? ` [${node.report.severity}]` : ''}`);
  return lines;
}

export function renderOutlineText(playbook: Playbook, options: { cwd: string }): string {
  const lines = [
    `${playbook.title}  (${playbook.id} ${playbook.version})`,
    ...(playbook.summary ? [playbook.summary] : []),
    `file: ${displayPath(playbook.path, options.cwd)}`,
    ...(playbook.tags.length ? [`tags: ${playbook.tags.join(', ')}`] : []),
    ...(playbook.symptoms.length ? [`symptoms: ${playbook.symptoms.join('; ')}`] : []),
    `default severity: ${playbook.severity}`,
  ];
  if (playbook.env.length > 0) {
    lines.push('', 'Environment:');
    for (const field of playbook.env) lines.push(`  ${field.key}: ${envSourceText(field)}`);
  }
  lines.push('', `Nodes (${playbook.nodes.length}):`);
  for (const node of playbook.nodes) lines.push(...nodeLines(node, node.id === playbook.start), '');
  const outcomes = playbook.nodes.filter((n) => n.outcome);
  lines.push(`Outcomes: ${outcomes.map((n) => `${n.outcome!.kind} (#${n.id})`).join(', ') || 'none'}`);
  // Playbook text is anyone's: escape sequences in it are made visible, never printed raw.
  return sanitizeForTerminal(`${lines.join('\n')}\n`);
}

export function outlineJson(playbook: Playbook): unknown {
  return {
    id: playbook.id,
    title: playbook.title,
    version: playbook.version,
    summary: playbook.summary ?? '',
    tags: playbook.tags,
    symptoms: playbook.symptoms,
    severity: playbook.severity,
    start: playbook.start,
    path: playbook.path,
    env: playbook.env,
    nodes: playbook.nodes.map((n) => ({
      id: n.id,
      heading: n.heading,
      line: n.line,
      kind: n.outcome ? 'outcome' : n.check ? 'check' : steeringAction(n) ? 'action' : 'question',
      outcome: n.outcome ?? null,
      script: n.script,
      asks: n.asks,
      choices: n.choices.map((c) => ({ label: c.label, target: c.target })),
      check: n.check ?? null,
      actions: n.actions ?? [],
      has_reply: Boolean(n.reply),
      report: n.report ?? null,
    })),
  };
}
