import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, Playbook } from '../../src/core/model.js';
import { linkTarget, parsePlaybook } from '../../src/core/parse-playbook.js';

const fixtures = fileURLToPath(new URL('../fixtures/lint/', import.meta.url));
const examplePath = `${fixtures}valid/export-fails.md`;
const example = readFileSync(examplePath, 'utf8');
const FILE = { path: '/playbooks/test.md', dir: '/playbooks' };

function parse(source: string, options?: { partial?: boolean }) {
  return parsePlaybook(source, FILE, options);
}

/** A playbook source with valid front matter (plus `extra` lines) and the given body. */
function pb(body: string, extra = ''): string {
  return `---\nid: test\ntitle: Test\nversion: 1.0.0\n${extra}---\n${body}`;
}

function playbookOf(source: string): Playbook {
  const result = parse(source);
  expect(result.playbook).toBeDefined();
  return result.playbook as Playbook;
}

function rules(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.line}:${d.column} ${d.rule}`);
}

function only(source: string, rule: string): Diagnostic {
  const { diagnostics } = parse(source);
  const matching = diagnostics.filter((d) => d.rule === rule);
  expect(matching, rules(diagnostics).join('\n')).toHaveLength(1);
  const found = matching[0] as Diagnostic;
  expect(found.file).toBe(FILE.path);
  return found;
}

describe('the example playbook from the shared contract', () => {
  const result = parsePlaybook(example, { path: examplePath, dir: `${fixtures}valid` });

  it('parses with zero diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
  });

  it('reads the front matter', () => {
    const playbook = result.playbook as Playbook;
    expect(playbook).toMatchObject({
      id: 'export-fails',
      title: 'Report export fails',
      version: '1.0.0',
      summary: 'CSV or PDF export spins forever or downloads an empty file',
      tags: ['reports', 'export'],
      symptoms: ['export is stuck', 'empty csv', 'download never starts'],
      severity: 'medium',
      start: 'which-format-fails',
      heading: 'Report export fails',
      intro: 'Use this when an export never finishes or produces an empty file.',
      path: examplePath,
      dir: `${fixtures}valid`,
    });
    expect(playbook.env).toEqual([
      {
        key: 'browser',
        source: { kind: 'ask', prompt: 'Which browser and version? (paste the User-Agent if they have it)', required: true, parse: 'user-agent' },
        line: 10,
      },
      {
        key: 'app_version',
        source: { kind: 'ask', prompt: 'App version, from Settings → About', required: true, pattern: '^\\d+\\.\\d+(\\.\\d+)?$' },
        line: 13,
      },
    ]);
  });

  it('reads the nodes, in file order, with their lines', () => {
    const playbook = result.playbook as Playbook;
    expect(playbook.nodes.map((n) => [n.id, n.line, n.endLine])).toEqual([
      ['which-format-fails', 22, 27],
      ['how-many-rows', 29, 38],
      ['resolved-filter-was-hiding-rows', 40, 46],
      ['workaround-export-in-parts', 48, 53],
      ['bug-pdf-export-times-out', 55, 69],
    ]);
    const [first, second, resolved, workaround, bug] = playbook.nodes;
    expect(first).toMatchObject({
      heading: 'Which format fails?',
      title: 'Which format fails?',
      script: ['Which format were you exporting when it failed: CSV or PDF?'],
      guidance: '',
      asks: [],
      choices: [
        { label: 'CSV', target: { node: 'how-many-rows' }, line: 26, column: 3 },
        { label: 'PDF', target: { node: 'bug-pdf-export-times-out' }, line: 27, column: 3 },
      ],
    });
    expect(first?.outcome).toBeUndefined();
    expect(second?.asks).toEqual([
      { key: 'rows', prompt: 'Roughly how many rows does the report have?', type: 'number', required: true, secret: false, line: 31 },
    ]);
    expect(second?.choices.map((c) => [c.label, c.target.node, c.line])).toEqual([
      ['Under 100,000', 'resolved-filter-was-hiding-rows', 37],
      ['100,000 or more', 'workaround-export-in-parts', 38],
    ]);
    expect(resolved?.outcome).toEqual({ kind: 'resolved', title: 'Filter was hiding rows' });
    expect(resolved?.title).toBe('Filter was hiding rows');
    expect(resolved?.heading).toBe('Resolved: Filter was hiding rows');
    expect(resolved?.reply).toEqual({
      template:
        'The export only includes rows that match the filters on screen. Clearing\nthe filter in the top bar and exporting again gives you all\n{{answers.rows}} rows.',
      full: false,
      line: 42,
    });
    expect(workaround?.outcome).toEqual({ kind: 'workaround', title: 'Export in parts' });
    expect(bug?.outcome).toEqual({ kind: 'bug', title: 'PDF export times out' });
    expect(bug?.report).toEqual({
      title: 'PDF export times out ({{env.browser}})',
      expected: 'The PDF downloads within a minute.',
      actual: 'The spinner never stops and no file is downloaded.',
      severity: 'high',
      component: 'reports',
      labels: ['export', 'pdf'],
      line: 57,
    });
    expect(bug?.reply?.line).toBe(66);
    expect(bug?.check).toBeUndefined();
  });

  it('is deeply immutable', () => {
    const playbook = result.playbook as Playbook;
    expect(Object.isFrozen(playbook)).toBe(true);
    expect(Object.isFrozen(playbook.nodes)).toBe(true);
    expect(Object.isFrozen(playbook.nodes[0]?.choices[0]?.target)).toBe(true);
    expect(Object.isFrozen(playbook.env[0]?.source)).toBe(true);
    expect(Object.isFrozen(result.diagnostics)).toBe(true);
  });

  it('gives the same model with CRLF line endings', () => {
    const crlf = parsePlaybook(example.replace(/\n/g, '\r\n'), { path: examplePath, dir: `${fixtures}valid` });
    expect(crlf.diagnostics).toEqual([]);
    expect(crlf.playbook).toEqual(result.playbook);
  });

  it('gives the same model with a UTF-8 byte order mark', () => {
    const bom = parsePlaybook(`\uFEFF${example}`, { path: examplePath, dir: `${fixtures}valid` });
    expect(bom.diagnostics).toEqual([]);
    expect(bom.playbook).toEqual(result.playbook);
  });

  it('gives the same model with a BOM and CRLF together', () => {
    const both = parsePlaybook(`\uFEFF${example.replace(/\n/g, '\r\n')}`, { path: examplePath, dir: `${fixtures}valid` });
    expect(both.diagnostics).toEqual([]);
    expect(both.playbook).toEqual(result.playbook);
  });
});

describe('never throws', () => {
  it('returns diagnostics for any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (source) => {
        const result = parse(source);
        expect(Array.isArray(result.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('returns diagnostics for playbook-shaped noise', () => {
    const pieces = fc.constantFrom(
      '---\n', 'id: x\n', 'title: T\n', 'version: 1.0.0\n', 'env:\n', '  - key: a\n', '    ask: q\n', '## A\n', '## Bug: b\n', '# H\n',
      '- [x](#a)\n', '- [y](other.md#b)\n', '- plain\n', '> said\n', '```ask\n', '```check\n', '```reply\n', '```report\n', '```\n',
      'key: k\n', 'run: [a]\n', "pass: '#a'\n", 'pass: #a\n', '{{ answers.k }}\n', '{% if %}\n', '\n', ': : :\n', '[\n', '\t\n', '\r\n', '\uFEFF',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        const result = parse(parts.join(''), { partial: true });
        expect(Array.isArray(result.diagnostics)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('survives a YAML alias bomb and deep nesting', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(() => parse(`---\n${bomb}\n---\n## A\n`)).not.toThrow();
    expect(parse(`---\n${bomb}\n---\n## A\n`).diagnostics.some((d) => d.rule === 'front-matter/invalid-yaml')).toBe(true);
    expect(() => parse(pb(`## A\n\n${'> '.repeat(500)}deep\n\n${'- '.repeat(300)}x\n`))).not.toThrow();
  });
});

