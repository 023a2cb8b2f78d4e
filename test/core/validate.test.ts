import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import { PLAYBOOK_RULES, regexComplexity, validateLibrary, validatePlaybook, type PlaybookRule } from '../../src/core/validate.js';

const fixtures = fileURLToPath(new URL('../fixtures/lint/', import.meta.url));

function parseFile(path: string, dir: string, source = readFileSync(path, 'utf8')): Playbook {
  const result = parsePlaybook(source, { path, dir });
  expect(result.diagnostics, JSON.stringify(result.diagnostics, null, 1)).toEqual([]);
  return result.playbook as Playbook;
}

function fixture(relative: string): Playbook {
  const path = `${fixtures}${relative}`;
  return parseFile(path, path.slice(0, path.lastIndexOf('/')));
}

/** Parse in-memory files (name → source) of one directory. */
function load(files: Record<string, string>, dir = '/pb'): Playbook[] {
  return Object.entries(files).map(([name, source]) => parseFile(`${dir}/${name}`, dir, source));
}

/** Everything lint reports for these playbooks beyond parsing. */
function lint(playbooks: readonly Playbook[], dirs?: readonly string[]): Diagnostic[] {
  return [...playbooks.flatMap((p) => validatePlaybook(p)), ...validateLibrary(playbooks, dirs ? { dirs } : {})];
}

function pb(body: string, extra = '', id = 'test'): string {
  return `---\nid: ${id}\ntitle: Test\nversion: 1.0.0\n${extra}---\n${body}`;
}

function lintOne(body: string, extra = ''): Diagnostic[] {
  return lint(load({ 'test.md': pb(body, extra) }));
}

function summary(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.rule}`);
}

/** The one diagnostic with this rule, in `file` (default: lintOne's file); fails with the full list otherwise. */
function only(diagnostics: readonly Diagnostic[], rule: string, file: string | null = '/pb/test.md'): Diagnostic {
  const matching = diagnostics.filter((d) => d.rule === rule);
  expect(matching, summary(diagnostics).join('\n')).toHaveLength(1);
  const found = matching[0] as Diagnostic;
  if (file !== null) expect(found.file).toBe(file);
  return found;
}

const END = '\n## Resolved: Done\n';

describe('valid playbooks', () => {
  it('the contract example has no diagnostics', () => {
    const playbook = fixture('valid/export-fails.md');
    expect(validatePlaybook(playbook)).toEqual([]);
    expect(validateLibrary([playbook], { dirs: [`${fixtures}valid`] })).toEqual([]);
  });

  it('the safe pattern of the example is not catastrophic', () => {
    expect(regexComplexity('^\\d+\\.\\d+(\\.\\d+)?$')).not.toBe('exponential');
    expect(regexComplexity('^(a+)+$')).toBe('exponential');
  });
});

describe('broken fixtures', () => {
  it('link/missing-node: did-you-mean for a typo', () => {
    const playbook = fixture('broken/link-missing-node.md');
    const d = only(lint([playbook]), 'link/missing-node', null);
    expect([d.file, d.line, d.column, d.severity]).toEqual([playbook.path, 11, 3, 'error']);
    expect(d.message).toBe(
      'Link to #chek-logs: no node with that id. Did you mean #check-logs? Node ids are the slug of the `##` heading: lower-case, punctuation removed, spaces turned into `-`.',
    );
  });

  it('node/dead-end', () => {
    const playbook = fixture('broken/dead-end.md');
    const d = only(lint([playbook]), 'node/dead-end', null);
    expect([d.file, d.line, d.severity]).toEqual([playbook.path, 12, 'error']);
    expect(lint([playbook]).filter((x) => x.rule === 'flow/cycle-no-exit')).toEqual([]);
  });

  it('flow/cycle-no-exit: one diagnostic for the trapped pair', () => {
    const playbook = fixture('broken/cycle-no-exit.md');
    const d = only(lint([playbook]), 'flow/cycle-no-exit', null);
    expect([d.file, d.line]).toEqual([playbook.path, 12]);
    expect(d.message).toContain('#restart-the-app, #clear-the-cache');
  });

  it('pattern/catastrophic: env field and ask block', () => {
    const playbook = fixture('broken/catastrophic-pattern.md');
    const found = lint([playbook]).filter((d) => d.rule === 'pattern/catastrophic');
    expect(found.map((d) => [d.file, d.line, d.severity])).toEqual([
      [playbook.path, 6, 'error'],
      [playbook.path, 13, 'error'],
    ]);
  });

  it('template/undefined-variable: env key, answer typo, fixed-root typo', () => {
    const playbook = fixture('broken/undefined-variable.md');
    const found = lint([playbook])
      .filter((d) => d.rule === 'template/undefined-variable')
      .sort((a, b) => a.line - b.line || a.column - b.column);
    expect(found.map((d) => [d.file, d.line, d.column])).toEqual([
      [playbook.path, 29, 11],
      [playbook.path, 29, 40],
      [playbook.path, 29, 60],
    ]);
    expect(found[0]?.message).toContain('`env.build` is never set');
    expect(found[1]?.message).toContain('Did you mean `answers.size`?');
    expect(found[2]?.message).toContain('Did you mean `agent.name`?');
  });

  it('template/undefined-variable: a root named like an Object.prototype member is unknown, not "a bug in triage"', () => {
    // Found by fuzzing lint: `{{ constructor.constructor }}` in a reply made the rule throw
    // ("properties.includes is not a function"), reported as parse/internal-error.
    for (const root of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      const diagnostics = lintOne(`\n## Resolved: Done\n\n\`\`\`reply\n{{ ${root}.constructor }} Thanks.\n\`\`\`\n`);
      expect(diagnostics.filter((d) => d.rule === 'parse/internal-error'), root).toEqual([]);
      const undefinedVariable = diagnostics.filter((d) => d.rule === 'template/undefined-variable' || d.rule === 'template/unsafe-lookup' || d.severity === 'error');
      expect(undefinedVariable.length, `${root}: ${JSON.stringify(diagnostics)}`).toBeGreaterThan(0);
      expect(diagnostics.map((d) => d.message).join('\n')).not.toContain('bug in triage');
    }
  });
});

