/**
 * Every JSON document triage prints matches its published schema (schemas/), and so do the
 * examples in the docs. The binary is spawned as a script would run it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { makeHome, ROOT, triage } from '../helpers/cli.js';
import { SCHEMA_NAMES, schemaErrors } from '../helpers/schemas.js';

const EXPORT_ANSWERS = [
  '-a', 'browser=Chrome 131 on macOS',
  '-a', 'upload-or-export=2',
  '-a', 'how-big-is-the-export=3',
  '-a', 'export_format=CSV',
  '-a', 'row_count=4200',
  '-a', 'rows_expected=4200',
  '-a', 'rows_received=0',
  '-a', 'do-filters-explain-the-missing-rows=3',
];

function parsed(stdout: string): unknown {
  return JSON.parse(stdout) as unknown;
}

/** Keys of an object and of the objects in it (not their values), to compare documents' shapes. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
  if (value === null || typeof value !== 'object') return typeof value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? 'null' : shape(v)]));
}

/** The fenced ```json blocks of a document, parsed. */
function jsonBlocks(doc: string): unknown[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  return [...text.matchAll(/^```json\n([\s\S]*?)^```/gm)].map((m) => JSON.parse(m[1]!) as unknown);
}

describe('published schemas', () => {
  it('every schema compiles in strict mode, and package.json ships them', () => {
    expect(SCHEMA_NAMES).toEqual(expect.arrayContaining(['answers', 'cases', 'cases-replay', 'cases-search', 'check', 'env', 'lint', 'list', 'reply', 'report', 'search', 'test']));
    for (const name of SCHEMA_NAMES) expect(() => schemaErrors(name, {})).not.toThrow();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schemas');
  });

  it('reject what the docs promise is there when it is missing', () => {
    const [example] = jsonBlocks('docs/report-format.md') as Record<string, unknown>[];
    const { reply: _reply, ...withoutReply } = example!;
    expect(schemaErrors('report', withoutReply).join('\n')).toContain("must have required property 'reply'");
    expect(schemaErrors('report', { ...example, outcome: { kind: 'fixed', node: 'x', title: 'x' } })).not.toEqual([]);
    expect(schemaErrors('env', { schema: 'triage.env/v1' })).not.toEqual([]);
    expect(schemaErrors('answers', { key: { nested: 'map' } })).not.toEqual([]);
  });
});

describe('the docs examples validate', () => {
  it('docs/report-format.md', () => {
    const blocks = jsonBlocks('docs/report-format.md');
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(schemaErrors('report', block)).toEqual([]);
  });

  it('docs/environment.md', () => {
    const blocks = jsonBlocks('docs/environment.md').filter((b) => (b as { schema?: string }).schema === 'triage.env/v1');
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(schemaErrors('env', block)).toEqual([]);
  });
});