describe('front matter', () => {
  it('front-matter/missing: no front matter at all', () => {
    const d = only('# Title\n\n## Start\n', 'front-matter/missing');
    expect([d.line, d.column, d.severity]).toEqual([1, 1, 'error']);
    expect(parse('# Title\n').playbook).toBeUndefined();
  });

  it('front-matter/missing: front matter not on the first line', () => {
    const d = only('\n---\nid: a\ntitle: A\nversion: 1.0.0\n---\n', 'front-matter/missing');
    expect(d.message).toMatch(/very first line/);
  });

  it('front-matter/unclosed: no closing ---', () => {
    const d = only('---\nid: a\ntitle: A\n\n# Title\n', 'front-matter/unclosed');
    expect(d.line).toBe(1);
    expect(parse('---\nid: a\n').playbook).toBeUndefined();
  });

  it('front-matter/invalid-yaml: points at the line in the file', () => {
    const d = only('---\nid: a\ntitle: Export: fails: badly\nversion: 1.0.0\n---\n## A\n', 'front-matter/invalid-yaml');
    expect(d.line).toBe(3);
  });

  it('front-matter/invalid-yaml: duplicate keys', () => {
    const d = only('---\nid: a\nid: b\ntitle: A\nversion: 1.0.0\n---\n', 'front-matter/invalid-yaml');
    expect(d.line).toBe(3);
  });

  it('front-matter/invalid-yaml: not a map', () => {
    only('---\n- a\n- b\n---\n', 'front-matter/invalid-yaml');
  });

  it('front-matter/missing-key: each required key', () => {
    const { diagnostics, playbook } = parse('---\nsummary: nothing else\n---\n## A\n');
    expect(diagnostics.filter((d) => d.rule === 'front-matter/missing-key').map((d) => d.message.match(/no `(\w+)`/)?.[1])).toEqual(['id', 'title', 'version']);
    expect(playbook).toBeUndefined();
  });

  it('front-matter/missing-key: a key with no value', () => {
    const d = only('---\nid:\ntitle: T\nversion: 1.0.0\nsummary:\n---\n', 'front-matter/missing-key');
    expect(d.message).toContain('no `id`');
    expect(parse('---\nid: 404\ntitle: T\nversion: 1.0.0\nsummary:\n---\n').playbook?.id).toBe('404');
  });

  it('front-matter/missing-key: empty front matter', () => {
    expect(parse('---\n---\n## A\n').diagnostics.filter((d) => d.rule === 'front-matter/missing-key')).toHaveLength(3);
  });

  it('front-matter/unknown-key: with did-you-mean; x- keys are allowed', () => {
    const d = only(pb('## A\n\n- [a](#a)\n', 'symtoms: [a]\nx-owner: billing team\n'), 'front-matter/unknown-key');
    expect([d.line, d.column]).toEqual([5, 1]);
    expect(d.message).toContain('Did you mean `symptoms`?');
  });

  it('id/invalid', () => {
    const d = only('---\nid: Export_Fails\ntitle: T\nversion: 1.0.0\n---\n', 'id/invalid');
    expect([d.line, d.column]).toEqual([2, 5]);
    only('---\nid: -bad--id\ntitle: T\nversion: 1.0.0\n---\n', 'id/invalid');
  });

  it('version/invalid: a YAML number, a v prefix, two parts', () => {
    expect(only(pb('', '').replace('version: 1.0.0', 'version: 1.0'), 'version/invalid').message).toMatch(/number 1/);
    expect(only(pb('').replace('version: 1.0.0', 'version: v1.0.0'), 'version/invalid').line).toBe(4);
    only(pb('').replace('version: 1.0.0', "version: '1.0'"), 'version/invalid');
    expect(parse(pb('').replace('version: 1.0.0', 'version: 2.1.0-beta.1')).diagnostics).toEqual([]);
  });

  it('severity/invalid, with did-you-mean; medium by default', () => {
    const d = only(pb('', 'severity: hihg\n'), 'severity/invalid');
    expect([d.line, d.column]).toEqual([5, 11]);
    expect(d.message).toContain('Did you mean `high`?');
    expect(playbookOf(pb('')).severity).toBe('medium');
    expect(playbookOf(pb('', 'severity: critical\n')).severity).toBe('critical');
  });

  it('front-matter/invalid-value: tags not a list, title on two lines', () => {
    expect(only(pb('', 'tags: export\n'), 'front-matter/invalid-value').line).toBe(5);
    only('---\nid: a\ntitle: |\n  two\n  lines\nversion: 1.0.0\n---\n', 'front-matter/invalid-value');
  });

  it('keeps numbers in word lists as text', () => {
    expect(playbookOf(pb('', 'tags: [2fa, 404]\n')).tags).toEqual(['2fa', '404']);
  });

  it('start: explicit (with or without #) or the first ##', () => {
    expect(playbookOf(pb('## One\n\n## Two\n')).start).toBe('one');
    expect(playbookOf(pb('## One\n\n## Two\n', "start: '#two'\n")).start).toBe('two');
    expect(playbookOf(pb('## One\n\n## Two\n', 'start: two\n')).start).toBe('two');
  });

  it('partial: returns a stand-in playbook when the identity is broken', () => {
    const { playbook } = parse('---\ntitle: T\n---\n## Start\n', { partial: true });
    expect(playbook).toMatchObject({ id: 'test', version: '0.0.0', title: 'T', start: 'start' });
  });
});

