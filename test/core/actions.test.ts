/**
 * The `action` block end to end in the pure core: parsing, lint rules, the flow engine (apply,
 * prefill, back, replay), template context, path and report.
 */
import { describe, expect, it } from 'vitest';
import { parseActionStatus } from '../../src/core/answer-values.js';
import { TriageError } from '../../src/core/errors.js';
import { applyInput, applyPrefilled, back, missingInputs, startFlow, viewFlow } from '../../src/core/flow-engine.js';
import type { FlowState } from '../../src/core/flow-types.js';
import { createLibrary } from '../../src/core/library.js';
import type { Diagnostic, Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import { buildReplayCommand, buildReport } from '../../src/core/report.js';
import { renderTemplate } from '../../src/core/templates.js';
import { validateLibrary, validatePlaybook } from '../../src/core/validate.js';
import { caseTemplateContext } from '../../src/core/report.js';
import { renderReportMarkdown } from '../../src/render/report-markdown.js';
import { renderReportText } from '../../src/render/report-text.js';
import { renderReportJson } from '../../src/render/report-json.js';
import { renderReportJira } from '../../src/render/report-jira.js';
import { parseAnswersText } from '../../src/app/answers-file.js';

function pb(body: string, id = 'charge'): string {
  return `---\nid: ${id}\ntitle: Charged twice\nversion: 1.0.0\n---\n${body}`;
}

function parse(source: string): { playbook?: Playbook; diagnostics: readonly Diagnostic[] } {
  return parsePlaybook(source, { path: '/pb/charge.md', dir: '/pb' });
}

function parsed(source: string): Playbook {
  const result = parse(source);
  expect(result.diagnostics, JSON.stringify(result.diagnostics, null, 1)).toEqual([]);
  return result.playbook as Playbook;
}

function lint(source: string): string[] {
  const result = parse(source);
  const playbook = result.playbook as Playbook;
  return [...result.diagnostics, ...validatePlaybook(playbook, { regexSafety: false }), ...validateLibrary([playbook])].map(
    (d) => `${d.line} ${d.severity} ${d.rule}`,
  );
}

const STEERING = pb(`
## Both settled?

- [Yes](#refund)
- [One pending](#works-as-designed-pending)

## Refund

\`\`\`action
key: refund_duplicate
do: Refund the duplicate payment in Billing → Payments.
reference: Refund id
done: '#resolved-refunded'
failed: '#escalate-blocked'
\`\`\`

## Resolved: Refunded

\`\`\`reply
I've refunded the duplicate payment (refund {{ actions.refund_duplicate.reference }}).
\`\`\`

## Escalate: Blocked

\`\`\`reply
Our billing team will refund it.
\`\`\`

## Works as designed: Pending

\`\`\`action
key: send_article
do: Send the article on pending charges.
\`\`\`

\`\`\`reply
{% if actions.send_article.done %}I've sent you the article.{% endif %}
\`\`\`
`);

const RECORDED = pb(`
## Offer a credit

\`\`\`ask
key: amount
prompt: Credit amount?
\`\`\`

\`\`\`action
key: apply_credit
do: Apply the credit in Billing → Credits.
reference: Credit note number
\`\`\`

- [Customer accepted](#resolved-credit)
- [Customer declined](#resolved-no-credit)

## Resolved: Credit

\`\`\`reply
{% if actions.apply_credit.done %}I've applied a credit of {{ answers.amount }}.{% endif %}
\`\`\`

## Resolved: No credit

Nothing else.
`);

describe('action block: parser', () => {
  it('reads key, do, reference and targets (leading # removed) in file order', () => {
    const playbook = parsed(STEERING);
    const refund = playbook.nodes.find((n) => n.id === 'refund');
    expect(refund?.actions).toEqual([
      {
        key: 'refund_duplicate',
        do: 'Refund the duplicate payment in Billing → Payments.',
        reference: 'Refund id',
        targets: { done: 'resolved-refunded', failed: 'escalate-blocked' },
        line: 14,
      },
    ]);
    // An action on an outcome node, without targets, is only recorded.
    expect(playbook.nodes.find((n) => n.id === 'works-as-designed-pending')?.actions?.[0]?.targets).toEqual({});
    // Nodes without actions carry no `actions` key at all.
    expect(playbook.nodes[0]).not.toHaveProperty('actions');
  });

  it('reports a missing key or do, an invalid key, an unknown key and a lone target at the block', () => {
    const result = parse(
      pb(`
## Start

\`\`\`action
do: Something
\`\`\`

\`\`\`action
key: Refund-It
do: Refund
colour: red
\`\`\`

\`\`\`action
key: refund
\`\`\`

\`\`\`action
key: steer
do: Steer
done: '#resolved-x'
\`\`\`

- [x](#resolved-x)

## Resolved: X
`),
    );
    const rules = result.diagnostics.map((d) => `${d.line} ${d.rule}`);
    expect(rules).toEqual([
      '9 action/invalid',
      '14 action/invalid',
      '16 block/unknown-key',
      '19 action/invalid',
      '23 action/missing-target',
    ]);
    expect(result.diagnostics.find((d) => d.line === 23)?.message).toMatch(/needs both `done: '#node'` and `failed: '#node'`/);
    expect(result.diagnostics.find((d) => d.line === 9)?.message).toMatch(/no `key`/);
    expect(result.diagnostics.find((d) => d.line === 19)?.message).toMatch(/no `do`/);
  });

  it('says why a target is empty when YAML read an unquoted # as a comment', () => {
    const result = parse(pb("\n## Start\n\n```action\nkey: a\ndo: A\ndone: #resolved-x\nfailed: '#resolved-x'\n```\n\n## Resolved: X\n"));
    const problem = result.diagnostics.find((d) => d.rule === 'action/missing-target');
    expect(problem?.message).toMatch(/Quote it: `done: '#node-id'`/);
    expect(problem?.line).toBe(12);
  });

  it('rejects targets on an outcome (the run ends there)', () => {
    const result = parse(pb("\n## Resolved: X\n\n```action\nkey: a\ndo: A\ndone: '#resolved-x'\nfailed: '#resolved-x'\n```\n"));
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['outcome/has-action-targets']);
  });
});

