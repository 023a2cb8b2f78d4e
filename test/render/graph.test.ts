/**
 * Graph output. Mermaid's own parser needs a browser (mermaid.parse() calls DOMPurify, which
 * needs a DOM; @mermaid-js/parser has no flowchart grammar), so these tests assert the
 * properties of the flowchart grammar our output relies on, and the DOT output goes through a
 * small parser for the DOT grammar. (By hand, every bundled playbook's Mermaid was checked with
 * mermaid 12's jison flowchart parser and its DOT with Graphviz `dot -Tsvg`.)
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import { renderDot, renderGraph, renderMermaid, renderTree } from '../../src/render/graph.js';
import { check, choice, node, outcome, playbook } from '../helpers/playbook-builder.js';

const EXAMPLE = fileURLToPath(new URL('../fixtures/lint/valid/export-fails.md', import.meta.url));

function example(): Playbook {
  const result = parsePlaybook(readFileSync(EXAMPLE, 'utf8'), { path: EXAMPLE, dir: dirname(EXAMPLE) });
  expect(result.diagnostics).toEqual([]);
  return result.playbook!;
}

/** Headings, labels and ids that break naive Mermaid/DOT output. */
const tricky = playbook('tricky', [
  node('start', {
    title: 'Is it "quoted" & #1 | <b>bold</b>?',
    choices: [choice('Yes | "maybe" #2', '#end'), choice('Back\\slash', '#graph'), choice('Elsewhere', 'other.md#some-node'), choice('Whole file', 'other.md')],
  }),
  node('end', { title: 'End', choices: [choice('Loop back', '#start'), choice('Done', '#resolved-done')] }),
  node('graph', { title: 'Graph', check: check({ run: ['true'], pass: '#resolved-done', fail: '#bug-broken' }) }),
  outcome('resolved-done', 'resolved', 'Done 100%'),
  outcome('bug-broken', 'bug', 'Broken'),
  node('orphan', { title: 'Never reached', choices: [choice('Gone', '#no-such-node')] }),
]);

describe('Mermaid', () => {
  it('draws the playbook-format.md example: nodes, outcome shapes and classes, labelled edges, the start', () => {
    expect(renderMermaid(example()).split('\n')).toEqual([
      'flowchart TD',
      '  n0["Which format fails?"]',
      '  n1["How many rows?"]',
      '  n2(["Resolved: Filter was hiding rows"]):::resolved',
      '  n3(["Workaround: Export in parts"]):::workaround',
      '  n4(["Bug: PDF export times out"]):::bug',
      '  n0 -->|"CSV"| n1',
      '  n0 -->|"PDF"| n4',
      '  n1 -->|"Under 100,000"| n2',
      '  n1 -->|"100,000 or more"| n3',
      '  style n0 stroke-width:3px',
      '  classDef resolved fill:#d4f7dc,stroke:#1a7f37',
      '  classDef workaround fill:#fff4cc,stroke:#9a6700',
      '  classDef works_as_designed fill:#e7ecf0,stroke:#57606a',
      '  classDef feature_request fill:#ddf4ff,stroke:#0969da',
      '  classDef bug fill:#ffebe9,stroke:#cf222e',
      '  classDef escalate fill:#fbefff,stroke:#8250df',
      '',
    ]);
  });

  it('escapes labels with Mermaid entities: quotes, #, < and > never reach the grammar raw', () => {
    const text = renderMermaid(tricky);
    expect(text).toContain('  n0["Is it #quot;quoted#quot; & #35;1 | #lt;b#gt;bold#lt;/b#gt;?"]');
    expect(text).toContain('  n0 -->|"Yes | #quot;maybe#quot; #35;2"| n1');
  });

  it('uses index ids, so slugs that are Mermaid keywords (end, graph) cannot end the chart', () => {
    const text = renderMermaid(tricky);
    expect(text).toContain('  n1["End"]');
    expect(text).not.toMatch(/^\s+end\b/m);
    expect(text).not.toMatch(/-->\|[^|]*\| (end|graph)\b/);
  });

  it('draws checks as hexagons with pass/fail edges, links to other playbooks as subroutines (once each), missing targets as plain nodes', () => {
    const lines = renderMermaid(tricky).split('\n');
    expect(lines).toContain('  n2{{"Graph"}}');
    expect(lines).toContain('  n2 -->|"pass"| n3');
    expect(lines).toContain('  n2 -->|"fail"| n4');
    expect(lines).toContain('  x0[["→ other.md#35;some-node"]]');
    expect(lines).toContain('  x1[["→ other.md"]]');
    expect(lines.filter((l) => l.startsWith('  x0['))).toHaveLength(1);
    expect(lines).toContain('  n5 -->|"Gone"| missing_no_such_node');
  });

  it.each([
    ['the example', () => example()],
    ['tricky labels', () => tricky],
  ])('keeps to the flowchart grammar for %s', (_, make) => {
    assertMermaidGrammar(renderMermaid(make()));
  });
});