describe('library fixtures', () => {
  const base = `${fixtures}library/base`;
  const team = `${fixtures}library/team`;
  const playbooks = [
    fixture('library/base/billing.md'),
    fixture('library/base/cancel.md'),
    fixture('library/base/refund-request.md'),
    fixture('library/team/cancel-copy.md'),
    fixture('library/team/cancel.md'),
  ];
  const diagnostics = validateLibrary(playbooks, { dirs: [base, team] });

  it('link/missing-playbook', () => {
    const d = only(diagnostics, 'link/missing-playbook', null);
    expect([d.file, d.line, d.column]).toEqual([`${base}/billing.md`, 18, 3]);
    expect(d.message).toContain('lost-invoice.md');
  });

  it('link/outside-directories', () => {
    const d = only(diagnostics, 'link/outside-directories', null);
    expect([d.file, d.line, d.column]).toEqual([`${base}/billing.md`, 19, 3]);
    expect(d.message).toContain('/etc/passwd.md');
  });

  it('link/missing-node in another playbook (the overriding one)', () => {
    const d = only(diagnostics, 'link/missing-node', null);
    expect([d.file, d.line]).toEqual([`${base}/billing.md`, 20]);
    expect(d.message).toContain('has no node `confirm`');
  });

  it('id/duplicate within one directory', () => {
    const d = only(diagnostics, 'id/duplicate', null);
    expect([d.file, d.line, d.severity]).toEqual([`${team}/cancel.md`, 1, 'error']);
    expect(d.message).toContain(`${team}/cancel-copy.md`);
  });

  it('id/overridden across directories', () => {
    const d = only(diagnostics, 'id/overridden', null);
    expect([d.file, d.severity]).toEqual([`${base}/cancel.md`, 'warning']);
    expect(d.message).toContain(`${team}/cancel.md`);
  });

  it('answers and env from a playbook that links in are defined', () => {
    expect(diagnostics.filter((d) => d.rule === 'template/undefined-variable')).toEqual([]);
    const alone = validateLibrary([fixture('library/base/refund-request.md')], { dirs: [base] });
    expect(alone.filter((d) => d.rule === 'template/undefined-variable').map((d) => d.line)).toEqual([20, 20]);
  });

  it('no other diagnostics', () => {
    expect(diagnostics.map((d) => d.rule).sort()).toEqual(
      ['id/duplicate', 'id/overridden', 'link/missing-node', 'link/missing-playbook', 'link/outside-directories'].sort(),
    );
  });
});

