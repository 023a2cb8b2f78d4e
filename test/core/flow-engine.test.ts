import { describe, expect, it } from 'vitest';
import { TriageError } from '../../src/core/errors.js';
import {
  MAX_AUTOMATIC_STEPS,
  MAX_PREFILLED_VISITS,
  applyInput,
  applyPrefilled,
  back,
  isUserInput,
  missingInputs,
  startFlow,
  commandGuard, substituteArgv,
  viewFlow,
} from '../../src/core/flow-engine.js';
import type { FlowInput, FlowState, PlaybookLibrary } from '../../src/core/flow-types.js';
import { createLibrary } from '../../src/core/library.js';
import { OUTCOME_KINDS, type Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import { ask, check, checkResult, choice, envAsk, envDetect, envRun, node, outcome, playbook } from '../helpers/playbook-builder.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

function exportFails(): Playbook {
  return playbook(
    'export-fails',
    [
      node('which-format', {
        title: 'Which format fails?',
        script: ['Which format were you exporting?', 'CSV or PDF?'],
        choices: [
          choice('CSV', '#how-many-rows'),
          choice('PDF', '#check-pdf-service'),
          choice('Billing problem', 'refund-request.md'),
          choice('Partial refund', 'refund-request.md#partial'),
          choice('Broken', 'missing.md'),
        ],
      }),
      node('how-many-rows', {
        title: 'How many rows?',
        script: 'Roughly how many rows?',
        asks: [ask('rows', { type: 'number', prompt: 'Roughly how many rows?' })],
        choices: [choice('Under 100,000', '#resolved-filter'), choice('100,000 or more', '#workaround-parts')],
      }),
      node('check-pdf-service', {
        title: 'Check the PDF service',
        asks: [ask('account', { prompt: 'Account id?' }), ask('features', { type: 'multiselect', choices: ['Export', 'Import'] })],
        check: check({
          run: ['pdfctl', 'status', '{{answers.account}}', '{{ env.browser }}', '--who={{answers.account}}', '{{answers.features}}', '{{answers.nothing}}'],
          capture: 'service_version',
          pass: '#bug-pdf',
          fail: '#escalate-pdf',
        }),
      }),
      outcome('resolved-filter', 'resolved', 'Filter was hiding rows', { script: 'Clear the filter.' }),
      outcome('workaround-parts', 'workaround', 'Export in parts'),
      outcome('bug-pdf', 'bug', 'PDF export times out'),
      outcome('escalate-pdf', 'escalate', 'PDF service is down'),
    ],
    {
      path: '/kb/export-fails.md',
      env: [
        envDetect('os', 'os'),
        envAsk('browser', 'Which browser?'),
        envRun('app_probe', ['app', '--version']),
        envAsk('app_version', 'App version?', { pattern: '^\\d+\\.\\d+(\\.\\d+)?$' }),
        envAsk('notes', 'Anything else?', { required: false }),
      ],
    },
  );
}

function refundRequest(): Playbook {
  return playbook(
    'refund-request',
    [
      node('intro', { title: 'Refund intro', choices: [choice('Partial', '#partial'), choice('Full', '#resolved-refunded')] }),
      node('partial', {
        title: 'Partial refund',
        asks: [ask('amount', { type: 'number' }), ask('rows', { type: 'number' })],
        choices: [choice('Done', '#resolved-refunded')],
      }),
      outcome('resolved-refunded', 'resolved', 'Refunded'),
    ],
    {
      path: '/kb/refund-request.md',
      env: [envAsk('browser', 'Which browser?'), envDetect('os', 'os'), envDetect('arch', 'arch'), envAsk('plan_id', 'Plan id?')],
    },
  );
}

function library(...extra: Playbook[]): PlaybookLibrary {
  return createLibrary([exportFails(), refundRequest(), ...extra]);
}

const PROBES: FlowInput = { kind: 'probes', playbook: 'export-fails', values: { os: 'linux', app_probe: '4.2.0' } };
const ENV: FlowInput[] = [
  { kind: 'env', key: 'browser', value: 'Firefox 120' },
  { kind: 'env', key: 'app_version', value: '4.2' },
  { kind: 'env', key: 'notes', value: '' },
];

function apply(lib: PlaybookLibrary, state: FlowState, ...inputs: FlowInput[]): FlowState {
  return inputs.reduce((s, input) => applyInput(lib, s, input), state);
}

/** A run of export-fails that has captured its env and is at the first node. */
function atFirstNode(lib = library()): FlowState {
  return apply(lib, startFlow(lib, 'export-fails'), PROBES, ...ENV);
}

function thrown(fn: () => unknown): TriageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TriageError) return error;
    throw error;
  }
  throw new Error('expected a TriageError');
}

// ---------------------------------------------------------------------------------------------

describe('startFlow', () => {
  it('starts with no inputs', () => {
    expect(startFlow(library(), 'export-fails')).toEqual({ playbook: 'export-fails', inputs: [] });
  });

  it('rejects an unknown playbook with a did-you-mean hint', () => {
    const error = thrown(() => startFlow(library(), 'export-fail'));
    expect(error.code).toBe('playbook/unknown');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('export-fail');
    expect(error.hint).toContain('Did you mean "export-fails"?');
  });

  it('gives a hint without a suggestion when nothing is close', () => {
    const error = thrown(() => startFlow(library(), 'zzzzzzzzzzzz'));
    expect(error.code).toBe('playbook/unknown');
    expect(error.hint).not.toContain('Did you mean');
  });

  it('rejects a playbook whose start node is missing', () => {
    const broken = playbook('broken', [outcome('done', 'resolved', 'Done')], { start: 'nowhere' });
    expect(thrown(() => startFlow(createLibrary([broken]), 'broken')).code).toBe('flow/broken-link');
  });
});