describe('action block: lint rules', () => {
  it('passes a well-formed playbook', () => {
    expect(lint(STEERING)).toEqual([]);
    expect(lint(RECORDED)).toEqual([]);
  });

  it('flags a target that names no node, with the action line', () => {
    expect(lint(STEERING.replace("failed: '#escalate-blocked'", "failed: '#escalate-blokced'"))).toEqual(
      expect.arrayContaining(['14 error link/missing-node']),
    );
  });

  it('flags a duplicate key in one node, and a key shared with an ask, env field or choice node', () => {
    const twice = RECORDED.replace('```action\nkey: apply_credit', '```action\nkey: apply_credit\ndo: Again\n```\n\n```action\nkey: apply_credit');
    expect(lint(twice)).toContain('19 error action/duplicate-key');
    expect(lint(RECORDED.replace('key: apply_credit', 'key: amount'))).toContain('14 error action/key-collision');
  });

  it('flags an action with targets beside a choice list, a check, or before another action', () => {
    const withChoices = STEERING.replace("failed: '#escalate-blocked'\n```", "failed: '#escalate-blocked'\n```\n\n- [Skip](#escalate-blocked)");
    expect(lint(withChoices)).toContain('22 error action/with-choices');
    const withCheck = STEERING.replace("failed: '#escalate-blocked'\n```", "failed: '#escalate-blocked'\n```\n\n```check\nrun: [true]\npass: '#escalate-blocked'\nfail: '#escalate-blocked'\n```");
    expect(lint(withCheck)).toContain('14 error action/with-check');
    const notLast = STEERING.replace("failed: '#escalate-blocked'\n```", "failed: '#escalate-blocked'\n```\n\n```action\nkey: note\ndo: Note it\n```");
    expect(lint(notLast)).toContain('14 error action/targets-not-last');
  });

  it('flags a template in the do or reference text, which the agent and the report see as written', () => {
    expect(lint(STEERING.replace('do: Refund the duplicate payment in Billing → Payments.', 'do: Refund {{ answers.amount }} in Billing → Payments.'))).toContain('14 error action/template-in-text');
    expect(lint(RECORDED.replace('reference: Credit note number', 'reference: "Credit note for {{ answers.amount }}"'))).toContain('14 error action/template-in-text');
    expect(lint(STEERING).filter((l) => l.includes('template-in-text'))).toEqual([]);
  });

  it('counts an action with targets as a way on (no dead end), and a node with only an untargeted action as a dead end', () => {
    expect(lint(STEERING).filter((l) => l.includes('dead-end'))).toEqual([]);
    const dead = RECORDED.replace('- [Customer accepted](#resolved-credit)\n- [Customer declined](#resolved-no-credit)', '');
    expect(lint(dead)).toContain('7 error node/dead-end');
  });

  it('checks actions.<key> in templates: defined before the node, and a known property', () => {
    expect(lint(STEERING.replace('actions.send_article.done', 'actions.send_artcle.done'))).toContain('42 error template/undefined-variable');
    expect(lint(STEERING.replace('actions.send_article.done', 'actions.send_article.finished'))).toContain('42 error template/undefined-variable');
    // refund_duplicate is confirmed only on the way to Resolved: Refunded, not to Works as designed.
    const elsewhere = STEERING.replace('actions.send_article.done', 'actions.refund_duplicate.done');
    const diagnostics = parse(elsewhere);
    const messages = validateLibrary([diagnostics.playbook as Playbook]).map((d) => d.message);
    expect(messages.join('\n')).toMatch(/only on nodes that cannot lead here/);
  });
});

