/**
 * Random agents on valid playbooks (the bundled library and generated ones): whatever they answer
 * (junk, valid values, going back), a run ends at an outcome or stops with a TriageError that has
 * a code and a message, never anything else. Every finished run is then rendered in every format:
 * no `undefined`, `[object Object]`, unreplaced `{{`/`{%`, and no raw control characters in text
 * and Markdown.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishCase, type FinishSettings } from '../../src/app/finish-case.js';
import type { CaseRecord } from '../../src/core/case-record.js';
import { TriageError } from '../../src/core/errors.js';
import { applyInput, back, startFlow, viewFlow } from '../../src/core/flow-engine.js';
import type { AnswerValue, FlowInput, FlowState, FlowView, Pending, PlaybookLibrary } from '../../src/core/flow-types.js';
import { createLibrary } from '../../src/core/library.js';
import { CHANNELS, MOODS, type AskBlock, type Playbook } from '../../src/core/model.js';
import { parseAnswer, parseEnvAnswer } from '../../src/core/answer-values.js';
import type { PhraseBank } from '../../src/core/phrases.js';
import { bundledTemplatesDir, loadPhraseBank } from '../../src/io/phrase-bank.js';
import { renderCaseOutput, type Emit, type OutputFormat } from '../../src/render/case-output.js';
import { PATTERN_SAMPLES, bundledLibrary, generatedPlaybook, parseAll, runs, typedText } from './generators.js';

const MAX_INPUTS = 400;
/** After this many inputs the agent heads for the nearest outcome, so every walk ends. */
const WANDER = 120;

let phrases: PhraseBank;
beforeAll(async () => {
  phrases = await loadPhraseBank(bundledTemplatesDir());
});

// ---------------------------------------------------------------------------------------------
// The random agent

type Key = string;
const keyOf = (playbook: string, node: string): Key => `${playbook}#${node}`;

const distancesOf = new WeakMap<PlaybookLibrary, Map<Key, number>>();

/** Inputs needed from each node to reach an outcome, over every playbook (reverse BFS); once per library. */
function distances(library: PlaybookLibrary): Map<Key, number> {
  const known = distancesOf.get(library);
  if (known) return known;
  const previous = new Map<Key, Key[]>();
  const outcomes: Key[] = [];
  for (const playbook of library.all()) {
    for (const node of playbook.nodes) {
      const from = keyOf(playbook.id, node.id);
      if (node.outcome) outcomes.push(from);
      const targets: Key[] = [];
      const steering = node.actions?.find((a) => Object.keys(a.targets).length > 0);
      if (node.check) for (const id of [node.check.pass, node.check.fail]) targets.push(keyOf(playbook.id, id));
      else if (steering) for (const id of Object.values(steering.targets)) targets.push(keyOf(playbook.id, id));
      else {
        for (const choice of node.choices) {
          const to = library.resolveLink(playbook, choice.target);
          if (to) targets.push(keyOf(to.playbook.id, to.nodeId));
        }
      }
      for (const to of targets) previous.set(to, [...(previous.get(to) ?? []), from]);
    }
  }
  const dist = new Map<Key, number>(outcomes.map((k) => [k, 0]));
  const queue = [...outcomes];
  while (queue.length > 0) {
    const k = queue.shift()!;
    for (const p of previous.get(k) ?? []) {
      if (dist.has(p)) continue;
      dist.set(p, dist.get(k)! + 1);
      queue.push(p);
    }
  }
  distancesOf.set(library, dist);
  return dist;
}

function validAnswer(ask: AskBlock, pick: number): AnswerValue {
  const choices = ask.choices ?? [];
  switch (ask.type) {
    case 'number':
      return String(pick % 1000);
    case 'confirm':
      return pick % 2 === 0 ? 'yes' : 'no';
    case 'select':
      return choices[pick % choices.length] ?? '';
    case 'multiselect':
      return [choices[pick % choices.length] ?? ''];
    default: {
      for (const candidate of ['Customer says it broke', ...PATTERN_SAMPLES]) if (parseAnswer(ask, candidate).ok) return candidate;
      throw new Error(`no valid sample for ask ${ask.key} (pattern ${ask.pattern})`);
    }
  }
}