describe('entering a playbook: probes, then env asks, then nodes', () => {
  it('asks for all detect/run fields as one probes pending first', () => {
    const lib = library();
    const view = viewFlow(lib, startFlow(lib, 'export-fails'));
    expect(view.pending.kind).toBe('probes');
    if (view.pending.kind !== 'probes') return;
    expect(view.pending.fields.map((f) => f.key)).toEqual(['os', 'app_probe']);
    expect(view.node).toBeUndefined();
    expect(view.step).toBe(1);
    expect(view.path).toEqual([]);
    expect(view.canGoBack).toBe(false);
    expect(view.done).toBe(false);
  });

  it('then each ask env field in declaration order, optional ones included', () => {
    const lib = library();
    let state = apply(lib, startFlow(lib, 'export-fails'), PROBES);
    const keys: string[] = [];
    for (const input of ENV) {
      const view = viewFlow(lib, state);
      expect(view.pending.kind).toBe('env');
      if (view.pending.kind === 'env') keys.push(view.pending.field.key);
      state = applyInput(lib, state, input);
    }
    expect(keys).toEqual(['browser', 'app_version', 'notes']);
    const view = viewFlow(lib, state);
    expect(view.pending.kind).toBe('choice');
    expect(view.env).toEqual({ os: 'linux', app_probe: '4.2.0', browser: 'Firefox 120', app_version: '4.2', notes: '' });
    expect(view.node?.id).toBe('which-format');
    expect(view.step).toBe(1);
    expect(view.path).toHaveLength(1);
  });

  it('goes straight to env asks when there is nothing to probe, and straight to the node when there is no env', () => {
    const onlyAsk = playbook('only-ask', [node('n', { choices: [choice('x', '#done')] }), outcome('done', 'resolved', 'Done')], {
      env: [envAsk('browser', 'Browser?')],
    });
    const noEnv = playbook('no-env', [node('n', { choices: [choice('x', '#done')] }), outcome('done', 'resolved', 'Done')]);
    const lib = createLibrary([onlyAsk, noEnv]);
    expect(viewFlow(lib, startFlow(lib, 'only-ask')).pending.kind).toBe('env');
    expect(viewFlow(lib, startFlow(lib, 'no-env')).pending.kind).toBe('choice');
  });

  it('stores only the probed fields, empty when the runner gave no value', () => {
    const lib = library();
    const state = applyInput(lib, startFlow(lib, 'export-fails'), { kind: 'probes', playbook: 'export-fails', values: { os: 'mac', extra: 'x' } });
    expect(state.inputs[0]).toEqual({ kind: 'probes', playbook: 'export-fails', values: { os: 'mac', app_probe: '' } });
    expect(viewFlow(lib, state).env).toEqual({ os: 'mac', app_probe: '' });
  });

  it('validates env answers with the field pattern and required flag', () => {
    const lib = library();
    const state = apply(lib, startFlow(lib, 'export-fails'), PROBES, ENV[0] as FlowInput);
    const bad = thrown(() => applyInput(lib, state, { kind: 'env', key: 'app_version', value: 'latest' }));
    expect(bad.code).toBe('answer/invalid');
    expect(bad.exitCode).toBe(2);
    expect(bad.message).toContain('app_version');
    expect(bad.message).toContain('^\\d+\\.\\d+(\\.\\d+)?$');
    const missing = thrown(() => applyInput(lib, apply(lib, startFlow(lib, 'export-fails'), PROBES), { kind: 'env', key: 'browser', value: '' }));
    expect(missing.message).toMatch(/browser.*required/);
  });

  it('trims env answers before storing them', () => {
    const lib = library();
    const state = apply(lib, startFlow(lib, 'export-fails'), PROBES, { kind: 'env', key: 'browser', value: '  Safari 17 ' });
    expect(state.inputs[1]).toEqual({ kind: 'env', key: 'browser', value: 'Safari 17' });
  });
});

describe('asks', () => {
  const kinds = playbook('kinds', [
    node('details', {
      title: 'Details',
      asks: [
        ask('name'),
        ask('count', { type: 'number' }),
        ask('sure', { type: 'confirm' }),
        ask('plan', { type: 'select', choices: ['Free', 'Pro'] }),
        ask('tools', { type: 'multiselect', choices: ['a', 'b', 'c'] }),
        ask('log', { type: 'multiline' }),
        ask('password', { secret: true }),
        ask('comment', { required: false }),
      ],
      choices: [choice('Next', '#done')],
    }),
    outcome('done', 'resolved', 'Done'),
  ]);
  const lib = createLibrary([kinds]);
  const answers: [string, string][] = [
    ['name', ' Ada '],
    ['count', '3'],
    ['sure', 'y'],
    ['plan', 'pro'],
    ['tools', 'c, 1'],
    ['log', 'line 1\nline 2\n'],
    ['password', 'hunter2'],
    ['comment', ''],
  ];

  it('asks each block in order and stores normalised values of each type', () => {
    let state = startFlow(lib, 'kinds');
    for (const [key, value] of answers) {
      const view = viewFlow(lib, state);
      expect(view.pending.kind === 'ask' && view.pending.ask.key).toBe(key);
      state = applyInput(lib, state, { kind: 'ask', node: 'details', key, value });
    }
    const view = viewFlow(lib, state);
    expect(view.pending.kind).toBe('choice');
    expect(view.answers).toEqual({
      name: 'Ada',
      count: 3,
      sure: true,
      plan: 'Pro',
      tools: ['c', 'a'],
      log: 'line 1\nline 2',
      password: 'hunter2',
      comment: '',
    });
    expect(view.secretKeys).toEqual(['password']);
    expect(state.inputs[1]).toEqual({ kind: 'ask', node: 'details', key: 'count', value: 3 });
    const next = applyInput(lib, state, { kind: 'choice', node: 'details', label: 'Next' });
    const path = viewFlow(lib, next).path;
    expect(path[0]?.answer).toBe(
      'name: Ada; count: 3; sure: yes; plan: Pro; tools: c, a; log: line 1\nline 2; password: [REDACTED]; Next',
    );
    expect(path[0]?.answer).not.toContain('hunter2');
  });

  it('rejects an invalid value naming the key and the allowed values', () => {
    let state = startFlow(lib, 'kinds');
    for (const [key, value] of answers.slice(0, 3)) state = applyInput(lib, state, { kind: 'ask', node: 'details', key, value });
    const error = thrown(() => applyInput(lib, state, { kind: 'ask', node: 'details', key: 'plan', value: 'Gold' }));
    expect(error.code).toBe('answer/invalid');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('"plan"');
    expect(error.message).toContain('Free, Pro');
  });

  it('rejects an answer for another key or node', () => {
    const state = startFlow(lib, 'kinds');
    expect(thrown(() => applyInput(lib, state, { kind: 'ask', node: 'details', key: 'count', value: '1' })).code).toBe('answer/invalid');
    expect(thrown(() => applyInput(lib, state, { kind: 'ask', node: 'other', key: 'name', value: 'x' })).code).toBe('answer/invalid');
    const wrongKind = thrown(() => applyInput(lib, state, { kind: 'choice', node: 'details', label: 'Next' }));
    expect(wrongKind.message).toContain('"name"');
  });

  it('skips asks whose key is already answered', () => {
    const lib2 = library();
    // rows is answered at how-many-rows; the refund playbook's partial node asks rows again.
    const state = apply(
      lib2,
      atFirstNode(lib2),
      { kind: 'choice', node: 'which-format', label: 'CSV' },
      { kind: 'ask', node: 'how-many-rows', key: 'rows', value: '500' },
    );
    const viaRefund = apply(
      lib2,
      atFirstNode(lib2),
      { kind: 'choice', node: 'which-format', label: 'Partial refund' },
      { kind: 'probes', playbook: 'refund-request', values: { arch: 'x64' } },
      { kind: 'env', key: 'plan_id', value: 'P1' },
      { kind: 'ask', node: 'partial', key: 'amount', value: '10' },
    );
    expect(viewFlow(lib2, viaRefund).pending.kind === 'ask' && (viewFlow(lib2, viaRefund).pending as { ask: { key: string } }).ask.key).toBe(
      'rows',
    );
    expect(viewFlow(lib2, state).pending.kind).toBe('choice');
  });
});