describe('action block: flow engine', () => {
  const library = (source: string) => createLibrary([parsed(source)]);

  it('asks the action after the node\'s asks and before its choices, and moves on by the result', () => {
    const lib = library(STEERING);
    let state: FlowState = startFlow(lib, 'charge');
    state = applyInput(lib, state, { kind: 'choice', node: 'both-settled', label: 'Yes' });
    const pending = viewFlow(lib, state).pending;
    expect(pending.kind).toBe('action');
    if (pending.kind !== 'action') return;
    expect(pending.action.key).toBe('refund_duplicate');
    // Without a `not-needed` target, "not needed" is not offered.
    expect(pending.statuses).toEqual(['done', 'failed']);
    state = applyInput(lib, state, { kind: 'action', node: 'refund', key: 'refund_duplicate', status: 'done', reference: '  RF-1234 ' });
    const view = viewFlow(lib, state);
    expect(view.pending.kind === 'outcome' && view.pending.node.id).toBe('resolved-refunded');
    expect(view.actions).toEqual([
      { key: 'refund_duplicate', do: 'Refund the duplicate payment in Billing → Payments.', status: 'done', reference: 'RF-1234', playbook: 'charge', node: 'refund' },
    ]);
    expect(view.path.map((s) => s.answer)).toEqual(['Yes', 'refund_duplicate: done (RF-1234)', '']);

    const failed = applyInput(lib, applyInput(lib, startFlow(lib, 'charge'), { kind: 'choice', node: 'both-settled', label: 'Yes' }), {
      kind: 'action',
      node: 'refund',
      key: 'refund_duplicate',
      status: 'failed',
      reference: 'ignored',
    });
    const failedView = viewFlow(lib, failed);
    expect(failedView.pending.kind === 'outcome' && failedView.pending.node.id).toBe('escalate-blocked');
    // A reference belongs to a done action only.
    expect(failedView.actions[0]).not.toHaveProperty('reference');
  });

  it('refuses a result the action does not offer', () => {
    const lib = library(STEERING);
    const state = applyInput(lib, startFlow(lib, 'charge'), { kind: 'choice', node: 'both-settled', label: 'Yes' });
    expect(() => applyInput(lib, state, { kind: 'action', node: 'refund', key: 'refund_duplicate', status: 'not-needed' })).toThrow(TriageError);
  });

  it('records an untargeted action and then offers the choices', () => {
    const lib = library(RECORDED);
    let state = applyInput(lib, startFlow(lib, 'charge'), { kind: 'ask', node: 'offer-a-credit', key: 'amount', value: '€10' });
    const pending = viewFlow(lib, state).pending;
    expect(pending.kind === 'action' && pending.statuses).toEqual(['done', 'failed', 'not-needed']);
    state = applyInput(lib, state, { kind: 'action', node: 'offer-a-credit', key: 'apply_credit', status: 'not-needed' });
    expect(viewFlow(lib, state).pending.kind).toBe('choice');
    expect(viewFlow(lib, state).path[0]?.answer).toBe('amount: €10; apply_credit: not-needed');
  });

  it('goes back over an action like any agent input, and replays the same path', () => {
    const lib = library(STEERING);
    let state = applyInput(lib, startFlow(lib, 'charge'), { kind: 'choice', node: 'both-settled', label: 'Yes' });
    state = applyInput(lib, state, { kind: 'action', node: 'refund', key: 'refund_duplicate', status: 'done' });
    const rewound = back(lib, state);
    expect(rewound.inputs).toHaveLength(1);
    expect(viewFlow(lib, rewound).pending.kind).toBe('action');
    expect(viewFlow(lib, rewound).actions).toEqual([]);
    // Event-sourced: the stored inputs (as saved in a session) give the same view again.
    const reloaded = JSON.parse(JSON.stringify(state)) as FlowState;
    expect(viewFlow(lib, reloaded).path).toEqual(viewFlow(lib, state).path);
  });

  it('takes results from prefilled answers (`key`, `key.reference`, label spellings) and lists a missing one', () => {
    const lib = library(STEERING);
    const start = startFlow(lib, 'charge');
    const state = applyPrefilled(lib, start, { 'both-settled': 'Yes', refund_duplicate: 'Done', 'refund_duplicate.reference': 'RF-9' });
    const view = viewFlow(lib, state);
    expect(view.pending.kind === 'outcome' && view.pending.node.id).toBe('resolved-refunded');
    expect(view.actions[0]?.reference).toBe('RF-9');

    const missing = missingInputs(lib, start, { 'both-settled': 'Yes' });
    expect(missing).toEqual([
      { key: 'refund_duplicate', kind: 'action', prompt: 'Refund the duplicate payment in Billing → Payments.', allowed: ['done', 'failed'], required: true, playbook: 'charge' },
    ]);
    expect(() => applyPrefilled(lib, start, { 'both-settled': 'Yes', refund_duplicate: 'maybe' })).toThrow(/Invalid answer for "refund_duplicate".*Allowed: done, failed/);
  });

  it('asks an action again when a loop brings the run back to it', () => {
    const loop = pb(`
## Try the refund

\`\`\`action
key: refund
do: Refund it.
done: '#resolved-done'
failed: '#try-again'
\`\`\`

## Try again

- [Retry](#try-the-refund)
- [Give up](#escalate-stuck)

## Resolved: Done

## Escalate: Stuck
`);
    const lib = library(loop);
    let state = applyInput(lib, startFlow(lib, 'charge'), { kind: 'action', node: 'try-the-refund', key: 'refund', status: 'failed' });
    state = applyInput(lib, state, { kind: 'choice', node: 'try-again', label: 'Retry' });
    expect(viewFlow(lib, state).pending.kind).toBe('action');
    state = applyInput(lib, state, { kind: 'action', node: 'try-the-refund', key: 'refund', status: 'done' });
    const view = viewFlow(lib, state);
    expect(view.actions).toHaveLength(1);
    expect(view.actions[0]?.status).toBe('done');
  });
});