describe('single-file rules', () => {
  it('node/none', () => {
    const d = only(lintOne('# Only a title\n'), 'node/none');
    expect([d.line, d.file]).toEqual([1, '/pb/test.md']);
  });

  it('start/missing-node with did-you-mean', () => {
    const d = only(lintOne(`## First\n\n- [Go](#resolved-done)\n${END}`, 'start: frist\n'), 'start/missing-node');
    expect(d.line).toBe(1);
    expect(d.message).toContain('Did you mean `first`?');
  });

  it('link/missing-node: check targets', () => {
    const d = only(lintOne(`## S\n\n\`\`\`check\nrun: [a]\npass: '#resolved-done'\nfail: '#nowhere'\n\`\`\`\n${END}`), 'link/missing-node');
    expect(d.line).toBe(8);
    expect(d.message).toContain("`fail: '#nowhere'`");
  });

  it('link/missing-node: a link to this file by name', () => {
    const d = only(lintOne(`## S\n\n- [Again](test.md#s)\n- [Oops](test.md#x)\n${END}`), 'link/missing-node');
    expect(d.line).toBe(9);
  });

  it('outcome/has-choices', () => {
    const d = only(lintOne('## Start\n\n- [Done](#resolved-done)\n\n## Resolved: Done\n\n- [Again](#start)\n'), 'outcome/has-choices');
    expect([d.line, d.column]).toEqual([12, 3]);
  });

  it('check/with-choices (warning)', () => {
    const d = only(lintOne(`## S\n\n\`\`\`check\nrun: [a]\npass: '#resolved-done'\nfail: '#resolved-done'\n\`\`\`\n\n- [Skip](#resolved-done)\n${END}`), 'check/with-choices');
    expect([d.line, d.severity]).toEqual([14, 'warning']);
  });

  it('check/placeholder: mixed with text, or not answers/env', () => {
    const diagnostics = lintOne(
      `## S\n\n\`\`\`ask\nkey: user\nprompt: User?\n\`\`\`\n\n\`\`\`check\nrun: [id, '--user={{answers.user}}', '{{ answers.user | upcase }}', '{{customer.name}}', --, '{{answers.user}}']\npass: '#resolved-done'\nfail: '#resolved-done'\n\`\`\`\n${END}`,
    );
    const found = diagnostics.filter((d) => d.rule === 'check/placeholder');
    expect(found.map((d) => d.line)).toEqual([13, 13, 13]);
    expect(found[0]?.message).toContain('mixes a placeholder with other text');
    expect(found[1]?.message).toContain('only `{{answers.<key>}}` and `{{env.<key>}}`');
    expect(diagnostics.filter((d) => d.rule !== 'check/placeholder')).toEqual([]);
  });

  it('check/placeholder-option (warning): a placeholder with no `--` before it, unless allow-options lists it', () => {
    const check = (run: string, extra = '') =>
      lintOne(`## S\n\n\`\`\`ask\nkey: user\nprompt: User?\n\`\`\`\n\n\`\`\`check\nrun: ${run}\n${extra}pass: '#resolved-done'\nfail: '#resolved-done'\n\`\`\`\n${END}`).filter(
        (d) => d.rule === 'check/placeholder-option',
      );
    const [d, ...rest] = check("[id, -u, '{{answers.user}}']");
    expect(rest).toEqual([]);
    expect([d?.line, d?.severity]).toEqual([13, 'warning']);
    expect(d?.message).toContain('is not preceded by `--`');
    expect(check("[id, -u, --, '{{answers.user}}']")).toEqual([]);
    expect(check("[id, '{{answers.user}}', --]")).toHaveLength(1);
    expect(check("[id, '{{answers.user}}']", 'allow-options: [user]\n')).toEqual([]);
    expect(check("[id, '{{answers.user}}']", 'allow-options: [answers.user]\n')).toEqual([]);
    expect(check("[id, --, '{{answers.user}}']", 'allow-options: [nobody]\n')[0]?.message).toContain('`allow-options` lists `nobody`');
  });

  it('ask/select-without-choices', () => {
    const d = only(lintOne(`## S\n\n\`\`\`ask\nkey: b\nprompt: Browser?\ntype: multiselect\n\`\`\`\n\n- [Go](#resolved-done)\n${END}`), 'ask/select-without-choices');
    expect(d.line).toBe(8);
  });

  it('ask/duplicate-key in one node', () => {
    const d = only(lintOne(`## S\n\n\`\`\`ask\nkey: b\nprompt: B?\n\`\`\`\n\n\`\`\`ask\nkey: b\nprompt: B again?\n\`\`\`\n\n- [Go](#resolved-done)\n${END}`), 'ask/duplicate-key');
    expect(d.line).toBe(13);
  });

  it('ask/key-collision: an ask key that is also an env key or a choice node id', () => {
    const diagnostics = lintOne(
      `## S\n\n\`\`\`ask\nkey: browser\nprompt: B?\n\`\`\`\n\n\`\`\`ask\nkey: s\nprompt: S?\n\`\`\`\n\n- [Go](#resolved-done)\n${END}`,
      'env:\n  - key: browser\n    detect: os\n',
    );
    expect(diagnostics.filter((d) => d.rule === 'ask/key-collision').map((d) => [d.line, d.severity])).toEqual([
      [11, 'warning'],
      [16, 'warning'],
    ]);
  });

  it('ask/asked-twice: a key asked again further down the same path, not in a retry loop', () => {
    const ask = (key: string, prompt: string) => `\`\`\`ask\nkey: ${key}\nprompt: ${prompt}\n\`\`\`\n`;
    const once = lintOne(`## A\n\n${ask('status', 'Status code?')}\n- [Next](#b)\n\n## B\n\n${ask('other', 'Other?')}\n- [Go](#resolved-done)\n${END}`);
    expect(once.filter((d) => d.rule === 'ask/asked-twice')).toEqual([]);
    const twice = lintOne(`## A\n\n${ask('status', 'Status code?')}\n- [Next](#b)\n\n## B\n\n${ask('status', 'Which status code?')}\n- [Go](#resolved-done)\n${END}`);
    const d = only(twice, 'ask/asked-twice');
    expect(d.severity).toBe('warning');
    expect(d.line).toBe(17);
    expect(d.message).toContain('`A` (line 8) already asked it');
    // Siblings on different branches are different paths.
    const branches = lintOne(`## A\n\n- [X](#b)\n- [Y](#c)\n\n## B\n\n${ask('status', 'S?')}\n- [Go](#resolved-done)\n\n## C\n\n${ask('status', 'S?')}\n- [Go](#resolved-done)\n${END}`);
    expect(branches.filter((d) => d.rule === 'ask/asked-twice')).toEqual([]);
    // Asking again after "try again" is on purpose.
    const loop = lintOne(`## A\n\n${ask('code', 'Code?')}\n- [Next](#b)\n\n## B\n\n- [Try again](#a)\n- [Go](#resolved-done)\n${END}`);
    expect(loop.filter((d) => d.rule === 'ask/asked-twice')).toEqual([]);
  });

  it('pattern/catastrophic can be skipped', () => {
    const playbook = fixture('broken/catastrophic-pattern.md');
    expect(validatePlaybook(playbook, { regexSafety: false })).toEqual([]);
  });

  it('pattern/invalid-regex: env field, ask and expect.stdout', () => {
    const diagnostics = lintOne(
      `## S\n\n\`\`\`ask\nkey: b\nprompt: B?\npattern: '[a-'\n\`\`\`\n\n\`\`\`check\nrun: [a]\nexpect:\n  stdout: '(unclosed'\npass: '#resolved-done'\nfail: '#resolved-done'\n\`\`\`\n${END}`,
      "env:\n  - key: v\n    ask: Version?\n    pattern: '*x'\n",
    );
    expect(diagnostics.filter((d) => d.rule === 'pattern/invalid-regex').map((d) => d.line)).toEqual([6, 12, 18]);
  });

  it('template/invalid: unclosed tag, unknown filter, file tags', () => {
    const diagnostics = lintOne(
      '## S\n\n- [a](#resolved-a)\n- [b](#bug-b)\n- [c](#escalate-c)\n\n## Resolved: a\n\n```reply\nHi\n{% if customer.name %}there\n```\n\n## Bug: b\n\n```report\ntitle: "{{ playbook.title | defualt: \'x\' }}"\n```\n\n## Escalate: c\n\n```reply full\n{% include "secrets.liquid" %}\n```\n',
    );
    const found = diagnostics.filter((d) => d.rule === 'template/invalid');
    expect(found.map((d) => [d.line, d.column])).toEqual([
      [16, 1],
      [21, 1],
      [28, 1],
    ]);
    expect(found[1]?.message).toContain('defualt');
    expect(found[2]?.message).toContain('cannot read other files');
  });

  it('template/undefined-variable: unknown roots and properties; known ones and locals are fine', () => {
    const diagnostics = lintOne(
      '## S\n\n- [a](#resolved-a)\n\n## Resolved: a\n\n```reply\n{{ customer.description }} {{ customer.mood }} {{ customer.channel }} {{ company.name }} {{ case.id }}\n{{ playbook.id }} {{ playbook.version }} {{ outcome.kind }} {{ outcome.title }}\n{% assign n = customer.name | default: "there" %}{{ n }}{% for x in (1..2) %}{{ x }}{{ forloop.index }}{% endfor %}\n{{ ticket.id }} {{ customer.email }}\n```\n',
    );
    const found = diagnostics.filter((d) => d.rule === 'template/undefined-variable');
    expect(found.map((d) => [d.line, d.column])).toEqual([
      [16, 4],
      [16, 20],
    ]);
    expect(found[0]?.message).toContain('`ticket.id` is not a template variable');
    expect(found[1]?.message).toContain('`customer` has no `email`');
  });

  it('template/undefined-variable: an answer asked only after the node, in report fields and check commands', () => {
    const diagnostics = lintOne(
      "## S\n\n```check\nrun: [ping, '{{env.host}}', '{{answers.count}}']\ncapture: output\npass: '#bug-b'\nfail: '#later'\n```\n\n## Later\n\n```ask\nkey: count\nprompt: Count?\n```\n\n- [Done](#bug-b)\n\n## Bug: b\n\n```report\ntitle: '{{ answers.output }} {{ answers.count }} {{ answers.nothing }}'\nactual: '{{ env.host }}'\n```\n",
      '',
    );
    const found = diagnostics.filter((d) => d.rule === 'template/undefined-variable');
    expect(found.map((d) => [d.line, d.message.slice(0, 60)])).toEqual([
      [8, expect.stringContaining('`check` command')],
      [8, expect.stringContaining('`check` command')],
      [26, expect.stringContaining('report `title`')],
      [26, expect.stringContaining('report `actual`')],
    ]);
    expect(found[1]?.message).toContain('asked only on nodes that cannot lead here');
    expect(found[2]?.message).toContain('`answers.nothing` is never set');
  });

  it('env user-agent parts are defined', () => {
    const diagnostics = lintOne(
      '## S\n\n- [a](#resolved-a)\n\n## Resolved: a\n\n```reply\n{{ env.ua }} {{ env.ua_os }} {{ env.ua_device }} {{ env.ua_engine }}\n```\n',
      'env:\n  - key: ua\n    ask: User agent?\n    parse: user-agent\n',
    );
    const found = diagnostics.filter((d) => d.rule === 'template/undefined-variable');
    expect(found.map((d) => d.message)).toEqual([expect.stringContaining('`env.ua_engine`')]);
  });

  it('node/unreachable (warning), but not when another playbook links to the node', () => {
    const body = '## Start\n\n- [Done](#resolved-done)\n\n## Side door\n\n- [Done](#resolved-done)\n\n## Resolved: Done\n';
    const d = only(lintOne(body), 'node/unreachable');
    expect([d.line, d.severity]).toEqual([10, 'warning']);
    const [main, other] = load({ 'main.md': pb(body, '', 'main'), 'other.md': pb('## Go\n\n- [In](main.md#side-door)\n', '', 'other') });
    expect(lint([main as Playbook, other as Playbook]).filter((x) => x.rule === 'node/unreachable')).toEqual([]);
  });

  it('flow/cycle-no-exit: a node that links to itself', () => {
    const d = only(lintOne('## Start\n\n- [Again](#start)\n- [Also again](#start)\n'), 'flow/cycle-no-exit');
    expect(d.line).toBe(6);
  });

  it('answers and env defined two links upstream count, through a chain of playbooks', () => {
    const playbooks = load({
      'a.md': pb('## Start\n\n```ask\nkey: order\nprompt: Order?\n```\n\n- [Next](b.md)\n', 'env:\n  - key: shop\n    detect: os\n', 'a'),
      'b.md': pb('## Middle\n\n- [Next](c.md)\n', '', 'b'),
      'c.md': pb('## Resolved: Done\n\n```reply\n{{ answers.order }} {{ env.shop }}\n```\n', '', 'c'),
    });
    expect(lint(playbooks)).toEqual([]);
    expect(summary(lint(playbooks.slice(1)))).toEqual(['9:4 error template/undefined-variable', '9:24 error template/undefined-variable']);
  });

  it('a choice into another playbook is an exit', () => {
    const [a, b] = load({ 'a.md': pb('## Start\n\n- [Loop](#start)\n- [Billing](b.md)\n', '', 'a'), 'b.md': pb(`## B\n\n- [x](#resolved-done)\n${END}`, '', 'b') });
    expect(lint([a as Playbook, b as Playbook])).toEqual([]);
  });
});

