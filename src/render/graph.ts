/**
 * A playbook's decision tree as Mermaid (renders on GitHub), Graphviz DOT, or an indented tree
 * for the terminal. Pure: playbook in, text out.
 */
import { steeringAction, type LinkTarget, type OutcomeKind, type Playbook, type PlaybookNode } from '../core/model.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';

export type GraphFormat = 'mermaid' | 'dot' | 'tree';

interface Edge {
  readonly from: string;
  readonly label: string;
  /** A node id in this playbook, or an external playbook reference. */
  readonly to: { readonly node: string } | { readonly external: string };
}

function edgesOf(node: PlaybookNode): Edge[] {
  if (node.check) {
    return [
      { from: node.id, label: 'pass', to: { node: node.check.pass } },
      { from: node.id, label: 'fail', to: { node: node.check.fail } },
    ];
  }
  const action = steeringAction(node);
  if (action) {
    // An action that moves the run on by its result: one edge per result, labelled like the prompt.
    return Object.entries(action.targets).map(([status, target]) => ({ from: node.id, label: ACTION_EDGE_LABEL[status] ?? status, to: { node: target } }));
  }
  return node.choices.map((c) => ({ from: node.id, label: c.label, to: targetOf(c.target) }));
}

const ACTION_EDGE_LABEL: Readonly<Record<string, string>> = { done: 'done', failed: "couldn't do it", 'not-needed': 'not needed' };

function targetOf(target: LinkTarget): Edge['to'] {
  if (target.file) return { external: target.node ? `${target.file}#${target.node}` : target.file };
  return { node: target.node ?? '' };
}

const OUTCOME_STYLE: Record<OutcomeKind, string> = {
  resolved: 'fill:#d4f7dc,stroke:#1a7f37',
  workaround: 'fill:#fff4cc,stroke:#9a6700',
  'works-as-designed': 'fill:#e7ecf0,stroke:#57606a',
  'feature-request': 'fill:#ddf4ff,stroke:#0969da',
  bug: 'fill:#ffebe9,stroke:#cf222e',
  escalate: 'fill:#fbefff,stroke:#8250df',
};

/** Playbook text is anyone's: escape sequences in it are made visible, never printed raw. */
export function renderGraph(playbook: Playbook, format: GraphFormat): string {
  return sanitizeForTerminal(renderGraphRaw(playbook, format));
}

function renderGraphRaw(playbook: Playbook, format: GraphFormat): string {
  switch (format) {
    case 'mermaid':
      return renderMermaid(playbook);
    case 'dot':
      return renderDot(playbook);
    case 'tree':
      return renderTree(playbook);
  }
}

function mermaidText(s: string): string {
  // Inside quoted Mermaid labels, `"` must be an entity; `#` starts entities, so escape it too.
  // Labels are HTML to Mermaid: `<` and `>` become entities so a heading shows as written.
  return s.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/[\r\n]+/g, ' ');
}

export function renderMermaid(playbook: Playbook): string {
  // Index-based ids: slugs like `end` or `graph` are Mermaid keywords.
  const ids = new Map(playbook.nodes.map((n, i) => [n.id, `n${i}`]));
  const externals = new Map<string, string>();
  const lines = ['flowchart TD'];
  for (const node of playbook.nodes) {
    const id = ids.get(node.id)!;
    const label = mermaidText(node.heading);
    if (node.outcome) lines.push(`  ${id}(["${label}"]):::${node.outcome.kind.replace(/-/g, '_')}`);
    else if (node.check) lines.push(`  ${id}{{"${label}"}}`);
    else if (steeringAction(node)) lines.push(`  ${id}[/"${label}"/]`);
    else lines.push(`  ${id}["${label}"]`);
  }
  for (const node of playbook.nodes) {
    for (const edge of edgesOf(node)) {
      let to: string;
      if ('external' in edge.to) {
        const key = edge.to.external;
        if (!externals.has(key)) {
          const extId = `x${externals.size}`;
          externals.set(key, extId);
          lines.push(`  ${extId}[["→ ${mermaidText(key)}"]]`);
        }
        to = externals.get(key)!;
      } else {
        to = ids.get(edge.to.node) ?? `missing_${edge.to.node.replace(/[^a-z0-9_]/gi, '_')}`;
      }
      lines.push(`  ${ids.get(node.id)} -->|"${mermaidText(edge.label)}"| ${to}`);
    }
  }
  const start = ids.get(playbook.start);
  if (start) lines.push(`  style ${start} stroke-width:3px`);
  for (const [kind, style] of Object.entries(OUTCOME_STYLE)) lines.push(`  classDef ${kind.replace(/-/g, '_')} ${style}`);
  return `${lines.join('\n')}\n`;
}