describe('action results: spelling', () => {
  it('accepts the statuses, the prompt labels and common variants; says what is allowed otherwise', () => {
    const all = ['done', 'failed', 'not-needed'] as const;
    expect(parseActionStatus('DONE', all)).toEqual({ ok: true, value: 'done' });
    expect(parseActionStatus("Couldn't do it", all)).toEqual({ ok: true, value: 'failed' });
    expect(parseActionStatus('not_needed', all)).toEqual({ ok: true, value: 'not-needed' });
    expect(parseActionStatus('Not needed', all)).toEqual({ ok: true, value: 'not-needed' });
    expect(parseActionStatus('yes', all)).toEqual({ ok: false, message: 'Must be one of done, failed, not-needed, got "yes".' });
    expect(parseActionStatus('not-needed', ['done', 'failed']).ok).toBe(false);
  });

  it('reads an answers file with `key: done`, `key.reference: …` or `key: {status, reference}`', () => {
    expect(parseAnswersText('refund: {status: done, reference: RF-1}\nother: failed\nother.reference: X\n', 'a.yaml')).toEqual({
      refund: 'done',
      'refund.reference': 'RF-1',
      other: 'failed',
      'other.reference': 'X',
    });
    expect(() => parseAnswersText('refund: {state: done}\n', 'a.yaml')).toThrow(/must be text/);
  });
});