describe('JSON outputs validate against their schemas', () => {
  let home: string;
  let caseId: string;

  beforeAll(() => {
    home = makeHome();
    const run = triage(['run', 'upload-or-export-fails', '--no-input', '--format', 'json', ...EXPORT_ANSWERS], { home });
    expect(run.code, run.stderr).toBe(0);
    caseId = (parsed(run.stdout) as { case: { id: string } }).case.id;
  });

  it('run --format json: the report (triage.report/v1) and, with --emit reply, the reply (triage.reply/v1)', () => {
    const full = triage(
      ['run', 'upload-or-export-fails', '--no-input', '--format', 'json', '--emit', 'both', '--customer', 'Kai Moana', '--channel', 'chat', '--mood', 'frustrated',
        '--description', 'CSV export is empty', '--case-id', 'TRI-20261127-4B1D', '--no-history', ...EXPORT_ANSWERS],
      { home, env: { SOURCE_DATE_EPOCH: '1764201600' } },
    );
    expect(full.code, full.stderr).toBe(0);
    expect(schemaErrors('report', parsed(full.stdout))).toEqual([]);
    // docs/report-format.md shows this run: its example has the fields the real report has.
    const [example] = jsonBlocks('docs/report-format.md') as Record<string, unknown>[];
    expect(shape(example)).toEqual(shape(parsed(full.stdout)));
    const reply = triage(['run', 'refund-request', '--no-input', '--format', 'json', '--emit', 'reply', '--no-history', '-a', 'why-do-they-want-a-refund=It renewed when they meant to cancel', '-a', 'reference=INV-20431', '-a', 'charge_date=2024-06-02', '-a', 'amount=49.00 EUR', '-a', 'plan=Pro, monthly', '-a', 'when-was-it-charged=Within the refund window, 500 or less', '-a', 'cancel_subscription=done', '-a', 'refund_payment=done', '-a', 'refund_payment.reference=RF-88120'], { home });
    expect(reply.code, reply.stderr).toBe(0);
    expect(schemaErrors('reply', parsed(reply.stdout))).toEqual([]);
  });

  it('a report with a confirmed agent action, given as an answers-file object', () => {
    const answers = 'are-both-charges-settled: 1\nrefund_duplicate: {status: done, reference: RF-1234}\n';
    const run = triage(['--playbooks', join(ROOT, 'test', 'fixtures', 'actions'), 'run', 'duplicate-charge', '--answers', '-', '--format', 'json', '--no-history'], { home, input: answers });
    expect(run.code, run.stderr).toBe(0);
    const report = parsed(run.stdout) as { actions: unknown[] };
    expect(report.actions).toEqual([expect.objectContaining({ key: 'refund_duplicate', status: 'done', reference: 'RF-1234' })]);
    expect(schemaErrors('report', report)).toEqual([]);
    expect(schemaErrors('answers', parseYaml(answers))).toEqual([]);
  });

  it('cases replay --json and as text: the same outcome by the same path', () => {
    const replay = triage(['cases', 'replay', caseId, '--json'], { home });
    expect(replay.code, replay.stderr).toBe(0);
    const doc = parsed(replay.stdout) as { same: boolean };
    expect(doc.same).toBe(true);
    expect(schemaErrors('cases-replay', doc)).toEqual([]);
    const text = triage(['cases', 'replay', caseId], { home });
    expect(text.stdout).toContain(`Case ${caseId}: upload-or-export-fails`);
    expect(text.stdout).toContain('Same outcome by the same path.');
  });

  it('cases show --as report --format json', () => {
    const shown = triage(['cases', 'show', caseId, '--as', 'report', '--format', 'json'], { home });
    expect(shown.code, shown.stderr).toBe(0);
    expect(schemaErrors('report', parsed(shown.stdout))).toEqual([]);
  });

  it('cases show --format json and cases export: the case record, also with a helpdesk ticket and its posts', () => {
    const shown = triage(['cases', 'show', caseId, '--format', 'json'], { home });
    expect(shown.code, shown.stderr).toBe(0);
    const record = parsed(shown.stdout) as Record<string, unknown>;
    expect(schemaErrors('case', record)).toEqual([]);
    const exported = triage(['cases', 'export'], { home });
    for (const line of exported.stdout.trim().split('\n')) expect(schemaErrors('case', JSON.parse(line))).toEqual([]);

    // A case from a ticket, as `run --ticket … --post` records it, goes through import and back out.
    const fromTicket = {
      ...record,
      id: 'TRI-20261205-7C4E',
      ticket: { provider: 'rt', id: '42', webUrl: 'https://rt.example.com/Ticket/Display.html?id=42' },
      posts: [
        { kind: 'reply', provider: 'rt', ticketId: '42', status: 'sent', at: '2026-12-05T10:00:00.000Z', remoteId: '381' },
        { kind: 'note', provider: 'rt', ticketId: '42', status: 'pending', at: '2026-12-05T10:00:01.000Z' },
      ],
    };
    expect(triage(['cases', 'import'], { home, input: `${JSON.stringify(fromTicket)}\n` }).code).toBe(0);
    const again = triage(['cases', 'show', 'TRI-20261205-7C4E', '--format', 'json'], { home });
    expect(again.code, again.stderr).toBe(0);
    const shownAgain = parsed(again.stdout) as { posts: unknown[] };
    expect(shownAgain.posts).toHaveLength(2);
    expect(schemaErrors('case', shownAgain)).toEqual([]);
    // The schema holds a post to its documented states.
    expect(schemaErrors('case', { ...fromTicket, posts: [{ ...fromTicket.posts[0], status: 'queued' }] })).not.toEqual([]);
  });

  it('env --json (triage.env/v1), whole and with --only', () => {
    for (const args of [['env', '--json', '--timeout', '5000'], ['env', '--json', '--only', 'system']]) {
      const env = triage(args, { home });
      expect(env.code, env.stderr).toBe(0);
      expect(schemaErrors('env', parsed(env.stdout))).toEqual([]);
    }
  });

  it('lint --format json, clean and with errors', () => {
    const clean = triage(['lint', '--format', 'json'], { home });
    expect(clean.code, clean.stderr).toBe(0);
    expect(schemaErrors('lint', parsed(clean.stdout))).toEqual([]);
    const dir = join(home, 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'broken.md'), '---\nid: broken\n---\n\n# Broken\n\n## Start\n\n- [Go](#nowhere)\n');
    const broken = triage(['lint', dir, '--format', 'json'], { home });
    expect(broken.code).toBe(1);
    const doc = parsed(broken.stdout) as { diagnostics: unknown[] };
    expect(doc.diagnostics.length).toBeGreaterThan(0);
    expect(schemaErrors('lint', doc)).toEqual([]);
  });

  it('test --format json, passing and failing', () => {
    const passing = triage(['test', join(ROOT, 'test', 'fixtures', 'playbook-tests', 'passing'), '--format', 'json'], { home });
    expect(passing.code, passing.stderr).toBe(0);
    expect(schemaErrors('test', parsed(passing.stdout))).toEqual([]);
    const dir = join(home, 'failing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'refund-request.test.yaml'), 'playbook: refund-request\ncases:\n  - name: wrong outcome\n    answers:\n      why-do-they-want-a-refund: 1\n      when-was-it-charged: 1\n    outcome: escalate-nowhere\n');
    const failing = triage(['test', join(dir, 'refund-request.test.yaml'), '--format', 'json'], { home });
    expect(failing.code).toBe(1);
    const doc = parsed(failing.stdout) as { ok: boolean };
    expect(doc.ok).toBe(false);
    expect(schemaErrors('test', doc)).toEqual([]);
  });

  it('check --json, a failing command check that decides the outcome', () => {
    const check = triage(['--playbooks', join(ROOT, 'test', 'fixtures', 'run', 'failing-check'), 'check', 'failing-check', '--allow-commands', '--json'], { home });
    expect(check.code, check.stderr).toBe(1);
    const doc = parsed(check.stdout) as { checks: unknown[]; first_failure: unknown };
    expect(doc.checks.length).toBe(2);
    expect(doc.first_failure).not.toBeNull();
    expect(schemaErrors('check', doc)).toEqual([]);
  });

  it('list --json, search --json, cases list --json, cases search --json', () => {
    const list = triage(['list', '--json'], { home });
    expect(list.code, list.stderr).toBe(0);
    expect((parsed(list.stdout) as unknown[]).length).toBeGreaterThan(10);
    expect(schemaErrors('list', parsed(list.stdout))).toEqual([]);
    const search = triage(['search', 'my', 'csv', 'download', 'is', 'empty', '--json'], { home });
    expect(search.code, search.stderr).toBe(0);
    expect((parsed(search.stdout) as unknown[]).length).toBeGreaterThan(0);
    expect(schemaErrors('search', parsed(search.stdout))).toEqual([]);
    const cases = triage(['cases', 'list', '--json'], { home });
    expect(cases.code, cases.stderr).toBe(0);
    expect((parsed(cases.stdout) as unknown[]).length).toBeGreaterThan(0);
    expect(schemaErrors('cases', parsed(cases.stdout))).toEqual([]);
    const found = triage(['cases', 'search', 'csv', '--json'], { home });
    expect(found.code, found.stderr).toBe(0);
    expect((parsed(found.stdout) as unknown[]).length).toBeGreaterThan(0);
    expect(schemaErrors('cases-search', parsed(found.stdout))).toEqual([]);
  });

  it('an answers file as docs/cli.md shows it is valid and runs', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
    const yamlBlock = /## Answers file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(yamlBlock).toBeDefined();
    const answers = parseYaml(yamlBlock!) as Record<string, unknown>;
    expect(schemaErrors('answers', answers)).toEqual([]);
    const run = triage(['run', 'upload-or-export-fails', '--answers', '-', '--format', 'json', '--no-history'], { home, input: JSON.stringify(answers) });
    expect(run.code, run.stderr).toBe(0);
    expect(schemaErrors('report', parsed(run.stdout))).toEqual([]);
  });
});
