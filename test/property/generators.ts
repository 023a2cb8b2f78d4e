/**
 * fast-check generators for the property tests: valid playbooks as Markdown (random decision
 * trees with cycles, asks of every type, checks, env fields, templates), mutations of playbook
 * text, and answers as an agent might type or paste them.
 *
 * Run sizes are set per property (NUM_RUNS) so the whole folder stays well under a minute on two
 * cores; set TRIAGE_FC_RUNS to multiply them (e.g. 10 for a long local fuzzing session) and
 * TRIAGE_FC_SEED to replay a failure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createLibrary } from '../../src/core/library.js';
import type { PlaybookLibrary } from '../../src/core/flow-types.js';
import type { Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import { ROOT } from '../helpers/cli.js';

const SCALE = Number(process.env.TRIAGE_FC_RUNS ?? '1') || 1;
const SEED = process.env.TRIAGE_FC_SEED === undefined ? undefined : Number(process.env.TRIAGE_FC_SEED);

/** fast-check parameters for a property with `runs` runs at scale 1. */
export function runs(numRuns: number): fc.Parameters<unknown> {
  return { numRuns: Math.max(1, Math.round(numRuns * SCALE)), ...(SEED === undefined ? {} : { seed: SEED }) };
}

export const BUNDLED_DIR = join(ROOT, 'playbooks');

export interface SourceFile {
  readonly path: string;
  readonly source: string;
}

export function bundledSources(): SourceFile[] {
  return readdirSync(BUNDLED_DIR)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => ({ path: join(BUNDLED_DIR, name), source: readFileSync(join(BUNDLED_DIR, name), 'utf8') }));
}

export function parseAll(files: readonly SourceFile[], dir: string): Playbook[] {
  return files.map((f) => {
    const { playbook, diagnostics } = parsePlaybook(f.source, { path: f.path, dir });
    if (!playbook) throw new Error(`${f.path} does not parse: ${JSON.stringify(diagnostics)}`);
    return playbook;
  });
}

export function bundledLibrary(): { library: PlaybookLibrary; playbooks: Playbook[] } {
  const playbooks = parseAll(bundledSources(), BUNDLED_DIR);
  return { library: createLibrary(playbooks), playbooks };
}

// ---------------------------------------------------------------------------------------------
// Generated playbooks

/** Patterns a playbook may use, each with an answer that matches it. */
export const SAFE_PATTERNS: readonly { readonly pattern: string; readonly sample: string }[] = [
  { pattern: '^\\d+\\.\\d+(\\.\\d+)?$', sample: '1.2.3' },
  { pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', sample: 'dana@example.com' },
  { pattern: '^INC-\\d+$', sample: 'INC-42' },
  { pattern: '^\\d{4}-\\d{2}-\\d{2}$', sample: '2024-05-01' },
  { pattern: '^[1-5]\\d\\d$', sample: '404' },
  { pattern: '^5\\d\\d$', sample: '503' },
  { pattern: '^https?://\\S+$', sample: 'https://example.com/x' },
  { pattern: '^[A-Za-z0-9][A-Za-z0-9-]{3,24}$', sample: 'ORD-12345' },
  { pattern: '^[A-Za-z0-9_-]{4}$', sample: 'ab12' },
  { pattern: '^\\d{4}$', sample: '4242' },
];

/** Answers that satisfy common patterns, tried in order when a valid answer is needed. */
export const PATTERN_SAMPLES = SAFE_PATTERNS.map((p) => p.sample);

const OUTCOME_PREFIX = ['Resolved', 'Workaround', 'Works as designed', 'Feature request', 'Bug', 'Escalate'] as const;
const WORDS = ['export', 'login', 'refund', 'sync', 'crash', 'slow', 'invoice', 'email', 'upload', 'browser', 'mobile', 'order'];
/** Fixed template variables (template-variables.ts) that lint accepts anywhere. */
const TEMPLATE_BITS = [
  '{{ customer.name | default: "there" }}',
  '{{ customer.first_name | default: "there" }}',
  '{{ case.id }}',
  '{{ playbook.title }}',
  '{{ outcome.title | upcase }}',
  '{{ agent.name | default: "the team" }}',
  '{{ company.name | default: "us" }}',
  '{% if customer.name %}Thanks, {{ customer.name }}.{% else %}Thanks.{% endif %}',
  '{% if customer.mood == "angry" %}We are sorry.{% endif %}',
  '{{ customer.channel }}',
  '{{ playbook.version }}',
];

type AskSpec = { key: string; type: string; pattern?: string; choices?: string[]; required: boolean; secret: boolean };
interface QuestionSpec {
  kind: 'question';
  title: string;
  script?: string;
  asks: AskSpec[];
  /** Indexes into the node list; the first one always moves forward, so an outcome is reachable. */
  targets: number[];
  check?: { pass: number; fail: number; capture?: string; expectExit?: number };
  /** An agent action: recorded only, or (without a check) moving on by its result. */
  action?: { steer: boolean; failed: number; notNeeded?: number; reference: boolean };
}
interface OutcomeSpec {
  kind: 'outcome';
  prefix: (typeof OUTCOME_PREFIX)[number];
  title: string;
  reply?: { full: boolean; bits: string[] };
  report?: { title: string; severity?: string; labels: string[] };
}
type NodeSpec = QuestionSpec | OutcomeSpec;

export interface GeneratedPlaybook {
  readonly id: string;
  readonly source: string;
  /** Env ask keys (answered before the first node). */
  readonly envKeys: readonly string[];
}

const word = fc.constantFrom(...WORDS);
const title = fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' '));