describe('choices', () => {
  it('moves to the target node and records the label', () => {
    const lib = library();
    const state = applyInput(lib, atFirstNode(lib), { kind: 'choice', node: 'which-format', label: 'CSV' });
    const view = viewFlow(lib, state);
    expect(view.node?.id).toBe('how-many-rows');
    expect(view.step).toBe(2);
    expect(view.path).toEqual([
      {
        playbook: 'export-fails',
        node: 'which-format',
        title: 'Which format fails?',
        said: 'Which format were you exporting?\n\nCSV or PDF?',
        answer: 'CSV',
      },
      { playbook: 'export-fails', node: 'how-many-rows', title: 'How many rows?', said: 'Roughly how many rows?', answer: '' },
    ]);
  });

  it('accepts a label in another case and stores it as written', () => {
    const lib = library();
    const state = applyInput(lib, atFirstNode(lib), { kind: 'choice', node: 'which-format', label: 'csv' });
    expect(state.inputs.at(-1)).toEqual({ kind: 'choice', node: 'which-format', label: 'CSV' });
  });

  it('rejects an unknown label, listing the allowed labels', () => {
    const lib = library();
    const error = thrown(() => applyInput(lib, atFirstNode(lib), { kind: 'choice', node: 'which-format', label: 'XLSX' }));
    expect(error.code).toBe('answer/invalid');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('which-format');
    expect(error.message).toContain('XLSX');
    expect(error.message).toContain('Allowed: CSV, PDF, Billing problem, Partial refund, Broken');
  });

  it('rejects a choice for a node the run is not at', () => {
    const lib = library();
    expect(thrown(() => applyInput(lib, atFirstNode(lib), { kind: 'choice', node: 'how-many-rows', label: 'CSV' })).code).toBe('answer/invalid');
  });

  it('rejects a choice whose link points to a playbook that is not loaded', () => {
    const lib = library();
    const error = thrown(() => applyInput(lib, atFirstNode(lib), { kind: 'choice', node: 'which-format', label: 'Broken' }));
    expect(error.code).toBe('flow/broken-link');
    expect(error.message).toContain('missing.md');
    expect(error.file).toBe('/kb/export-fails.md');
  });

  it('throws for a node that leads nowhere', () => {
    const dead = playbook('dead', [node('start', { choices: [choice('go', '#stuck')] }), node('stuck')]);
    const lib = createLibrary([dead]);
    const state = applyInput(lib, startFlow(lib, 'dead'), { kind: 'choice', node: 'start', label: 'go' });
    expect(thrown(() => viewFlow(lib, state)).code).toBe('flow/dead-end');
  });
});

describe('checks', () => {
  function atCheck(lib: PlaybookLibrary): FlowState {
    return apply(
      lib,
      atFirstNode(lib),
      { kind: 'choice', node: 'which-format', label: 'PDF' },
      { kind: 'ask', node: 'check-pdf-service', key: 'account', value: 'acme corp; rm -rf /' },
      { kind: 'ask', node: 'check-pdf-service', key: 'features', value: 'Import, Export' },
    );
  }

  it('substitutes whole-element placeholders as one element and leaves embedded ones as written', () => {
    const lib = library();
    const view = viewFlow(lib, atCheck(lib));
    expect(view.pending.kind).toBe('check');
    if (view.pending.kind !== 'check') return;
    expect(view.pending.argv).toEqual(['pdfctl', 'status', 'acme corp; rm -rf /', 'Firefox 120', '--who={{answers.account}}', 'Import, Export', '']);
    expect(view.pending.check.capture).toBe('service_version');
  });

  it('moves to pass on a passed check, captures trimmed stdout, and records it in the path', () => {
    const lib = library();
    const state = applyInput(lib, atCheck(lib), { kind: 'check', node: 'check-pdf-service', result: checkResult({ stdout: '  v2.3.1\n' }) });
    const view = viewFlow(lib, state);
    expect(view.node?.id).toBe('bug-pdf');
    expect(view.answers.service_version).toBe('v2.3.1');
    expect(view.path.at(-2)?.answer).toBe('account: acme corp; rm -rf /; features: Import, Export; check passed');
    expect(view.pending.kind).toBe('outcome');
  });

  it.each([
    [checkResult({ exitCode: 1 }), 'check failed (exit 1)'],
    [checkResult({ timedOut: true }), 'check failed (timed out)'],
    [checkResult({ error: 'command not found: pdfctl' }), 'check failed (command not found: pdfctl)'],
  ])('moves to fail on a failed check (%#)', (result, answer) => {
    const lib = library();
    const view = viewFlow(lib, applyInput(lib, atCheck(lib), { kind: 'check', node: 'check-pdf-service', result }));
    expect(view.node?.id).toBe('escalate-pdf');
    expect(view.path.at(-2)?.answer).toMatch(new RegExp(`; ${answer.replace(/[()]/g, '\\$&')}$`));
    expect(view.answers.service_version).toBe('');
  });

  it('says why a check with an stdout expectation failed', () => {
    const pb = playbook('stdout', [
      node('c', { check: check({ run: ['x'], expect: { exit: 0, stdout: '^ok$' }, pass: '#p', fail: '#f' }) }),
      outcome('p', 'resolved', 'P'),
      outcome('f', 'bug', 'F'),
    ]);
    const lib = createLibrary([pb]);
    const state = applyInput(lib, startFlow(lib, 'stdout'), { kind: 'check', node: 'c', result: checkResult({ exitCode: 0, passed: false }) });
    expect(viewFlow(lib, state).path[0]?.answer).toBe('check failed (stdout did not match)');
  });

  it('rejects a check result when the run is not at a check', () => {
    const lib = library();
    expect(thrown(() => applyInput(lib, atFirstNode(lib), { kind: 'check', node: 'which-format', result: checkResult() })).code).toBe(
      'answer/invalid',
    );
  });

  it('throws for a check target that does not exist', () => {
    const pb = playbook('bad-target', [node('c', { check: check({ run: ['x'], pass: '#nope', fail: '#nope' }) })]);
    const lib = createLibrary([pb]);
    expect(thrown(() => applyInput(lib, startFlow(lib, 'bad-target'), { kind: 'check', node: 'c', result: checkResult() })).code).toBe(
      'flow/broken-link',
    );
  });
});