/**
 * The parts of Mermaid's flowchart grammar that our output depends on: one header, node
 * statements `id["text"]` (and the stadium, hexagon and subroutine shapes) with quoted text that
 * holds no raw `"` or newline, edges `a -->|"label"| b` between ids that are plain words, classes
 * used with `:::` that are defined by `classDef` with names Mermaid accepts, and `style` on a
 * declared node.
 */
function assertMermaidGrammar(text: string): void {
  const QUOTED = '"[^"\\n]*"';
  const nodeLine = new RegExp(`^  ([a-z][a-z0-9_]*)(\\[${QUOTED}\\]|\\(\\[${QUOTED}\\]\\)|\\{\\{${QUOTED}\\}\\}|\\[\\[${QUOTED}\\]\\])(?::::([a-z_]+))?$`);
  const edgeLine = new RegExp(`^  ([a-z][a-z0-9_]*) -->\\|${QUOTED}\\| ([a-z][a-z0-9_]*)$`);
  const KEYWORDS = new Set(['end', 'graph', 'flowchart', 'subgraph', 'style', 'classDef', 'class', 'click', 'linkStyle', 'direction']);
  const lines = text.split('\n');
  expect(lines[0]).toBe('flowchart TD');
  expect(lines.at(-1)).toBe('');
  const declared = new Set<string>();
  const usedClasses = new Set<string>();
  const definedClasses = new Set<string>();
  const edgeEnds: string[] = [];
  for (const line of lines.slice(1, -1)) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(nodeLine))) {
      expect(declared.has(m[1]!), `node ${m[1]} declared twice`).toBe(false);
      declared.add(m[1]!);
      if (m[3]) usedClasses.add(m[3]);
    } else if ((m = line.match(edgeLine))) {
      edgeEnds.push(m[1]!, m[2]!);
    } else if ((m = line.match(/^  style ([a-z][a-z0-9_]*) [a-z-]+:[^\s;]+$/))) {
      expect(declared.has(m[1]!)).toBe(true);
    } else if ((m = line.match(/^  classDef ([a-z_]+) ([a-z-]+:#[0-9a-f]{6},?)+$/))) {
      definedClasses.add(m[1]!);
    } else {
      throw new Error(`not a flowchart statement we emit: ${JSON.stringify(line)}`);
    }
  }
  for (const id of [...declared, ...edgeEnds]) expect(KEYWORDS.has(id), `${id} is a keyword`).toBe(false);
  // A source must be declared; a target that is not (a link to a missing node) becomes a plain node.
  for (let i = 0; i < edgeEnds.length; i += 2) expect(declared.has(edgeEnds[i]!), `edge from undeclared ${edgeEnds[i]}`).toBe(true);
  for (const cls of usedClasses) expect(definedClasses.has(cls), `class ${cls} not defined`).toBe(true);
}

describe('the grammar checks themselves', () => {
  it('reject what Mermaid or Graphviz would reject', () => {
    expect(() => assertMermaidGrammar('flowchart TD\n  n0["say "hi""]\n')).toThrow();
    expect(() => assertMermaidGrammar('flowchart TD\n  end["x"]\n')).toThrow();
    expect(() => assertMermaidGrammar('flowchart TD\n  n0["a"]:::bug\n')).toThrow(/class bug not defined/);
    expect(() => parseDot('digraph "x" {\n  "a" [label="say "hi""];\n}\n')).toThrow(/DOT/);
    expect(() => parseDot('digraph "x" {\n  "a" -> ;\n}\n')).toThrow(/DOT/);
    expect(() => parseDot('digraph "x" {\n  "a";\n')).toThrow(/DOT/);
  });
});

describe('DOT', () => {
  it('draws the example: a digraph with every node, outcome colours, the start in bold, labelled edges', () => {
    const graph = parseDot(renderDot(example()));
    expect(graph.name).toBe('export-fails');
    expect(graph.nodes.get('which-format-fails')).toMatchObject({ label: 'Which format fails?', penwidth: '2' });
    expect(graph.nodes.get('resolved-filter-was-hiding-rows')).toMatchObject({ label: 'Resolved: Filter was hiding rows', style: 'rounded,filled', fillcolor: '#d4f7dc' });
    expect(graph.nodes.get('bug-pdf-export-times-out')).toMatchObject({ fillcolor: '#ffebe9' });
    expect(graph.edges).toEqual([
      { from: 'which-format-fails', to: 'how-many-rows', attrs: { label: 'CSV' } },
      { from: 'which-format-fails', to: 'bug-pdf-export-times-out', attrs: { label: 'PDF' } },
      { from: 'how-many-rows', to: 'resolved-filter-was-hiding-rows', attrs: { label: 'Under 100,000' } },
      { from: 'how-many-rows', to: 'workaround-export-in-parts', attrs: { label: '100,000 or more' } },
    ]);
    expect(graph.defaults.edge).toMatchObject({ fontname: 'Helvetica' });
  });

  it('escapes quotes and backslashes so every label reads back as written; keyword slugs stay quoted ids', () => {
    const graph = parseDot(renderDot(tricky));
    expect(graph.nodes.get('start')?.label).toBe('Is it "quoted" & #1 | <b>bold</b>?');
    expect(graph.edges.map((e) => e.attrs.label)).toContain('Yes | "maybe" #2');
    expect(graph.edges.map((e) => e.attrs.label)).toContain('Back\\slash');
    expect(graph.nodes.get('graph')).toMatchObject({ shape: 'hexagon' });
    expect(graph.nodes.get('end')).toMatchObject({ label: 'End' });
    expect(graph.nodes.get('→ other.md#some-node')).toMatchObject({ shape: 'cds' });
  });

  it('every edge end is a node the graph declares, except a link to a missing node', () => {
    const graph = parseDot(renderDot(tricky));
    const undeclared = graph.edges.flatMap((e) => [e.from, e.to]).filter((id) => !graph.nodes.has(id));
    expect(undeclared).toEqual(['no-such-node']);
  });
});

describe('tree', () => {
  it('draws the example from the start, with answers in brackets and outcomes marked', () => {
    expect(renderTree(example())).toBe(
      [
        'Which format fails?',
        '├─ [CSV] How many rows?',
        '│  ├─ [Under 100,000] ■ Resolved: Filter was hiding rows',
        '│  └─ [100,000 or more] ■ Workaround: Export in parts',
        '└─ [PDF] ■ Bug: PDF export times out',
        '',
      ].join('\n'),
    );
  });

  it('draws a node seen before as a back-reference (so loops end), checks, links, missing and unreachable nodes', () => {
    expect(renderTree(tricky)).toBe(
      [
        'Is it "quoted" & #1 | <b>bold</b>?',
        '├─ [Yes | "maybe" #2] End',
        '│  ├─ [Loop back] ↺ Is it "quoted" & #1 | <b>bold</b>? (see above)',
        '│  └─ [Done] ■ Resolved: Done 100%',
        '├─ [Back\\slash] ◆ Graph',
        '│  ├─ [pass] ↺ Resolved: Done 100% (see above)',
        '│  └─ [fail] ■ Bug: Broken',
        '├─ [Elsewhere] → other.md#some-node',
        '└─ [Whole file] → other.md',
        '',
        'Not reachable from the start:',
        '  Never reached',
        '',
      ].join('\n'),
    );
  });
});

describe('renderGraph', () => {
  it('dispatches on the format', () => {
    const pb = example();
    expect(renderGraph(pb, 'mermaid')).toBe(renderMermaid(pb));
    expect(renderGraph(pb, 'dot')).toBe(renderDot(pb));
    expect(renderGraph(pb, 'tree')).toBe(renderTree(pb));
  });
});

// --- A parser for the DOT language subset our renderer may emit (graphviz.org/doc/info/lang.html):
// `digraph ID { stmt* }` with node, edge and attribute statements; IDs are plain words or
// double-quoted strings in which only `\"` is an escape (`\\` stays two characters, as in
// Graphviz, which reads it as an escaped backslash in labels).

interface DotGraph {
  name: string;
  nodes: Map<string, Record<string, string>>;
  edges: { from: string; to: string; attrs: Record<string, string> }[];
  defaults: Record<'graph' | 'node' | 'edge', Record<string, string>>;
}

function parseDot(text: string): DotGraph {
  // `quoted`: a quoted "graph" is an ID, only a bare graph/node/edge is a keyword.
  const tokens: { kind: 'id' | 'punct'; value: string; quoted?: boolean }[] = [];
  const re = /\s+|(->|[{}[\];=,])|([A-Za-z_][A-Za-z0-9_.]*|-?\d+(?:\.\d+)?)|"((?:[^"\\]|\\.)*)"/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    m = re.exec(text);
    if (!m) throw new Error(`DOT syntax error at offset ${at}: ${JSON.stringify(text.slice(at, at + 30))}`);
    if (m[1]) tokens.push({ kind: 'punct', value: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', value: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'id', quoted: true, value: m[3].replace(/\\"/g, '"').replace(/\\\\/g, '\\') });
  }
  let i = 0;
  const peek = () => tokens[i];
  const take = (value?: string) => {
    const t = tokens[i++];
    if (!t || (value !== undefined && t.value !== value) || (value === undefined && t.kind !== 'id')) {
      throw new Error(`DOT: expected ${value ?? 'an ID'} at token ${i - 1}, got ${JSON.stringify(t?.value)}`);
    }
    return t.value;
  };
  const attrList = (): Record<string, string> => {
    const attrs: Record<string, string> = {};
    take('[');
    while (peek()?.value !== ']') {
      const key = take();
      take('=');
      attrs[key] = take();
      if (peek()?.value === ',' || peek()?.value === ';') i++;
    }
    take(']');
    return attrs;
  };
  take('digraph');
  const graph: DotGraph = { name: take(), nodes: new Map(), edges: [], defaults: { graph: {}, node: {}, edge: {} } };
  take('{');
  while (peek()?.value !== '}') {
    const first = peek();
    if (first?.kind === 'id' && !first.quoted && ['graph', 'node', 'edge'].includes(first.value)) {
      i++;
      Object.assign(graph.defaults[first.value as 'graph' | 'node' | 'edge'], attrList());
    } else {
      const id = take();
      if (peek()?.value === '=') {
        i++;
        graph.defaults.graph[id] = take();
      } else if (peek()?.value === '->') {
        i++;
        const to = take();
        graph.edges.push({ from: id, to, attrs: peek()?.value === '[' ? attrList() : {} });
      } else {
        graph.nodes.set(id, { ...graph.nodes.get(id), ...(peek()?.value === '[' ? attrList() : {}) });
      }
    }
    if (peek()?.value === ';') i++;
  }
  take('}');
  expect(i, 'nothing after the closing brace').toBe(tokens.length);
  return graph;
}