interface Walk {
  readonly state: FlowState;
  readonly view: FlowView;
}

/**
 * Drives a run with `numbers` and `texts` as the agent's whims. Junk answers must be refused with
 * `answer/invalid`; the walk then gives a valid one. Returns the finished run, or rethrows the
 * TriageError that stopped it.
 */
function walk(library: PlaybookLibrary, start: string, numbers: readonly number[], texts: readonly string[]): Walk {
  const dist = distances(library);
  let state = startFlow(library, start);
  let n = 0;
  const next = (): number => numbers[n++ % numbers.length]!;
  const text = (): string => texts[n++ % texts.length] ?? '';
  for (let step = 0; step < MAX_INPUTS; step++) {
    const view = viewFlow(library, state);
    const pending: Pending = view.pending;
    if (pending.kind === 'outcome') return { state, view };
    const whim = next();
    const heading = step >= WANDER;
    if (!heading && whim % 11 === 0 && view.canGoBack) {
      state = back(library, state, 1 + (whim % 3));
      continue;
    }
    const junk = !heading && whim % 3 === 0;
    let input: FlowInput;
    switch (pending.kind) {
      case 'probes':
        input = { kind: 'probes', playbook: pending.playbook.id, values: Object.fromEntries(pending.fields.map((f) => [f.key, whim % 5 === 0 ? '' : text()])) };
        break;
      case 'env': {
        const value = junk ? text() : ['2.4.1', ...PATTERN_SAMPLES, 'x'].find((v) => parseEnvAnswer(pending.field, v).ok) ?? 'x';
        input = { kind: 'env', key: pending.field.key, value };
        break;
      }
      case 'ask':
        input = { kind: 'ask', node: pending.node.id, key: pending.ask.key, value: junk ? text() : validAnswer(pending.ask, whim) };
        break;
      case 'choice': {
        let choice = pending.choices[whim % pending.choices.length]!;
        if (heading) {
          const reach = (c: typeof choice) => {
            const to = library.resolveLink(pending.playbook, c.target);
            return to ? dist.get(keyOf(to.playbook.id, to.nodeId)) ?? Infinity : Infinity;
          };
          choice = [...pending.choices].sort((a, b) => reach(a) - reach(b))[0]!;
        }
        input = { kind: 'choice', node: pending.node.id, label: junk ? text() : whim % 2 === 0 ? choice.label : choice.label.toUpperCase() };
        break;
      }
      case 'check': {
        const { check } = pending;
        const passed = heading
          ? (dist.get(keyOf(pending.playbook.id, check.pass)) ?? Infinity) <= (dist.get(keyOf(pending.playbook.id, check.fail)) ?? Infinity)
          : whim % 2 === 0;
        input = { kind: 'check', node: pending.node.id, result: { passed, exitCode: passed ? 0 : 1, stdout: text(), stderr: '', timedOut: false, durationMs: whim % 100 } };
        break;
      }
      case 'action': {
        // Heading for an outcome: the result whose target is nearest one (`done` when nothing is steered).
        const targetDistance = (s: (typeof pending.statuses)[number]) => {
          const target = pending.action.targets[s];
          return target === undefined ? 0 : (dist.get(keyOf(pending.playbook.id, target)) ?? Infinity);
        };
        const status = heading ? [...pending.statuses].sort((a, b) => targetDistance(a) - targetDistance(b))[0]! : pending.statuses[whim % pending.statuses.length]!;
        input = { kind: 'action', node: pending.node.id, key: pending.action.key, status, ...(whim % 3 === 0 ? { reference: junk ? text() : `RF-${whim}` } : {}) };
        break;
      }
    }
    try {
      state = applyInput(library, state, input);
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(TriageError);
      const e = error as TriageError;
      expect(e.code).toBe('answer/invalid');
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.message).not.toMatch(/\bundefined\b|\[object Object\]/);
    }
  }
  throw new Error(`no outcome after ${MAX_INPUTS} inputs`);
}