function askSpec(key: string): fc.Arbitrary<AskSpec> {
  return fc.record({
    key: fc.constant(key),
    type: fc.constantFrom('text', 'number', 'confirm', 'select', 'multiselect', 'multiline'),
    pattern: fc.option(fc.constantFrom(...SAFE_PATTERNS.map((p) => p.pattern)), { nil: undefined }),
    choices: fc.uniqueArray(word, { minLength: 1, maxLength: 4 }),
    required: fc.boolean(),
    secret: fc.boolean(),
  }).map((a) => ({
    ...a,
    // Patterns only on free text; choices only on selects (as lint wants).
    pattern: a.type === 'text' ? a.pattern : undefined,
    choices: a.type === 'select' || a.type === 'multiselect' ? a.choices : undefined,
    secret: a.type === 'text' ? a.secret : false,
  }));
}

/**
 * A valid playbook: `questions` question nodes, then `outcomes` outcome nodes. Every question's
 * first target is a later node, so an outcome is always reachable; extra targets may point
 * anywhere, making loops (that lint accepts because they have an exit).
 */
export const generatedPlaybook: fc.Arbitrary<GeneratedPlaybook> = fc
  .record({
    id: fc.stringMatching(/^[a-z]{3,8}(-[a-z0-9]{1,4})?$/),
    questions: fc.integer({ min: 1, max: 8 }),
    outcomes: fc.integer({ min: 1, max: 4 }),
    envAsk: fc.boolean(),
    seed: fc.integer(),
  })
  .chain(({ id, questions, outcomes, envAsk, seed }) => {
    const total = questions + outcomes;
    const question = (i: number): fc.Arbitrary<NodeSpec> =>
      fc
        .record({
          title,
          script: fc.option(title.map((t) => `Is it the ${t}?`), { nil: undefined }),
          asks: fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 2 }).chain((ks) => fc.tuple(...[...new Set(ks)].map((k) => askSpec(`a${i}_${k}`)))),
          forward: fc.integer({ min: i + 1, max: total - 1 }),
          extra: fc.array(fc.integer({ min: 0, max: total - 1 }), { maxLength: 3 }),
          check: fc.option(
            fc.record({
              pass: fc.integer({ min: i + 1, max: total - 1 }),
              fail: fc.integer({ min: 0, max: total - 1 }),
              capture: fc.option(fc.constant(`c${i}`), { nil: undefined }),
              expectExit: fc.option(fc.constantFrom(0, 1), { nil: undefined }),
            }),
            { nil: undefined, freq: 4 },
          ),
          action: fc.option(
            fc.record({
              steer: fc.boolean(),
              failed: fc.integer({ min: 0, max: total - 1 }),
              notNeeded: fc.option(fc.integer({ min: 0, max: total - 1 }), { nil: undefined }),
              reference: fc.boolean(),
            }),
            { nil: undefined, freq: 3 },
          ),
        })
        .map((q): QuestionSpec => ({
          kind: 'question',
          title: q.title,
          script: q.script,
          asks: q.asks,
          targets: [...new Set([q.forward, ...q.extra])],
          ...(q.check ? { check: q.check } : {}),
          // An action with targets never shares a node with a check (lint's action/with-check).
          ...(q.action ? { action: { ...q.action, steer: q.action.steer && !q.check } } : {}),
        }));
    const outcome = fc
      .record({
        prefix: fc.constantFrom(...OUTCOME_PREFIX),
        title,
        reply: fc.option(fc.record({ full: fc.boolean(), bits: fc.array(fc.constantFrom(...TEMPLATE_BITS), { minLength: 1, maxLength: 4 }) }), { nil: undefined }),
        report: fc.option(
          fc.record({
            title: fc.constantFrom('Problem with {{ playbook.title }}', "{{ outcome.title }} for {{ customer.name | default: 'a customer' }}", 'Plain title'),
            severity: fc.option(fc.constantFrom('low', 'medium', 'high', 'critical'), { nil: undefined }),
            labels: fc.uniqueArray(word, { maxLength: 3 }),
          }),
          { nil: undefined },
        ),
      })
      .map((o): OutcomeSpec => ({ kind: 'outcome', ...o }));
    return fc.tuple(fc.constant({ id, envAsk, seed }), fc.tuple(...Array.from({ length: questions }, (_, i) => question(i))), fc.tuple(...Array.from({ length: outcomes }, () => outcome)));
  })
  .map(([meta, questions, outcomes]) => renderGenerated(meta.id, meta.envAsk, [...questions, ...outcomes]));