describe('action nodes', () => {
  const source = fileURLToPath(new URL('../fixtures/actions/duplicate-charge.md', import.meta.url));
  const actions = (): Playbook => {
    const result = parsePlaybook(readFileSync(source, 'utf8'), { path: source, dir: dirname(source) });
    expect(result.diagnostics).toEqual([]);
    return result.playbook!;
  };

  it('draws an action that moves on by its result as its own shape, with one edge per result', () => {
    const mermaid = renderMermaid(actions());
    expect(mermaid).toContain('  n1[/"Refund the duplicate"/]');
    expect(mermaid).toContain('  n1 -->|"done"| n2');
    expect(mermaid).toContain(`  n1 -->|"couldn't do it"| n3`);
    const dot = renderDot(actions());
    expect(dot).toContain('"refund-the-duplicate" [label="Refund the duplicate", shape=parallelogram];');
    expect(dot).toContain('"refund-the-duplicate" -> "escalate-refund-blocked" [label="couldn\'t do it"];');
    const tree = renderTree(actions());
    expect(tree).toContain('[Both completed] ▶ Refund the duplicate');
    expect(tree).toMatch(/\[done\] ■ Resolved: Duplicate refunded/);
  });
});

describe('renderTree on a deep chain', () => {
  it('a 3,000-node chain renders without overflowing the stack, in linear output', () => {
    const n = 3000;
    const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`, { title: `Step ${i}`, choices: [choice('Next', i === n - 1 ? '#resolved-done' : `#n${i + 1}`)] }));
    const chain = playbook('chain', [...nodes, outcome('resolved-done', 'resolved', 'Done')]);
    const text = renderTree(chain);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(n + 1);
    expect(lines.at(-1)).toContain('■ Resolved: Done');
    // Indentation starts again at the margin (marked ⋯), so no line grows with the depth.
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
    expect(text.length).toBeLessThan(n * 200);
    expect(lines.filter((l) => l.startsWith('⋯ ')).length).toBeGreaterThan(10);
  });
});