describe('outcomes', () => {
  it.each(OUTCOME_KINDS)('ends the run at a %s outcome, the last step of the path', (kind) => {
    const pb = playbook('outcomes', [
      node('start', { choices: [choice('go', '#end')] }),
      outcome('end', kind, `The ${kind} title`, { script: 'Goodbye.' }),
    ]);
    const lib = createLibrary([pb]);
    const view = viewFlow(lib, applyInput(lib, startFlow(lib, 'outcomes'), { kind: 'choice', node: 'start', label: 'go' }));
    expect(view.done).toBe(true);
    expect(view.pending).toMatchObject({ kind: 'outcome', outcome: { kind, title: `The ${kind} title` } });
    expect(view.path.at(-1)).toEqual({
      playbook: 'outcomes',
      node: 'end',
      title: `The ${kind} title`,
      said: 'Goodbye.',
      answer: '',
      outcome: { kind, title: `The ${kind} title` },
    });
    expect(view.step).toBe(2);
  });

  it('asks the asks of an outcome node before ending', () => {
    const pb = playbook('outcome-ask', [outcome('end', 'bug', 'Broken', { asks: [ask('steps')] })]);
    const lib = createLibrary([pb]);
    const state = startFlow(lib, 'outcome-ask');
    expect(viewFlow(lib, state).pending.kind).toBe('ask');
    const done = viewFlow(lib, applyInput(lib, state, { kind: 'ask', node: 'end', key: 'steps', value: 'click' }));
    expect(done.done).toBe(true);
    expect(done.path).toEqual([{ playbook: 'outcome-ask', node: 'end', title: 'Broken', said: '', answer: 'steps: click', outcome: { kind: 'bug', title: 'Broken' } }]);
  });

  it('accepts no input after the outcome', () => {
    const lib = library();
    const state = apply(
      lib,
      atFirstNode(lib),
      { kind: 'choice', node: 'which-format', label: 'CSV' },
      { kind: 'ask', node: 'how-many-rows', key: 'rows', value: '5' },
      { kind: 'choice', node: 'how-many-rows', label: 'Under 100,000' },
    );
    expect(viewFlow(lib, state).done).toBe(true);
    const error = thrown(() => applyInput(lib, state, { kind: 'choice', node: 'resolved-filter', label: 'x' }));
    expect(error.code).toBe('answer/invalid');
    expect(error.message).toContain('ended');
  });
});

describe('cross-playbook links', () => {
  it('enters the linked playbook at its start, probing and asking only what is not known yet', () => {
    const lib = library();
    let state = applyInput(lib, atFirstNode(lib), { kind: 'choice', node: 'which-format', label: 'Billing problem' });
    let view = viewFlow(lib, state);
    expect(view.playbook.id).toBe('refund-request');
    expect(view.node).toBeUndefined();
    expect(view.step).toBe(2);
    expect(view.pending.kind).toBe('probes');
    if (view.pending.kind === 'probes') expect(view.pending.fields.map((f) => f.key)).toEqual(['arch']);
    state = applyInput(lib, state, { kind: 'probes', playbook: 'refund-request', values: { arch: 'arm64' } });
    view = viewFlow(lib, state);
    expect(view.pending.kind === 'env' && view.pending.field.key).toBe('plan_id');
    state = applyInput(lib, state, { kind: 'env', key: 'plan_id', value: 'P-9' });
    view = viewFlow(lib, state);
    expect(view.node?.id).toBe('intro');
    expect(view.pending.kind).toBe('choice');
    expect(view.env.browser).toBe('Firefox 120');
    expect(view.path.map((s) => `${s.playbook}#${s.node}`)).toEqual(['export-fails#which-format', 'refund-request#intro']);
    expect(view.path[0]?.answer).toBe('Billing problem');
    expect(state.playbook).toBe('export-fails');
  });

  it('enters at the fragment node', () => {
    const lib = library();
    const state = apply(
      lib,
      atFirstNode(lib),
      { kind: 'choice', node: 'which-format', label: 'Partial refund' },
      { kind: 'probes', playbook: 'refund-request', values: { arch: 'x64' } },
      { kind: 'env', key: 'plan_id', value: 'P1' },
    );
    const view = viewFlow(lib, state);
    expect(view.node?.id).toBe('partial');
    expect(view.pending.kind === 'ask' && view.pending.ask.key).toBe('amount');
  });

  it('goes straight to the node when the linked playbook needs nothing new', () => {
    const target = playbook('target', [node('t', { choices: [choice('ok', '#done')] }), outcome('done', 'resolved', 'Done')], {
      path: '/kb/target.md',
      env: [envDetect('os', 'os'), envAsk('browser', 'Browser?')],
    });
    const lib = library(target);
    const from = playbook('from', [node('f', { choices: [choice('go', 'target.md')] })], {
      path: '/kb/from.md',
      env: [envDetect('os', 'os'), envAsk('browser', 'Browser?')],
    });
    const lib2 = createLibrary([...lib.all(), from]);
    const state = apply(
      lib2,
      startFlow(lib2, 'from'),
      { kind: 'probes', playbook: 'from', values: { os: 'linux' } },
      { kind: 'env', key: 'browser', value: 'Edge' },
      { kind: 'choice', node: 'f', label: 'go' },
    );
    const view = viewFlow(lib2, state);
    expect(view.playbook.id).toBe('target');
    expect(view.node?.id).toBe('t');
    expect(view.pending.kind).toBe('choice');
  });

  it('rejects probes for the wrong playbook', () => {
    const lib = library();
    const state = applyInput(lib, atFirstNode(lib), { kind: 'choice', node: 'which-format', label: 'Billing problem' });
    expect(thrown(() => applyInput(lib, state, { kind: 'probes', playbook: 'export-fails', values: {} })).code).toBe('answer/invalid');
  });

  it('throws when a saved run crosses into a playbook that is no longer loaded', () => {
    const lib = library();
    const state = applyInput(lib, atFirstNode(lib), { kind: 'choice', node: 'which-format', label: 'Billing problem' });
    const without = createLibrary([exportFails()]);
    expect(thrown(() => viewFlow(without, state)).code).toBe('flow/broken-link');
  });
});