describe('links between playbooks', () => {
  it('fall back to the id when no file has that path', () => {
    const [from] = load({ 'from.md': pb('## Start\n\n- [Refund](refund-request.md#how-much)\n', '', 'from') }, '/pb/one');
    const [to] = load({ 'refund.md': pb(`## Start\n\n- [Go](#how-much)\n\n## How much\n\n- [x](#resolved-done)\n${END}`, '', 'refund-request') }, '/pb/two');
    expect(lint([from as Playbook, to as Playbook], ['/pb/one', '/pb/two'])).toEqual([]);
  });

  it('default to the playbooks own directories', () => {
    const [from] = load({ 'from.md': pb('## Start\n\n- [Up](../secrets.md)\n', '', 'from') }, '/pb/one');
    const d = only(validateLibrary([from as Playbook]), 'link/outside-directories', '/pb/one/from.md');
    expect(d.line).toBe(8);
  });

  it('a link to another directory that is a playbook directory is fine', () => {
    const [from] = load({ 'from.md': pb('## Start\n\n- [Other](../two/to.md)\n', '', 'from') }, '/pb/one');
    const [to] = load({ 'to.md': pb(`## Start\n\n- [x](#resolved-done)\n${END}`, '', 'to') }, '/pb/two');
    expect(validateLibrary([from as Playbook, to as Playbook], { dirs: ['/pb/one', '/pb/two'] })).toEqual([]);
    expect(only(validateLibrary([from as Playbook, to as Playbook], { dirs: ['/pb/one'] }), 'link/outside-directories', '/pb/one/from.md').line).toBe(8);
  });
});