/**
 * Runs `walk`; a TriageError is an accepted end when it is a runaway check loop, or a typed answer
 * starting with `-` refused as a command's option (it names the key); anything else fails.
 */
function walkOrStop(library: PlaybookLibrary, start: string, numbers: readonly number[], texts: readonly string[]): Walk | undefined {
  try {
    return walk(library, start, numbers, texts);
  } catch (error) {
    if (!(error instanceof TriageError)) throw error;
    expect(error.code).toMatch(/^[a-z-]+\/[a-z-]+$/);
    expect(error.message.length).toBeGreaterThan(0);
    expect(['flow/runaway', 'check/option-value']).toContain(error.code);
    if (error.code === 'check/option-value') expect(error.message).toMatch(/answers\.\w+|starts with/);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

const FORMATS: readonly OutputFormat[] = ['markdown', 'text', 'json', 'jira', 'gitlab'];
const EMITS: readonly Emit[] = ['report', 'reply', 'both'];
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

const intake = fc.record({
  name: fc.option(typedText, { nil: undefined }),
  channel: fc.constantFrom(...CHANNELS),
  mood: fc.constantFrom(...MOODS),
  description: typedText,
});
const settings = fc.record({
  agentName: fc.option(fc.constantFrom('Sam Lee', '', '  '), { nil: undefined }),
  companyName: fc.option(fc.constantFrom('Acme', ''), { nil: undefined }),
  signoff: fc.option(fc.constantFrom('Best regards', ''), { nil: undefined }),
  redact: fc.boolean(),
});

type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

function renderAll(library: PlaybookLibrary, done: Walk, who: Of<typeof intake>, how: Of<typeof settings>): void {
  const record: CaseRecord = {
    id: 'TRI-20240101-ABCD',
    status: 'open',
    playbook: { id: done.state.playbook, version: '1.0.0', title: 'T', path: '/x.md' },
    intake: { customer: { ...(who.name === undefined ? {} : { name: who.name }), channel: who.channel, mood: who.mood }, description: who.description },
    inputs: done.state.inputs,
    startedAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    handoffs: [],
  };
  const finishSettings: FinishSettings = { ...how, phrases, machine: { homePath: '/home/agent', hostname: 'agent-laptop' } };
  const finished = finishCase({ record, state: done.state, library, settings: finishSettings, finishedAt: new Date('2024-01-01T00:05:00.000Z'), attachedEnv: {} });
  // One expect per run, not per output and check: fast-check calls this hundreds of times.
  const problems: string[] = [];
  for (const format of FORMATS) {
    for (const emit of EMITS) {
      const output = renderCaseOutput(finished, { format, emit });
      const problem = renderingProblem(output, format);
      if (problem !== undefined) problems.push(`${format}/${emit}: ${problem}:\n${output}`);
    }
  }
  expect(problems).toEqual([]);
}

function renderingProblem(output: string, format: (typeof FORMATS)[number]): string | undefined {
  if (/\bundefined\b/.test(output)) return 'shows undefined';
  if (output.includes('[object Object]')) return 'shows [object Object]';
  // Jira wiki markup writes monospace as {{text}}; elsewhere `{{` can only be a Liquid leftover.
  if (format !== 'jira' && output.includes('{{')) return 'has a Liquid `{{` left over';
  if (output.includes('{%')) return 'has a Liquid `{%` left over';
  // No account in the intake: a phrase naming it is left out, not filled with a placeholder.
  if (/\b(?:as|for|from|to|of|on|by|reaches) account not given|\(account not given\)|, account not given/.test(output)) return 'names an account that was not given';
  if (format === 'json') {
    try {
      JSON.parse(output);
    } catch (error) {
      return `is not JSON (${String(error)})`;
    }
  } else if (RAW_CONTROL.test(output)) return 'has a raw control character';
  return undefined;
}

// ---------------------------------------------------------------------------------------------

const whims = fc.array(fc.nat(), { minLength: 20, maxLength: 60 });
const answersTyped = fc.array(typedText, { minLength: 1, maxLength: 10 });

describe('random answer sequences', () => {
  const { library, playbooks } = bundledLibrary();

  it('on every bundled playbook end in an outcome, and it renders cleanly', () => {
    fc.assert(
      fc.property(fc.constantFrom(...playbooks.map((p) => p.id)), whims, answersTyped, intake, settings, (id, numbers, texts, who, how) => {
        const done = walk(library, id, numbers, texts);
        expect(done.view.pending.kind).toBe('outcome');
        renderAll(library, done, who, how);
      }),
      runs(400),
    );
  });

  it('on generated playbooks end in an outcome or a clear runaway stop, and render cleanly', () => {
    fc.assert(
      fc.property(generatedPlaybook, whims, answersTyped, intake, settings, (g, numbers, texts, who, how) => {
        const [playbook] = parseAll([{ path: `/gen/${g.id}.md`, source: g.source }], '/gen') as [Playbook];
        const lib = createLibrary([playbook]);
        const done = walkOrStop(lib, playbook.id, numbers, texts);
        if (done) renderAll(lib, done, who, how);
      }),
      runs(400),
    );
  });
});

describe('answers are data, never templates', () => {
  const source = [
    '---',
    'id: echo',
    'title: Echo',
    'version: 1.0.0',
    '---',
    '',
    '## Start',
    '',
    '```ask',
    'key: what',
    'prompt: What happened?',
    '```',
    '',
    '- [Done](#resolved-done)',
    '',
    '## Resolved: Done',
    '',
    '```reply full',
    'You said: {{ answers.what }}',
    '```',
  ].join('\n');
  const [playbook] = parseAll([{ path: '/echo/echo.md', source }], '/echo') as [Playbook];
  const library = createLibrary([playbook]);
  const injections = fc.constantFrom('{{ case.id }}', '{% if true %}yes{% endif %}', '{{ answers.constructor }}', '{% include "x" %}', '{{ "a" | append: "b" }}');

  it('template syntax in an answer comes out as written', () => {
    fc.assert(
      fc.property(typedText, injections, (before, injection) => {
        const what = `${before}${injection}`.trim();
        let state = startFlow(library, 'echo');
        state = applyInput(library, state, { kind: 'ask', node: 'start', key: 'what', value: what });
        state = applyInput(library, state, { kind: 'choice', node: 'start', label: 'Done' });
        const record: CaseRecord = {
          id: 'TRI-20240101-ABCD',
          status: 'open',
          playbook: { id: 'echo', version: '1.0.0', title: 'Echo', path: '/echo/echo.md' },
          intake: { customer: { channel: 'email', mood: 'calm' }, description: '' },
          inputs: state.inputs,
          startedAt: '2024-01-01T00:00:00.000Z',
          updatedAt: '2024-01-01T00:00:00.000Z',
          handoffs: [],
        };
        const finished = finishCase({ record, state, library, settings: { phrases, redact: false }, finishedAt: new Date('2024-01-01T00:00:01.000Z'), attachedEnv: {} });
        // The reply tidies whitespace (line endings, trailing spaces); the template syntax stays as typed.
        expect(finished.reply!.startsWith('You said: ')).toBe(true);
        expect(finished.reply).toContain(injection);
        expect(finished.reply).not.toContain('TRI-20240101-ABCD');
      }),
      runs(200),
    );
  });
});