describe('env fields', () => {
  const env = (lines: string) => pb('## A\n', `env:\n${lines}`);

  it('reads ask, detect and run with their defaults', () => {
    const playbook = playbookOf(
      env('  - key: app_version\n    ask: Version?\n    required: false\n  - key: os\n    detect: os\n  - key: git\n    run: [git, --version]\n  - key: node\n    run: [node, -v]\n    timeout: 2000\n'),
    );
    expect(playbook.env).toEqual([
      { key: 'app_version', source: { kind: 'ask', prompt: 'Version?', required: false }, line: 6 },
      { key: 'os', source: { kind: 'detect', probe: 'os' }, line: 9 },
      { key: 'git', source: { kind: 'run', argv: ['git', '--version'], timeoutMs: 5000 }, line: 11 },
      { key: 'node', source: { kind: 'run', argv: ['node', '-v'], timeoutMs: 2000 }, line: 13 },
    ]);
  });

  it('env/invalid-field: two sources', () => {
    expect(only(env('  - key: a\n    ask: A?\n    detect: os\n'), 'env/invalid-field').line).toBe(6);
  });

  it('env/invalid-field: no source', () => {
    expect(only(env('  - key: a\n'), 'env/invalid-field').message).toMatch(/no source/);
  });

  it('env/invalid-field: bad key', () => {
    const d = only(env('  - key: App-Version\n    ask: A?\n'), 'env/invalid-field');
    expect([d.line, d.column]).toEqual([6, 10]);
  });

  it('env/invalid-field: missing key', () => {
    expect(only(env('  - ask: A?\n'), 'env/invalid-field').message).toMatch(/no `key`/);
  });

  it('env/invalid-field: unknown key with did-you-mean', () => {
    const d = only(env('  - key: a\n    ask: A?\n    requird: false\n'), 'env/invalid-field');
    expect([d.line, d.column]).toEqual([8, 5]);
    expect(d.message).toContain('Did you mean `required`?');
  });

  it('env/invalid-field: unknown probe, run as a string, bad timeout, misplaced options', () => {
    expect(only(env('  - key: a\n    detect: kernel\n'), 'env/invalid-field').line).toBe(7);
    expect(only(env('  - key: a\n    run: git --version\n'), 'env/invalid-field').message).toMatch(/as a list/);
    expect(only(env('  - key: a\n    run: [git]\n    timeout: soon\n'), 'env/invalid-field').line).toBe(8);
    expect(only(env('  - key: a\n    detect: os\n    parse: user-agent\n'), 'env/invalid-field').message).toMatch(/only applies to `ask`/);
    expect(only(env('  - key: a\n    ask: A?\n    parse: browser\n'), 'env/invalid-field').line).toBe(8);
  });

  it('a timeout above 2^31-1 ms (Node would make it 1 ms) is refused, in env run and check blocks', () => {
    expect(only(env('  - key: a\n    run: [git]\n    timeout: 3000000000\n'), 'env/invalid-field').message).toContain('at most 2147483647 milliseconds');
    expect(only(pb("## S\n\n```check\nrun: [a]\ntimeout: 3000000000\npass: '#resolved-done'\nfail: '#resolved-done'\n```\n\n## Resolved: Done\n"), 'check/invalid').message).toContain('at most 2147483647 milliseconds');
  });

  it('env/invalid-field: env is not a list', () => {
    only(pb('## A\n', 'env: browser\n'), 'env/invalid-field');
  });

  it('env/duplicate-key', () => {
    const d = only(env('  - key: a\n    ask: A?\n  - key: a\n    detect: os\n'), 'env/duplicate-key');
    expect(d.line).toBe(8);
    expect(d.message).toMatch(/first on line 6/);
  });
});