describe('back', () => {
  function csvRun(lib: PlaybookLibrary): FlowState {
    return apply(
      lib,
      atFirstNode(lib),
      { kind: 'choice', node: 'which-format', label: 'CSV' },
      { kind: 'ask', node: 'how-many-rows', key: 'rows', value: '500' },
    );
  }

  it('drops the last user input', () => {
    const lib = library();
    const state = csvRun(lib);
    const previous = back(lib, state);
    expect(previous.inputs).toEqual(state.inputs.slice(0, -1));
    const view = viewFlow(lib, previous);
    expect(view.pending.kind === 'ask' && view.pending.ask.key).toBe('rows');
    expect(view.answers).toEqual({});
  });

  it('goes back several steps, forgetting later answers', () => {
    const lib = library();
    const state = csvRun(lib);
    const view = viewFlow(lib, back(lib, state, 2));
    expect(view.node?.id).toBe('which-format');
    expect(view.path).toHaveLength(1);
    expect(view.path[0]?.answer).toBe('');
    expect(back(lib, state, 2)).toEqual(back(lib, back(lib, state)));
  });

  it('goes back across a check: drops the result and the answer before it', () => {
    const lib = library();
    const state = apply(
      lib,
      atFirstNode(lib),
      { kind: 'choice', node: 'which-format', label: 'PDF' },
      { kind: 'ask', node: 'check-pdf-service', key: 'account', value: 'acme' },
      { kind: 'ask', node: 'check-pdf-service', key: 'features', value: 'Export' },
      { kind: 'check', node: 'check-pdf-service', result: checkResult({ stdout: 'v1' }) },
    );
    const previous = back(lib, state);
    expect(previous.inputs).toHaveLength(state.inputs.length - 2);
    const view = viewFlow(lib, previous);
    expect(view.pending.kind === 'ask' && view.pending.ask.key).toBe('features');
    expect(view.answers).toEqual({ account: 'acme' });
    expect(view.node?.id).toBe('check-pdf-service');
  });

  it('goes back across a cross-playbook link', () => {
    const lib = library();
    const entered = apply(
      lib,
      atFirstNode(lib),
      { kind: 'choice', node: 'which-format', label: 'Billing problem' },
      { kind: 'probes', playbook: 'refund-request', values: { arch: 'x64' } },
      { kind: 'env', key: 'plan_id', value: 'P1' },
    );
    const oneBack = viewFlow(lib, back(lib, entered));
    expect(oneBack.playbook.id).toBe('refund-request');
    expect(oneBack.pending.kind === 'env' && oneBack.pending.field.key).toBe('plan_id');
    const twoBack = viewFlow(lib, back(lib, entered, 2));
    expect(twoBack.playbook.id).toBe('export-fails');
    expect(twoBack.node?.id).toBe('which-format');
    expect(twoBack.env.arch).toBeUndefined();
    expect(twoBack.env.plan_id).toBeUndefined();
  });

  it('is a no-op at the start, and past the start keeps the automatic inputs', () => {
    const lib = library();
    const start = startFlow(lib, 'export-fails');
    expect(back(lib, start)).toBe(start);
    const probed = applyInput(lib, start, PROBES);
    expect(back(lib, probed)).toBe(probed);
    expect(viewFlow(lib, probed).canGoBack).toBe(false);
    const answered = applyInput(lib, probed, ENV[0] as FlowInput);
    expect(viewFlow(lib, answered).canGoBack).toBe(true);
    expect(back(lib, answered, 10).inputs).toEqual([PROBES]);
  });

  it('treats env, ask and choice as user inputs and probes and check as automatic', () => {
    expect(isUserInput({ kind: 'env', key: 'a', value: '' })).toBe(true);
    expect(isUserInput({ kind: 'ask', node: 'n', key: 'a', value: '' })).toBe(true);
    expect(isUserInput({ kind: 'choice', node: 'n', label: 'a' })).toBe(true);
    expect(isUserInput(PROBES)).toBe(false);
    expect(isUserInput({ kind: 'check', node: 'n', result: checkResult() })).toBe(false);
  });
});

describe('applyPrefilled', () => {
  it('applies env keys, ask keys and choices (label in any case) until a need it lacks', () => {
    const lib = library();
    const probed = applyInput(lib, startFlow(lib, 'export-fails'), PROBES);
    const state = applyPrefilled(lib, probed, { browser: 'Firefox', app_version: '4.2', notes: '', 'which-format': 'csv' });
    const view = viewFlow(lib, state);
    expect(view.pending.kind === 'ask' && view.pending.ask.key).toBe('rows');
    expect(view.path[0]?.answer).toBe('CSV');
  });

  it('matches a choice by its 1-based number or its target node id', () => {
    const lib = library();
    const base = atFirstNode(lib);
    const byNumber = viewFlow(lib, applyPrefilled(lib, base, { 'which-format': '2', account: 'a', features: ['Export'] }));
    expect(byNumber.pending.kind).toBe('check');
    const byNumberValue = viewFlow(lib, applyPrefilled(lib, base, { 'which-format': 1 }));
    expect(byNumberValue.node?.id).toBe('how-many-rows');
    const byTarget = viewFlow(lib, applyPrefilled(lib, base, { 'which-format': 'how-many-rows', rows: 200000, 'how-many-rows': 'workaround-parts' }));
    expect(byTarget.done).toBe(true);
    expect(byTarget.node?.id).toBe('workaround-parts');
  });

  it('stops at probes and at checks', () => {
    const lib = library();
    const start = startFlow(lib, 'export-fails');
    expect(applyPrefilled(lib, start, { browser: 'x' })).toBe(start);
    const atCheck = applyPrefilled(lib, atFirstNode(lib), { 'which-format': 'PDF', account: 'a', features: 'Export' });
    expect(viewFlow(lib, atCheck).pending.kind).toBe('check');
    expect(atCheck.inputs).toHaveLength(atFirstNode(lib).inputs.length + 3);
  });

  it('continues after a cross-playbook link once the probes are in', () => {
    const lib = library();
    const prefill = { 'which-format': 'Billing problem', plan_id: 'P1', intro: 'Full' };
    const atProbes = applyPrefilled(lib, atFirstNode(lib), prefill);
    expect(viewFlow(lib, atProbes).pending.kind).toBe('probes');
    const probed = applyInput(lib, atProbes, { kind: 'probes', playbook: 'refund-request', values: { arch: 'x64' } });
    const done = viewFlow(lib, applyPrefilled(lib, probed, prefill));
    expect(done.done).toBe(true);
    expect(done.node?.id).toBe('resolved-refunded');
  });

  it('throws answer/invalid for a prefilled value that does not fit', () => {
    const lib = library();
    const probed = applyInput(lib, startFlow(lib, 'export-fails'), PROBES);
    const badEnv = thrown(() => applyPrefilled(lib, probed, { browser: 'x', app_version: 'latest' }));
    expect(badEnv.code).toBe('answer/invalid');
    expect(badEnv.message).toContain('app_version');
    const badChoice = thrown(() => applyPrefilled(lib, atFirstNode(lib), { 'which-format': 'XLSX' }));
    expect(badChoice.code).toBe('answer/invalid');
    expect(badChoice.message).toContain('Allowed: CSV, PDF');
    const badNumber = thrown(() => applyPrefilled(lib, atFirstNode(lib), { 'which-format': '9' }));
    expect(badNumber.code).toBe('answer/invalid');
    const badAsk = thrown(() => applyPrefilled(lib, atFirstNode(lib), { 'which-format': 'CSV', rows: 'lots' }));
    expect(badAsk.message).toContain('"rows"');
  });

  it('fills optional needs with empty values only when asked to', () => {
    const lib = library();
    const probed = applyInput(lib, startFlow(lib, 'export-fails'), PROBES);
    const prefill = { browser: 'x', app_version: '1.0' };
    expect(viewFlow(lib, applyPrefilled(lib, probed, prefill)).pending).toMatchObject({ kind: 'env', field: { key: 'notes' } });
    const filled = viewFlow(lib, applyPrefilled(lib, probed, prefill, { fillOptional: true }));
    expect(filled.pending.kind).toBe('choice');
    expect(filled.env.notes).toBe('');
  });

  it('stops a loop of prefilled choices', () => {
    const loop = playbook('loop', [
      node('a', { choices: [choice('again', '#b'), choice('stop', '#done')] }),
      node('b', { choices: [choice('again', '#a')] }),
      outcome('done', 'resolved', 'Done'),
    ]);
    const lib = createLibrary([loop]);
    const error = thrown(() => applyPrefilled(lib, startFlow(lib, 'loop'), { a: 'again', b: 'again' }));
    expect(error.code).toBe('flow/runaway');
    expect(error.message).toContain(`${MAX_PREFILLED_VISITS + 1} times`);
  });
});