function renderGenerated(id: string, envAsk: boolean, nodes: NodeSpec[]): GeneratedPlaybook {
  // Headings are made unique with their index, so slugs never collide.
  const headings = nodes.map((n, i) => (n.kind === 'outcome' ? `${n.prefix}: ${n.title} ${i}` : `${capital(n.title)} ${i}?`));
  const slug = (i: number) =>
    headings[i]!.toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
  const lines: string[] = ['---', `id: ${id}`, `title: Generated ${id}`, 'version: 1.0.0'];
  const envKeys: string[] = [];
  if (envAsk) {
    lines.push('env:', '  - key: app_version', '    ask: App version?', "    pattern: '^\\d+\\.\\d+(\\.\\d+)?$'", '  - key: os', '    detect: os');
    envKeys.push('app_version');
  }
  lines.push('---', '', `# Generated ${id}`, '', 'Generated for property tests.', '');
  nodes.forEach((node, i) => {
    lines.push(`## ${headings[i]}`, '');
    if (node.kind === 'question') {
      if (node.script) lines.push(`> ${node.script}`, '');
      for (const ask of node.asks) {
        lines.push('```ask', `key: ${ask.key}`, `prompt: What about ${ask.key}?`, `type: ${ask.type}`);
        if (ask.pattern) lines.push(`pattern: '${ask.pattern}'`);
        if (ask.choices) lines.push(`choices: [${ask.choices.join(', ')}]`);
        lines.push(`required: ${ask.required}`, `secret: ${ask.secret}`, '```', '');
      }
      if (node.action) {
        const { steer, failed, notNeeded, reference } = node.action;
        lines.push('```action', `key: act${i}`, `do: Do the thing for node ${i}.`);
        if (reference) lines.push('reference: Reference number');
        if (steer) {
          lines.push(`done: '#${slug(node.targets[0]!)}'`, `failed: '#${slug(failed)}'`);
          if (notNeeded !== undefined) lines.push(`not-needed: '#${slug(notNeeded)}'`);
        }
        lines.push('```', '');
      }
      if (node.check) {
        lines.push('```check', `run: [node, -e, '0', '{{answers.${node.asks[0]?.key ?? 'none'}}}']`);
        lines.push(`pass: '#${slug(node.check.pass)}'`, `fail: '#${slug(node.check.fail)}'`);
        if (node.check.capture) lines.push(`capture: ${node.check.capture}`);
        if (node.check.expectExit !== undefined) lines.push('expect:', `  exit: ${node.check.expectExit}`);
        lines.push('```', '');
      } else if (!node.action?.steer) {
        for (const t of node.targets) lines.push(`- [Go to ${t}](#${slug(t)})`);
        lines.push('');
      }
    } else {
      if (node.reply) lines.push(`\`\`\`reply${node.reply.full ? ' full' : ''}`, ...node.reply.bits, 'Please restart the app and try again.', '```', '');
      if (node.report) {
        lines.push('```report', `title: "${node.report.title}"`, 'expected: It works.', 'actual: It does not.');
        if (node.report.severity) lines.push(`severity: ${node.report.severity}`);
        lines.push(`labels: [${node.report.labels.join(', ')}]`, '```', '');
      }
    }
  });
  // A check's `{{answers.none}}` placeholder needs a definition: use an ask-less argv instead.
  const source = lines.join('\n').replace(/, '\{\{answers\.none\}\}'\]/g, ']');
  return { id, source, envKeys };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Mutations of playbook text