describe('body', () => {
  it('takes the H1 and the paragraphs under it as the introduction', () => {
    const playbook = playbookOf(pb('# The *title*\n\nFirst paragraph.\n\n- a note\n\n## Start\n'));
    expect(playbook.heading).toBe('The title');
    expect(playbook.intro).toBe('First paragraph.\n\n- a note');
  });

  it('turns headings into GitHub slugs', () => {
    const playbook = playbookOf(pb('## Only this customer?\n\n## Check `config.yml` (v2)\n\n## Café — ça marche\n'));
    expect(playbook.nodes.map((n) => n.id)).toEqual(['only-this-customer', 'check-configyml-v2', 'café--ça-marche']);
  });

  it('keeps ### headings, paragraphs, other lists and code as guidance; drops HTML comments', () => {
    const node = playbookOf(
      pb('## Start\n\nAsk them to **restart**.\n\n<!-- author note: check with Sam -->\n\n### Details\n\n1. first\n2. second\n\n```bash\nls\n```\n\n- [docs](https://example.com/docs)\n'),
    ).nodes[0];
    expect(node?.guidance).toBe('Ask them to **restart**.\n\n### Details\n\n1. first\n2. second\n\n```bash\nls\n```\n\n- [docs](https://example.com/docs)');
    expect(node?.choices).toEqual([]);
  });

  it('reduces blockquotes to plain text, one entry per blockquote', () => {
    const node = playbookOf(pb('## Start\n\n> Could you open **Settings** → `About`\n> and read the [version](https://x.y)?\n\n> Second one.\n>\n> - with a list\n> - of two\n')).nodes[0];
    expect(node?.script).toEqual(['Could you open Settings → About and read the version?', 'Second one.\n\n- with a list\n- of two']);
  });

  it('reads choice lists: same-file, other playbook, other playbook node', () => {
    const node = playbookOf(pb('## Start\n\n* [Only this customer](#check-the-error)\n* [Billing](refund-request.md)\n* [**Refund** now](../billing/refund-request.md#how-much)\n* [Spaces](my%20playbook.md#a-b)\n')).nodes[0];
    expect(node?.choices.map((c) => [c.label, c.target, c.line, c.column])).toEqual([
      ['Only this customer', { node: 'check-the-error' }, 8, 3],
      ['Billing', { file: 'refund-request.md' }, 9, 3],
      ['Refund now', { file: '../billing/refund-request.md', node: 'how-much' }, 10, 3],
      ['Spaces', { file: 'my playbook.md', node: 'a-b' }, 11, 3],
    ]);
    expect(node?.guidance).toBe('');
  });

  it('classifies link targets', () => {
    expect(linkTarget('#a')).toEqual({ node: 'a' });
    expect(linkTarget('other.md')).toEqual({ file: 'other.md' });
    expect(linkTarget('other.md#x')).toEqual({ file: 'other.md', node: 'x' });
    expect(linkTarget('my%20file.md#caf%C3%A9')).toEqual({ file: 'my file.md', node: 'café' });
    expect(linkTarget('https://example.com/a.md')).toBeUndefined();
    expect(linkTarget('mailto:x@y.z')).toBeUndefined();
    expect(linkTarget('notes.txt')).toBeUndefined();
  });

  it('choices/mixed-list: warning, and the list stays guidance', () => {
    const source = pb('## Start\n\n- [Yes](#a)\n- Maybe, see [No](#b) first\n\n## A\n');
    const d = only(source, 'choices/mixed-list');
    expect([d.line, d.severity]).toEqual([8, 'warning']);
    expect(d.message).toMatch(/line 9/);
    expect(playbookOf(source).nodes[0]?.choices).toEqual([]);
  });

  it('a list of plain items or external links is guidance without a warning', () => {
    expect(parse(pb('## Start\n\n- one\n- [two](https://example.com)\n')).diagnostics).toEqual([]);
  });

  it('choices/multiple-lists: only the first list counts', () => {
    const source = pb('## Start\n\n- [A](#a)\n\nOr else:\n\n- [B](#b)\n');
    const d = only(source, 'choices/multiple-lists');
    expect(d.line).toBe(12);
    expect(playbookOf(source).nodes[0]?.choices.map((c) => c.label)).toEqual(['A']);
  });

  it('node/duplicate-slug: the first heading keeps the id', () => {
    const source = pb('## Check logs\n\n## Check logs!\n');
    const d = only(source, 'node/duplicate-slug');
    expect([d.line, d.column]).toEqual([8, 1]);
    expect(playbookOf(source).nodes.map((n) => [n.id, n.line])).toEqual([['check-logs', 6]]);
  });

  it('node/empty-id', () => {
    expect(only(pb('## ?!\n'), 'node/empty-id').line).toBe(6);
  });

  it('reads every outcome prefix, case-insensitively', () => {
    const playbook = playbookOf(
      pb('## Resolved: a\n\n## WORKAROUND: b\n\n## Works as designed: c\n\n## feature request:d\n\n## Bug : e\n\n## Escalate: f\n\n## Resolution: not an outcome\n\n## Bugs: neither\n'),
    );
    expect(playbook.nodes.map((n) => n.outcome ?? n.title)).toEqual([
      { kind: 'resolved', title: 'a' },
      { kind: 'workaround', title: 'b' },
      { kind: 'works-as-designed', title: 'c' },
      { kind: 'feature-request', title: 'd' },
      { kind: 'bug', title: 'e' },
      { kind: 'escalate', title: 'f' },
      'Resolution: not an outcome',
      'Bugs: neither',
    ]);
  });

  it('block/outside-node: blocks and choices above the first ##', () => {
    const { diagnostics } = parse(pb('# T\n\n```ask\nkey: a\nprompt: A?\n```\n\n- [Go](#start)\n\n## Start\n'));
    expect(diagnostics.map((d) => `${d.line} ${d.rule} ${d.severity}`)).toEqual(['8 block/outside-node warning', '13 block/outside-node warning']);
  });
});