describe('action results: templates, report and replay', () => {
  const lib = createLibrary([parsed(STEERING)]);
  let state = applyInput(lib, startFlow(lib, 'charge'), { kind: 'choice', node: 'both-settled', label: 'Yes' });
  state = applyInput(lib, state, { kind: 'action', node: 'refund', key: 'refund_duplicate', status: 'done', reference: 'RF-1234' });
  const view = viewFlow(lib, state);
  const outcomeNode = view.pending.kind === 'outcome' ? view.pending.node : undefined;
  const input = {
    caseId: 'TRI-20261204-AAAA',
    startPlaybook: view.playbook,
    finalPlaybook: view.playbook,
    outcomeNode: outcomeNode!,
    view,
    inputs: state.inputs,
    intake: { customer: { name: 'Dana', channel: 'email' as const, mood: 'calm' as const }, description: 'Charged twice' },
    settings: {},
    startedAt: '2026-12-04T10:00:00.000Z',
    finishedAt: '2026-12-04T10:05:00.000Z',
  };

  it('gives templates actions.<key>.status/.done/.failed/.not_needed/.reference; an action never reached is absent', () => {
    const context = caseTemplateContext(input);
    expect(context.actions).toEqual({ refund_duplicate: { status: 'done', done: true, failed: false, not_needed: false, reference: 'RF-1234' } });
    expect(renderTemplate('{{ actions.refund_duplicate.status }} {{ actions.refund_duplicate.reference }}{% if actions.send_article.done %} sent{% endif %}', context)).toBe('done RF-1234');
  });

  it('lists the actions in the report (JSON, Markdown, text) and replays them with --answer', () => {
    const report = buildReport(input);
    expect(report.actions).toEqual([{ key: 'refund_duplicate', do: 'Refund the duplicate payment in Billing → Payments.', status: 'done', reference: 'RF-1234' }]);
    expect(JSON.parse(renderReportJson(report)).actions).toEqual(report.actions);
    expect(renderReportMarkdown(report)).toContain('| Refund the duplicate payment in Billing → Payments. | done (RF-1234) | `refund_duplicate` |');
    expect(renderReportText(report)).toMatch(/Agent actions\n-+\n {2}1\. Refund the duplicate payment in Billing → Payments\.\n {5}→ done \(RF-1234\) \[refund_duplicate\]/);
    const jira = renderReportJira(report);
    expect(jira).toContain('h3. Agent actions');
    expect(jira).toContain('||Action||Result||Key||\n|Refund the duplicate payment in Billing → Payments.|done (RF-1234)|{{refund_duplicate}}|');
    expect(buildReplayCommand(input)).toContain("--answer 'both-settled=Yes' --answer 'refund_duplicate=done' --answer 'refund_duplicate.reference=RF-1234'");
  });
});