describe('missingInputs', () => {
  it('lists every env field and ask in a row, then the choice with its labels, and stops there', () => {
    const lib = library();
    const missing = missingInputs(lib, startFlow(lib, 'export-fails'), { app_version: '4.2' });
    expect(missing).toEqual([
      { key: 'browser', kind: 'env', prompt: 'Which browser?', required: true, playbook: 'export-fails' },
      { key: 'notes', kind: 'env', prompt: 'Anything else?', required: false, playbook: 'export-fails' },
      {
        key: 'which-format',
        kind: 'choice',
        prompt: 'Which format fails?',
        allowed: ['CSV', 'PDF', 'Billing problem', 'Partial refund', 'Broken'],
        required: true,
        playbook: 'export-fails',
      },
    ]);
  });

  it('walks past given choices and reports asks with their allowed values', () => {
    const lib = library();
    const missing = missingInputs(lib, atFirstNode(lib), { 'which-format': 'PDF' });
    expect(missing).toEqual([
      { key: 'account', kind: 'ask', prompt: 'Account id?', required: true, playbook: 'export-fails' },
      { key: 'features', kind: 'ask', prompt: 'What is features?', allowed: ['Export', 'Import'], required: true, playbook: 'export-fails' },
    ]);
  });

  it('walks past the probes of a linked playbook', () => {
    const lib = library();
    const missing = missingInputs(lib, atFirstNode(lib), { 'which-format': 'Partial refund', rows: 3 });
    expect(missing.map((m) => m.key)).toEqual(['plan_id', 'amount', 'partial']);
  });

  it('is empty when the prefill reaches an outcome or a check', () => {
    const lib = library();
    expect(missingInputs(lib, atFirstNode(lib), { 'which-format': 'CSV', rows: 1, 'how-many-rows': 1 })).toEqual([]);
    expect(missingInputs(lib, atFirstNode(lib), { 'which-format': 'PDF', account: 'a', features: 'Import' })).toEqual([]);
  });

  it('leaves out optional needs with fillOptional', () => {
    const lib = library();
    const missing = missingInputs(lib, startFlow(lib, 'export-fails'), {}, { fillOptional: true });
    expect(missing.map((m) => m.key)).toEqual(['browser', 'app_version', 'which-format']);
  });

  it('throws for an invalid prefilled value', () => {
    const lib = library();
    expect(thrown(() => missingInputs(lib, atFirstNode(lib), { 'which-format': 'nope' })).code).toBe('answer/invalid');
  });

  it('does not change the state', () => {
    const lib = library();
    const state = atFirstNode(lib);
    const before = structuredClone(state);
    missingInputs(lib, state, { 'which-format': 'CSV' });
    expect(state).toEqual(before);
  });
});

describe('runaway loop guard', () => {
  const loop = playbook('check-loop', [
    node('ping', { check: check({ run: ['ping'], pass: '#pong', fail: '#pong' }) }),
    node('pong', { check: check({ run: ['pong'], pass: '#ping', fail: '#ping' }) }),
  ]);

  it(`stops after ${MAX_AUTOMATIC_STEPS} checks in a row without user input`, () => {
    const lib = createLibrary([loop]);
    let state = startFlow(lib, 'check-loop');
    let error: TriageError | undefined;
    let checks = 0;
    for (let i = 0; i < MAX_AUTOMATIC_STEPS * 2 && error === undefined; i++) {
      try {
        const view = viewFlow(lib, state);
        if (view.pending.kind !== 'check') throw new Error('expected a check');
        state = applyInput(lib, state, { kind: 'check', node: view.pending.node.id, result: checkResult() });
        checks++;
      } catch (caught) {
        if (!(caught instanceof TriageError)) throw caught;
        error = caught;
      }
    }
    expect(checks).toBe(MAX_AUTOMATIC_STEPS);
    expect(error?.code).toBe('flow/runaway');
    expect(error?.message).toContain('check-loop');
    expect(error?.message).toContain(String(MAX_AUTOMATIC_STEPS));
  });

  it('counts from the last user input', () => {
    const retry = playbook('retry', [
      node('try', { check: check({ run: ['x'], pass: '#done', fail: '#again' }) }),
      node('again', { choices: [choice('Retry', '#try')] }),
      outcome('done', 'resolved', 'Done'),
    ]);
    const lib = createLibrary([retry]);
    let state = startFlow(lib, 'retry');
    for (let i = 0; i < MAX_AUTOMATIC_STEPS + 5; i++) {
      state = apply(lib, state, { kind: 'check', node: 'try', result: checkResult({ exitCode: 1 }) }, { kind: 'choice', node: 'again', label: 'Retry' });
    }
    expect(viewFlow(lib, state).pending.kind).toBe('check');
  });
});