describe('fenced blocks', () => {
  it('reads ask blocks with defaults, several per node', () => {
    const node = playbookOf(
      pb('## Start\n\n```ask\nkey: name\nprompt: Name?\n```\n\n```ask\nkey: browser\nprompt: Browser?\ntype: select\nchoices: [Chrome, Firefox, 11]\nrequired: false\nsecret: true\npattern: ^\\w+$\n```\n'),
    ).nodes[0];
    expect(node?.asks).toEqual([
      { key: 'name', prompt: 'Name?', type: 'text', required: true, secret: false, line: 8 },
      { key: 'browser', prompt: 'Browser?', type: 'select', choices: ['Chrome', 'Firefox', '11'], pattern: '^\\w+$', required: false, secret: true, line: 13 },
    ]);
  });

  it('ask/invalid: missing prompt, bad type, bad key', () => {
    expect(only(pb('## S\n\n```ask\nkey: a\n```\n'), 'ask/invalid').line).toBe(8);
    const type = only(pb('## S\n\n```ask\nkey: a\nprompt: A?\ntype: nubmer\n```\n'), 'ask/invalid');
    expect([type.line, type.column]).toEqual([11, 7]);
    expect(type.message).toContain('Did you mean `number`?');
    expect(only(pb('## S\n\n```ask\nkey: a b\nprompt: A?\n```\n'), 'ask/invalid').line).toBe(9);
    expect(only(pb('## S\n\n```ask\nkey: a\nprompt: A?\nchoices: [x]\n```\n'), 'ask/invalid').severity).toBe('warning');
  });

  it('block/unknown-key with did-you-mean, in ask, check, report and expect', () => {
    const ask = only(pb('## S\n\n```ask\nkey: a\nprompt: A?\nrequird: false\n```\n'), 'block/unknown-key');
    expect([ask.line, ask.column]).toEqual([11, 1]);
    expect(ask.message).toContain('Did you mean `required`?');
    expect(only(pb("## S\n\n```check\nrun: [a]\npass: '#s'\nfail: '#s'\ncaptur: x\n```\n"), 'block/unknown-key').line).toBe(12);
    expect(only(pb("## S\n\n```check\nrun: [a]\npass: '#s'\nfail: '#s'\nexpect:\n  exti: 1\n```\n"), 'block/unknown-key').message).toContain('`exit`');
    expect(only(pb('## Bug: b\n\n```report\ntitel: x\n```\n'), 'block/unknown-key').message).toContain('Did you mean `title`?');
    expect(only(pb('## Resolved: b\n\n```reply ful\nx\n```\n'), 'block/unknown-key').message).toContain('Did you mean `full`?');
  });

  it('block/invalid-yaml: at the line inside the block', () => {
    const d = only(pb('## S\n\n```ask\nkey: a\nprompt: [unclosed\n```\n'), 'block/invalid-yaml');
    expect(d.line).toBeGreaterThanOrEqual(10);
    only(pb('## S\n\n```check\n- just\n- a list\n```\n'), 'block/invalid-yaml');
  });

  it('reads check blocks with defaults; # is optional in targets', () => {
    const node = playbookOf(pb("## S\n\n```check\nrun: [git, --version]\npass: '#ok'\nfail: broken\n```\n\n## Ok\n\n## Broken\n")).nodes[0];
    expect(node?.check).toEqual({ run: ['git', '--version'], timeoutMs: 10000, expect: { exit: 0 }, pass: 'ok', fail: 'broken', line: 8 });
    const full = playbookOf(
      pb("## S\n\n```check\nrun: [curl, -s, '{{env.url}}']\ntimeout: 3000\nexpect:\n  exit: 7\n  stdout: '^ok'\ncapture: body\npass: '#a'\nfail: '#b'\n```\n"),
    ).nodes[0];
    expect(full?.check).toEqual({ run: ['curl', '-s', '{{env.url}}'], timeoutMs: 3000, expect: { exit: 7, stdout: '^ok' }, capture: 'body', pass: 'a', fail: 'b', line: 8 });
  });

  it('check/missing-target: absent, or eaten as a YAML comment', () => {
    const absent = only(pb("## S\n\n```check\nrun: [a]\npass: '#s'\n```\n"), 'check/missing-target');
    expect([absent.line, absent.message]).toEqual([8, expect.stringMatching(/no `fail`/)]);
    const comment = only(pb("## S\n\n```check\nrun: [a]\npass: #s\nfail: '#s'\n```\n"), 'check/missing-target');
    expect(comment.line).toBe(10);
    expect(comment.message).toMatch(/Quote it/);
  });

  it('check/invalid: run missing or a string, bad timeout, bad expect', () => {
    expect(only(pb("## S\n\n```check\npass: '#s'\nfail: '#s'\n```\n"), 'check/invalid').line).toBe(8);
    expect(only(pb("## S\n\n```check\nrun: git --version\npass: '#s'\nfail: '#s'\n```\n"), 'check/invalid').line).toBe(9);
    expect(only(pb("## S\n\n```check\nrun: [a]\ntimeout: -1\npass: '#s'\nfail: '#s'\n```\n"), 'check/invalid').line).toBe(10);
    expect(only(pb("## S\n\n```check\nrun: [a]\nexpect:\n  exit: zero\npass: '#s'\nfail: '#s'\n```\n"), 'check/invalid').line).toBe(11);
  });

  it('reads reply and reply full', () => {
    const playbook = playbookOf(pb('## Resolved: a\n\n```reply\nHi {{ customer.name }}\n```\n\n## Bug: b\n\n```reply full\nWhole reply.\n```\n'));
    expect(playbook.nodes.map((n) => n.reply)).toEqual([
      { template: 'Hi {{ customer.name }}', full: false, line: 8 },
      { template: 'Whole reply.', full: true, line: 14 },
    ]);
  });

  it('reads report blocks; labels default to none', () => {
    const node = playbookOf(pb('## Escalate: e\n\n```report\ncomponent: billing\n```\n')).nodes[0];
    expect(node?.report).toEqual({ component: 'billing', labels: [], line: 8 });
    expect(only(pb('## Bug: b\n\n```report\nseverity: urgent\n```\n'), 'severity/invalid').line).toBe(9);
    expect(only(pb('## Bug: b\n\n```report\nlabels: pdf\n```\n'), 'report/invalid').line).toBe(9);
  });

  it('block/duplicate: a second reply, report or check in one node', () => {
    expect(only(pb('## Resolved: a\n\n```reply\none\n```\n\n```reply\ntwo\n```\n'), 'block/duplicate').line).toBe(12);
    expect(only(pb('## Bug: a\n\n```report\ntitle: a\n```\n\n```report\ntitle: b\n```\n'), 'block/duplicate').line).toBe(12);
    expect(only(pb("## S\n\n```check\nrun: [a]\npass: '#s'\nfail: '#s'\n```\n\n```check\nrun: [b]\npass: '#s'\nfail: '#s'\n```\n"), 'block/duplicate').line).toBe(14);
  });

  it('block/not-outcome: reply or report on a question node', () => {
    const d = only(pb('## Start\n\n```reply\nHello\n```\n\n- [a](#start)\n'), 'block/not-outcome');
    expect([d.line, d.severity]).toEqual([8, 'warning']);
  });

  it('block/empty: an empty reply', () => {
    expect(only(pb('## Resolved: a\n\n```reply\n```\n'), 'block/empty').severity).toBe('warning');
  });

  it('outcome/has-check: a check on an outcome is dropped', () => {
    const source = pb("## Resolved: a\n\n```check\nrun: [a]\npass: '#a'\nfail: '#a'\n```\n");
    expect(only(source, 'outcome/has-check').line).toBe(8);
    expect(playbookOf(source).nodes[0]?.check).toBeUndefined();
  });

  it('ignores fences with other info strings, and ~~~ fences work', () => {
    const node = playbookOf(pb('## Resolved: a\n\n~~~reply\nTilde.\n~~~\n\n```yaml\nkey: value\n```\n')).nodes[0];
    expect(node?.reply?.template).toBe('Tilde.');
    expect(node?.guidance).toBe('```yaml\nkey: value\n```');
  });
});