describe('extending', () => {
  it('runs extra rules given in the options', () => {
    const replyMissing: PlaybookRule = ({ playbook, report }) => {
      for (const node of playbook.nodes) if (node.outcome && !node.reply) report('reply/missing', 'warning', { line: node.line }, 'No reply.');
    };
    const [playbook] = load({ 'test.md': pb(`## S\n\n- [x](#resolved-done)\n${END}`) });
    expect(summary(validatePlaybook(playbook as Playbook, { rules: [replyMissing] }))).toEqual(['10:1 warning reply/missing']);
    expect(PLAYBOOK_RULES.length).toBeGreaterThan(5);
  });
});

describe('gaps lint used to leave to run', () => {
  it('a loop across playbooks with no outcome is flow/cycle-no-exit, once per playbook', () => {
    const playbooks = load({
      'a.md': pb('## Start\n\n- [To b](b.md)\n', '', 'a'),
      'b.md': pb('## Start\n\n- [Back to a](a.md)\n', '', 'b'),
    });
    const found = lint(playbooks).filter((d) => d.rule === 'flow/cycle-no-exit');
    expect(found.map((d) => [d.file, d.line, d.severity])).toEqual([
      ['/pb/a.md', 6, 'error'],
      ['/pb/b.md', 6, 'error'],
    ]);
    expect(found[0]?.message).toContain('loop through other playbooks');
    // With an outcome on the way, it is fine.
    const fixed = load({
      'a.md': pb('## Start\n\n- [To b](b.md)\n', '', 'a'),
      'b.md': pb(`## Start\n\n- [Back to a](a.md)\n- [Done](#resolved-done)\n${END}`, '', 'b'),
    });
    expect(lint(fixed).filter((d) => d.rule === 'flow/cycle-no-exit')).toEqual([]);
  });

  it('a template over 200,000 characters and `"now" | date` are template/invalid', () => {
    const long = only(lintOne(`## Start\n\n- [x](#resolved-done)\n\n## Resolved: Done\n\n\`\`\`reply\n{{ customer.name }} ${'x'.repeat(200_001)}\n\`\`\`\n`), 'template/invalid');
    expect(long.message).toContain('over the 200,000 a template may have');
    const now = only(lintOne(`## Start\n\n- [x](#resolved-done)\n\n## Resolved: Done\n\n\`\`\`reply\nToday is {{ "now" | date: "%Y" }}.\n\`\`\`\n`), 'template/invalid');
    expect(now.message).toContain('cannot read the clock');
  });

});