/** Fragments that stress the parser: fences, headings, links, YAML, templates, bad bytes. */
const FRAGMENTS = [
  '---',
  '...',
  '```',
  '```ask',
  '```check',
  '```reply full',
  '```report',
  '~~~ask',
  '## ',
  '## Resolved: ',
  '# ',
  '- [x](#nowhere)',
  '- [up](../../etc/passwd.md)',
  '- [abs](/etc/passwd.md#x)',
  '- [](#)',
  '> ',
  'key: &a [*a]',
  'run: [sh, -c, "$(touch /tmp/pwned)"]',
  "pattern: '^(a+)+$'",
  "pattern: '(['",
  '{{',
  '}}',
  '{%',
  '{% include "x" %}',
  '{{ constructor.constructor }}',
  '{{ answers.__proto__ }}',
  '{% for i in (1..100000000) %}x{% endfor %}',
  'id: ',
  'version: 1.0',
  'env:',
  '  - key: x',
  'start: nowhere',
  '\uFEFF',
  '\uFFFD',
  '\u0000',
  '\u001b[31m',
  '\r',
  '\r\n',
  '\t',
  '[' .repeat(60),
  '>'.repeat(60),
  '- '.repeat(60),
  '`'.repeat(9),
  '\\',
  '"',
  "'",
  ':',
  '#',
  '|',
  '<!--',
  '-->',
];

type Mutation = (lines: string[]) => string[];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((n): Mutation => (ls) => ls.filter((_, i) => i !== n % Math.max(1, ls.length))),
  fc.nat().map((n): Mutation => (ls) => {
    const i = n % Math.max(1, ls.length);
    return [...ls.slice(0, i + 1), ls[i] ?? '', ...ls.slice(i + 1)];
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (ls) => {
    const out = [...ls];
    const i = a % Math.max(1, out.length);
    const j = b % Math.max(1, out.length);
    [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
    return out;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...FRAGMENTS)).map(([n, f]): Mutation => (ls) => {
    const i = n % (ls.length + 1);
    return [...ls.slice(0, i), f, ...ls.slice(i)];
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...FRAGMENTS)).map(([n, at, f]): Mutation => (ls) => {
    const i = n % Math.max(1, ls.length);
    const line = ls[i] ?? '';
    const col = at % (line.length + 1);
    const out = [...ls];
    out[i] = `${line.slice(0, col)}${f}${line.slice(col)}`;
    return out;
  }),
  fc.tuple(fc.nat(), fc.string({ maxLength: 20, unit: 'grapheme' })).map(([n, s]): Mutation => (ls) => {
    const i = n % Math.max(1, ls.length);
    const out = [...ls];
    out[i] = s;
    return out;
  }),
  fc.nat().map((n): Mutation => (ls) => ls.slice(0, n % (ls.length + 1))),
);

/** `source` with 1 to 6 random edits. */
export function mutated(source: string): fc.Arbitrary<string> {
  return fc.array(mutation, { minLength: 1, maxLength: 6 }).map((ms) => ms.reduce((ls, m) => m(ls), source.split('\n')).join('\n'));
}

/** Text built from playbook-ish fragments and random characters. */
export const markdownish: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12, unit: 'binary' }), fc.constant('\n')), { maxLength: 60 })
  .map((parts) => parts.join(''));

// ---------------------------------------------------------------------------------------------
// Answers

/**
 * What an agent might type or paste, without `{`, `}`, `u` or `j`, so a rendered output that
 * shows `{{`, `undefined` or `[object Object]` can only have made them itself.
 */
export const typedText: fc.Arbitrary<string> = fc.string({
  maxLength: 40,
  unit: fc.constantFrom(...'abcdefghiklmnopqrstvwxyzABCDEFGHIKLMNPQRSTVWXYZ0123456789 .,-_/:;!?@#$%^&*()[]<>|"\'`~=+\\\n\t\r\u0000\u0007\u001b\u007fé中🙂'.split('')),
});