describe('determinism and immutability', () => {
  const inputs: FlowInput[] = [
    PROBES,
    ...ENV,
    { kind: 'choice', node: 'which-format', label: 'PDF' },
    { kind: 'ask', node: 'check-pdf-service', key: 'account', value: 'acme' },
    { kind: 'ask', node: 'check-pdf-service', key: 'features', value: ['Import'] },
    { kind: 'check', node: 'check-pdf-service', result: checkResult({ exitCode: 2, stdout: 'down' }) },
  ];

  it('gives the same view for the same inputs, also after a JSON round trip (a saved session)', () => {
    const lib = library();
    const first = apply(lib, startFlow(lib, 'export-fails'), ...inputs);
    const second = apply(library(), startFlow(library(), 'export-fails'), ...inputs);
    expect(second).toEqual(first);
    expect(viewFlow(library(), second)).toEqual(viewFlow(lib, first));
    const restored = JSON.parse(JSON.stringify(first)) as FlowState;
    expect(viewFlow(lib, restored)).toEqual(viewFlow(lib, first));
    expect(viewFlow(lib, first).path.map((s) => s.node)).toEqual(['which-format', 'check-pdf-service', 'escalate-pdf']);
  });

  it('never changes the state it is given', () => {
    const lib = library();
    const state = apply(lib, startFlow(lib, 'export-fails'), ...inputs.slice(0, 6));
    const snapshot = structuredClone(state);
    const next = applyInput(lib, state, { kind: 'ask', node: 'check-pdf-service', key: 'features', value: 'Export' });
    expect(state).toEqual(snapshot);
    expect(next).not.toBe(state);
    expect(next.inputs).toHaveLength(state.inputs.length + 1);
    expect(Object.isFrozen(next)).toBe(true);
    expect(Object.isFrozen(next.inputs)).toBe(true);
    back(lib, next);
    applyPrefilled(lib, state, { features: 'Import' });
    viewFlow(lib, state);
    expect(state).toEqual(snapshot);
  });

  it('copies the inputs it stores instead of keeping the caller objects', () => {
    const lib = library();
    const state = apply(
      lib,
      atFirstNode(lib),
      { kind: 'choice', node: 'which-format', label: 'PDF' },
      { kind: 'ask', node: 'check-pdf-service', key: 'account', value: 'acme' },
      { kind: 'ask', node: 'check-pdf-service', key: 'features', value: 'Export' },
    );
    const result = checkResult({ stdout: 'v1' });
    const input: FlowInput = { kind: 'check', node: 'check-pdf-service', result };
    const next = applyInput(lib, state, input);
    (result as { stdout: string }).stdout = 'changed later';
    expect(viewFlow(lib, next).answers.service_version).toBe('v1');
  });
});

describe('replaying a saved run', () => {
  it('reports an input that no longer fits the playbook', () => {
    const lib = library();
    const state: FlowState = { playbook: 'export-fails', inputs: [PROBES, ...ENV, { kind: 'choice', node: 'which-format', label: 'XLSX' }] };
    const error = thrown(() => viewFlow(lib, state));
    expect(error.code).toBe('flow/replay');
    expect(error.message).toContain('Saved input 5 of 5');
    expect(error.message).toContain('XLSX');
  });

  it('keeps stored (for example redacted) values without validating them again', () => {
    const pb = playbook('secret', [
      node('s', { asks: [ask('token', { secret: true, pattern: '^tok_' })], choices: [choice('ok', '#done')] }),
      outcome('done', 'resolved', 'Done'),
    ]);
    const lib = createLibrary([pb]);
    const state: FlowState = { playbook: 'secret', inputs: [{ kind: 'ask', node: 's', key: 'token', value: '[REDACTED]' }] };
    const view = viewFlow(lib, state);
    expect(view.pending.kind).toBe('choice');
    expect(view.secretKeys).toEqual(['token']);
  });

  it('rejects a state whose playbook is not loaded', () => {
    expect(thrown(() => viewFlow(library(), { playbook: 'gone', inputs: [] })).code).toBe('playbook/unknown');
  });
});

describe('substituteArgv', () => {
  const values = { answers: { list: ['a', 'b'], yes: true, n: 4, text: 'two words', option: '--output=/tmp/x', flags: ['-rf', 'x'] }, env: { os: 'linux', dash: '-v' } };
  const guard = (allowOptions: string[] = [], file = '/kb/p.md') => commandGuard({ line: 7, allowOptions }, file);

  it('replaces whole-element placeholders, with or without spaces, each as one element', () => {
    expect(substituteArgv(['cmd', '{{answers.text}}', '{{ env.os }}', ' {{answers.n}} ', '{{answers.list}}', '{{answers.yes}}'], values)).toEqual([
      'cmd',
      'two words',
      'linux',
      '4',
      'a, b',
      'true',
    ]);
  });

  it('gives an empty element for a missing value and leaves other text alone', () => {
    expect(substituteArgv(['{{answers.none}}', '{{env.none}}', 'x{{answers.text}}', '{{answers.text}} y', '{{other.text}}', '$(rm -rf /)'], values)).toEqual([
      '',
      '',
      'x{{answers.text}}',
      '{{answers.text}} y',
      '{{other.text}}',
      '$(rm -rf /)',
    ]);
  });

  it('does not read inherited properties', () => {
    expect(substituteArgv(['{{answers.constructor}}', '{{env.toString}}'], values)).toEqual(['', '']);
  });

  it('refuses a value starting with "-" (exit 2, naming the key and the file) unless `--` precedes it or the key is allowed', () => {
    for (const element of ['{{answers.option}}', '{{answers.flags}}', '{{env.dash}}']) {
      const error = thrown(() => substituteArgv(['rm', element], values, guard()));
      expect(error.code).toBe('check/option-value');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(`"${element.slice(element.indexOf('.') + 1, -2)}"`);
      expect(error.file).toBe('/kb/p.md');
      expect(error.line).toBe(7);
    }
    expect(substituteArgv(['grep', '-e', '--', '{{answers.option}}'], values, guard())).toEqual(['grep', '-e', '--', '--output=/tmp/x']);
    expect(substituteArgv(['cmd', '{{answers.option}}', '{{env.dash}}'], values, guard(['option', 'env.dash']))).toEqual(['cmd', '--output=/tmp/x', '-v']);
    // Without a guard (probe targets), values are substituted as they are.
    expect(substituteArgv(['{{answers.option}}'], values)).toEqual(['--output=/tmp/x']);
    // `--` after the placeholder does not protect it; allowing the answer key does not allow an env key.
    expect(thrown(() => substituteArgv(['cmd', '{{answers.option}}', '--'], values, guard())).code).toBe('check/option-value');
    expect(thrown(() => substituteArgv(['cmd', '{{env.dash}}'], values, guard(['answers.dash']))).code).toBe('check/option-value');
  });
});