describe('speed', () => {
  function generated(nodes: number): string {
    const parts = ['---\nid: big\ntitle: Big\nversion: 1.0.0\ntags: [a, b]\nenv:\n  - key: os\n    detect: os\n---\n# Big\n\nIntro.\n'];
    for (let i = 0; i < nodes; i += 1) {
      parts.push(`## Step ${i}\n\nSome *guidance* for step ${i}, see [the docs](https://example.com/${i}).\n\n> Could you check thing ${i} for me?\n`);
      if (i % 5 === 0) parts.push(`\`\`\`ask\nkey: k${i}\nprompt: What do you see?\n\`\`\`\n`);
      parts.push(`- [Yes](#step-${i + 1})\n- [No](#resolved-done)\n`);
    }
    parts.push(`## Step ${nodes}\n\n- [Done](#resolved-done)\n\n## Resolved: Done\n\n\`\`\`reply\nAll good, {{ customer.name | default: "there" }}.\n\`\`\`\n`);
    return parts.join('\n');
  }

  /** CPU time per parse: unlike elapsed time, it does not grow when other tests load the machine. */
  function msPerParse(source: string, runs: number): number {
    for (let i = 0; i < 20; i += 1) parse(source);
    const start = process.cpuUsage();
    for (let i = 0; i < runs; i += 1) parse(source);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 / runs;
  }

  it('parses a generated 200-node playbook well within bounds', () => {
    const source = generated(200);
    const result = parse(source);
    expect(result.diagnostics).toEqual([]);
    expect(result.playbook?.nodes).toHaveLength(202);
    // About 5 ms of CPU here; the bound is generous for slow CI machines.
    expect(msPerParse(source, 20)).toBeLessThan(50);
  });

  it('parses a typical 5 KB playbook in a few milliseconds', () => {
    const source = generated(28);
    expect(source.length).toBeGreaterThan(4500);
    expect(source.length).toBeLessThan(6000);
    expect(msPerParse(source, 100)).toBeLessThan(10);
  });
});
