import { describe, expect, it } from 'vitest';
import { parsePlaybookTestFile, type PlaybookTestFile, type TestFileProblem } from '../../src/core/playbook-test-spec.js';

const FILE = '/pb/export-fails.test.yaml';

function valid(source: string): PlaybookTestFile {
  const parsed = parsePlaybookTestFile(source, FILE);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}: ${p.message}`).join('\n'));
  return parsed.spec;
}

function problems(source: string): TestFileProblem[] {
  const parsed = parsePlaybookTestFile(source, FILE);
  if (parsed.ok) throw new Error('expected problems');
  return [...parsed.problems];
}

describe('parsePlaybookTestFile: valid files', () => {
  it('reads a full case, with defaults for what is left out', () => {
    const spec = valid(`# pinned behaviour
playbook: export-fails
cases:
  - name: filter hid the rows
    intake: { customer: Dana, mood: angry, channel: chat, description: export is empty }
    answers:
      rows: 5000
      which-format-fails: CSV
      tags: [a, 2]
      optional:
    checks:
      is-it-up: pass
      '#other': { result: fail, stdout: 503 }
      flag: true
    outcome: resolved-filter-was-hiding-rows
    reply_contains: all 5000 rows
    reply_not_contains: [policy]
    report_contains: ["A", 7]

  - name: minimal
    outcome: "#workaround-export-in-parts"
`);
    expect(spec.playbook).toBe('export-fails');
    expect(spec.playbookLine).toBe(2);
    const [first, second] = spec.cases;
    expect(first).toMatchObject({
      name: 'filter hid the rows',
      line: 4,
      intake: { customer: 'Dana', mood: 'angry', channel: 'chat', description: 'export is empty' },
      answers: { rows: 5000, 'which-format-fails': 'CSV', tags: ['a', '2'], optional: '' },
      checks: { 'is-it-up': { passed: true, stdout: '' }, other: { passed: false, stdout: '503' }, flag: { passed: true, stdout: '' } },
      outcome: { node: 'resolved-filter-was-hiding-rows' },
      replyContains: ['all 5000 rows'],
      replyNotContains: ['policy'],
      reportContains: ['A', '7'],
      reportNotContains: [],
    });
    expect(second).toMatchObject({
      line: 20,
      intake: { mood: 'calm', channel: 'email', description: '' },
      answers: {},
      checks: {},
      outcome: { node: 'workaround-export-in-parts' },
    });
    expect(second?.intake.customer).toBeUndefined();
  });

  it('reads an outcome in a linked playbook as playbook#node', () => {
    const spec = valid('playbook: charged-twice.md\ncases:\n  - name: a\n    outcome: refund-request.md#resolved-refund-issued\n');
    expect(spec.playbook).toBe('charged-twice');
    expect(spec.cases[0]?.outcome).toEqual({ playbook: 'refund-request', node: 'resolved-refund-issued' });
  });

  it('ignores x- keys, like playbooks do', () => {
    const spec = valid('playbook: p\nx-owner: billing team\ncases:\n  - name: a\n    x-note: why this case exists\n    outcome: resolved-done\n');
    expect(spec.cases).toHaveLength(1);
  });
});

describe('parsePlaybookTestFile: problems carry the line', () => {
  it('invalid YAML', () => {
    const [problem] = problems('playbook: p\ncases:\n  - name: a\n    answers: { x: 1\n    outcome: b\n');
    expect(problem?.file).toBe(FILE);
    expect(problem?.line).toBeGreaterThanOrEqual(4);
    expect(problem?.message).toMatch(/^not valid YAML: /);
  });

  it('an unknown key, with the closest known key', () => {
    const [problem] = problems('playbook: p\ncases:\n  - name: a\n    outcome: b\n    reply_contain: [x]\n');
    expect(problem).toMatchObject({ line: 5 });
    expect(problem?.message).toContain('unknown key `reply_contain` in cases[0]. Did you mean `reply_contains`?');
  });

  it('an unknown top-level key and an unknown intake key', () => {
    const top = problems('playbok: p\ncases:\n  - name: a\n    outcome: b\n');
    expect(top.map((p) => p.line)).toEqual([1, 1]);
    expect(top.map((p) => p.message).join('\n')).toContain('Did you mean `playbook`?');
    const [intake] = problems('playbook: p\ncases:\n  - name: a\n    intake:\n      mod: angry\n    outcome: b\n');
    expect(intake).toMatchObject({ line: 5 });
    expect(intake?.message).toContain('Did you mean `mood`?');
  });

  it('a missing name or outcome points at the case', () => {
    const found = problems('playbook: p\ncases:\n  - name: a\n    outcome: b\n  - answers: {}\n    outcome: b\n  - name: c\n');
    expect(found.map((p) => [p.line, p.message.slice(0, 30)])).toEqual([
      [5, 'cases[1] has no `name`: it is '],
      [7, 'cases[2] has no `outcome`: it '],
    ]);
  });

  it('bad values: mood, channel, check result, phrase lists, answers', () => {
    const found = problems(`playbook: p
cases:
  - name: a
    intake: { mood: grumpy, channel: fax }
    checks: { x: maybe }
    reply_contains: { a: b }
    answers: { nested: { a: 1 } }
    outcome: b
`);
    const text = found.map((p) => `${p.line} ${p.message}`).join('\n');
    expect(text).toContain('4 `intake.mood` "grumpy" is not one of `calm`, `confused`, `frustrated`, `angry`.');
    expect(text).toContain('4 `intake.channel` "fax" is not one of');
    expect(text).toContain('5 cases[0].checks.x: a check result must be `pass`, `fail`');
    expect(text).toContain('6 `reply_contains` must be a phrase or a list of phrases');
    expect(text).toContain('7 cases[0].answers.nested: an answer must be text');
  });

  it('duplicate case names', () => {
    const [problem] = problems('playbook: p\ncases:\n  - name: a\n    outcome: b\n  - name: a\n    outcome: c\n');
    expect(problem).toMatchObject({ line: 5 });
    expect(problem?.message).toContain('already on line 3');
  });

  it('an empty file, a list instead of a map, no cases', () => {
    expect(problems('')[0]?.message).toContain('the file is empty');
    expect(problems('- a\n- b\n')[0]?.message).toBe('the file must be a map of keys (`playbook:` and `cases:`), not a list.');
    expect(problems('playbook: p\ncases:\n  - just a string\n')[0]).toMatchObject({ line: 3, message: 'cases[0] must be a map of keys (`- name: ...`), not "just a string".' });
    expect(problems('playbook: p\ncases: []\n')[0]).toMatchObject({ line: 2, message: '`cases` is empty: add at least one case.' });
    expect(problems('playbook: p\n')[0]?.message).toContain('the file has no `cases`');
    expect(problems('cases:\n  - name: a\n    outcome: b\n')[0]?.message).toContain('the file has no `playbook`');
  });

  it('an empty phrase would match anything', () => {
    expect(problems('playbook: p\ncases:\n  - name: a\n    outcome: b\n    reply_contains: [""]\n')[0]?.message).toContain('empty phrase');
  });
});