describe('returning to a playbook already entered', () => {
  it('does not probe or ask again, and records both visits', () => {
    const a = playbook('a', [node('a1', { choices: [choice('to b', 'b.md')] }), outcome('a-done', 'resolved', 'A done')], {
      path: '/kb/a.md',
      env: [envDetect('os', 'os'), envAsk('browser', 'Browser?')],
    });
    const b = playbook('b', [node('b1', { choices: [choice('back to a', 'a.md#a-done')] })], { path: '/kb/b.md', env: [envDetect('os', 'os')] });
    const lib = createLibrary([a, b]);
    const state = apply(
      lib,
      startFlow(lib, 'a'),
      { kind: 'probes', playbook: 'a', values: { os: 'linux' } },
      { kind: 'env', key: 'browser', value: 'Edge' },
      { kind: 'choice', node: 'a1', label: 'to b' },
      { kind: 'choice', node: 'b1', label: 'back to a' },
    );
    const view = viewFlow(lib, state);
    expect(view.done).toBe(true);
    expect(view.path.map((s) => `${s.playbook}#${s.node}`)).toEqual(['a#a1', 'b#b1', 'a#a-done']);
    expect(view.step).toBe(3);
  });
});

describe('playbooks parsed from Markdown', () => {
  const exportMd = [
    '---',
    'id: md-export',
    'title: Export fails',
    'version: 1.2.0',
    'env:',
    '  - key: os',
    '    detect: os',
    '  - key: app_version',
    "    ask: App version?",
    "    pattern: '^\\d+\\.\\d+$'",
    '---',
    '',
    '# Export fails',
    '',
    '## Which format fails?',
    '',
    '> CSV or PDF?',
    '',
    '- [CSV](#how-many-rows)',
    '- [PDF](#is-the-pdf-service-up)',
    '- [Billing](billing/md-refund.md#partial-refund)',
    '',
    '## How many rows?',
    '',
    '```ask',
    'key: rows',
    'prompt: How many rows?',
    'type: number',
    '```',
    '',
    '- [Under 100,000](#resolved-filter-was-hiding-rows)',
    '- [100,000 or more](#workaround-export-in-parts)',
    '',
    '## Is the PDF service up?',
    '',
    '```check',
    'run: [pdfctl, status, "{{env.app_version}}", "v={{env.app_version}}"]',
    'capture: service',
    'pass: "#bug-pdf-export-times-out"',
    'fail: "#escalate-pdf-service-down"',
    '```',
    '',
    '## Resolved: Filter was hiding rows',
    '',
    '## Workaround: Export in parts',
    '',
    '## Bug: PDF export times out',
    '',
    '## Escalate: PDF service down',
    '',
  ].join('\n');

  const refundMd = [
    '---',
    'id: md-refund',
    'title: Refund',
    'version: 1.0.0',
    '---',
    '',
    '## Start',
    '',
    '- [Partial](#partial-refund)',
    '',
    '## Partial refund',
    '',
    '> How much should we refund?',
    '',
    '```ask',
    'key: amount',
    'prompt: Amount?',
    'type: number',
    '```',
    '',
    '- [Done](#resolved-refunded)',
    '',
    '## Resolved: Refunded',
    '',
  ].join('\n');

  function parsed(source: string, path: string): Playbook {
    const result = parsePlaybook(source, { path, dir: '/md' });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
    if (!result.playbook) throw new Error(`${path} did not parse`);
    return result.playbook;
  }

  const lib = createLibrary([parsed(exportMd, '/md/md-export.md'), parsed(refundMd, '/md/billing/md-refund.md')]);
  const start = (): FlowState =>
    apply(lib, startFlow(lib, 'md-export'), { kind: 'probes', playbook: 'md-export', values: { os: 'linux' } }, { kind: 'env', key: 'app_version', value: '4.2' });

  it('runs a parsed playbook from prefilled answers to its outcome', () => {
    const view = viewFlow(lib, applyPrefilled(lib, start(), { 'which-format-fails': 'csv', rows: '250,000', 'how-many-rows': '2' }));
    expect(view.done).toBe(true);
    expect(view.pending).toMatchObject({ kind: 'outcome', outcome: { kind: 'workaround', title: 'Export in parts' } });
    expect(view.path.map((s) => [s.node, s.answer])).toEqual([
      ['which-format-fails', 'CSV'],
      ['how-many-rows', 'rows: 250000; 100,000 or more'],
      ['workaround-export-in-parts', ''],
    ]);
    expect(view.path[0]?.said).toBe('CSV or PDF?');
  });

  it('substitutes placeholders in a parsed check and follows its fail target', () => {
    const atCheck = applyPrefilled(lib, start(), { 'which-format-fails': 'PDF' });
    const view = viewFlow(lib, atCheck);
    expect(view.pending.kind === 'check' && view.pending.argv).toEqual(['pdfctl', 'status', '4.2', 'v={{env.app_version}}']);
    const failed = viewFlow(lib, applyInput(lib, atCheck, { kind: 'check', node: 'is-the-pdf-service-up', result: checkResult({ exitCode: 1, stdout: 'down\n' }) }));
    expect(failed.node?.id).toBe('escalate-pdf-service-down');
    expect(failed.answers.service).toBe('down');
  });

  it('follows a relative link into another parsed playbook, and back', () => {
    const state = applyPrefilled(lib, start(), { 'which-format-fails': 'Billing', amount: 30, 'partial-refund': 'Done' });
    const view = viewFlow(lib, state);
    expect(view.done).toBe(true);
    expect(view.path.map((s) => `${s.playbook}#${s.node}`)).toEqual(['md-export#which-format-fails', 'md-refund#partial-refund', 'md-refund#resolved-refunded']);
    const rewound = viewFlow(lib, back(lib, state, 3));
    expect(rewound.playbook.id).toBe('md-export');
    expect(rewound.node?.id).toBe('which-format-fails');
    expect(missingInputs(lib, back(lib, state, 3), {})).toEqual([
      expect.objectContaining({ key: 'which-format-fails', kind: 'choice', allowed: ['CSV', 'PDF', 'Billing'] }),
    ]);
  });
});