function dotText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ');
}

export function renderDot(playbook: Playbook): string {
  const lines = [
    `digraph "${dotText(playbook.id)}" {`,
    '  rankdir=TB;',
    '  node [fontname="Helvetica", shape=box, style="rounded"];',
    // Without this, edge labels fall back to Times while nodes use Helvetica.
    '  edge [fontname="Helvetica", fontsize=11];',
  ];
  for (const node of playbook.nodes) {
    const attrs = [`label="${dotText(node.heading)}"`];
    if (node.outcome) attrs.push('shape=box', 'style="rounded,filled"', `fillcolor="${OUTCOME_STYLE[node.outcome.kind].split(',')[0]!.slice(5)}"`);
    else if (node.check) attrs.push('shape=hexagon');
    else if (steeringAction(node)) attrs.push('shape=parallelogram');
    if (node.id === playbook.start) attrs.push('penwidth=2');
    lines.push(`  "${dotText(node.id)}" [${attrs.join(', ')}];`);
  }
  for (const node of playbook.nodes) {
    for (const edge of edgesOf(node)) {
      const to = 'external' in edge.to ? `→ ${edge.to.external}` : edge.to.node;
      if ('external' in edge.to) lines.push(`  "${dotText(to)}" [shape=cds];`);
      lines.push(`  "${dotText(node.id)}" -> "${dotText(to)}" [label="${dotText(edge.label)}"];`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Levels of indentation before the tree starts again at the left margin. */
const TREE_DEPTH = 40;

export function renderTree(playbook: Playbook): string {
  const byId = new Map(playbook.nodes.map((n) => [n.id, n]));
  const lines: string[] = [];
  const seen = new Set<string>();
  const describe = (node: PlaybookNode): string =>
    node.outcome ? `■ ${node.heading}` : node.check ? `◆ ${node.heading}` : steeringAction(node) ? `▶ ${node.heading}` : node.heading;
  // Depth-first with an explicit stack (a 3,000-node chain would overflow the call stack), and
  // the indentation starts again every TREE_DEPTH levels, marked `⋯`, so output stays linear.
  type Frame =
    | { readonly kind: 'node'; readonly nodeId: string; readonly prefix: string; readonly label?: string; readonly last: boolean; readonly depth: number }
    | { readonly kind: 'external'; readonly prefix: string; readonly label: string; readonly target: string; readonly last: boolean };
  const stack: Frame[] = [{ kind: 'node', nodeId: playbook.start, prefix: '', last: true, depth: 0 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.kind === 'external') {
      lines.push(`${frame.prefix}${frame.last ? '└─ ' : '├─ '}[${frame.label}] → ${frame.target}`);
      continue;
    }
    const { nodeId, label, last, depth } = frame;
    const root = depth === 0;
    const restart = !root && depth % TREE_DEPTH === 0;
    const prefix = restart ? '' : frame.prefix;
    const node = byId.get(nodeId);
    const branch = root ? '' : `${restart ? '⋯ ' : ''}${prefix}${last ? '└─ ' : '├─ '}`;
    const via = label === undefined ? '' : `[${label}] `;
    if (!node) {
      lines.push(`${branch}${via}✗ missing node #${nodeId}`);
      continue;
    }
    if (seen.has(nodeId)) {
      lines.push(`${branch}${via}↺ ${node.heading} (see above)`);
      continue;
    }
    seen.add(nodeId);
    lines.push(`${branch}${via}${describe(node)}`);
    const childPrefix = root ? '' : `${restart ? '  ' : ''}${prefix}${last ? '   ' : '│  '}`;
    const edges = edgesOf(node);
    for (let i = edges.length - 1; i >= 0; i--) {
      const edge = edges[i]!;
      const isLast = i === edges.length - 1;
      stack.push(
        'external' in edge.to
          ? { kind: 'external', prefix: childPrefix, label: edge.label, target: edge.to.external, last: isLast }
          : { kind: 'node', nodeId: edge.to.node, prefix: childPrefix, label: edge.label, last: isLast, depth: depth + 1 },
      );
    }
  }
  const unreachable = playbook.nodes.filter((n) => !seen.has(n.id));
  if (unreachable.length > 0) {
    lines.push('', 'Not reachable from the start:');
    for (const n of unreachable) lines.push(`  ${describe(n)}`);
  }
  return `${lines.join('\n')}\n`;
}
