/**
 * `triage cases ...` through the built binary, against SQLite and a real PostgreSQL. Cases get in
 * through `cases import` (what `cases export` writes), which is also how the concurrency test
 * starts 20 writers at once.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src/core/case-record.js';
import { buildReport } from '../../src/core/report.js';
import { caseRecord } from '../helpers/case-records.js';
import { BIN, isolatedEnv, makeHome, triage, type CliResult } from '../helpers/cli.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { sampleBugCase } from '../helpers/sample-case.js';

const ANSI = /\u001b\[/;

let pgServer: PostgresServer | undefined;
let databases = 0;

interface Backend {
  readonly name: 'sqlite' | 'postgres';
  setup(): Promise<void>;
  teardown(): void;
  /** Environment for a fresh, empty history. */
  freshEnv(): Record<string, string>;
}

const backends: Backend[] = [
  { name: 'sqlite', setup: async () => {}, teardown: () => {}, freshEnv: () => ({}) },
  {
    name: 'postgres',
    setup: async () => {
      pgServer = await startPostgres();
    },
    teardown: () => pgServer?.stop(),
    freshEnv: () => ({ TRIAGE_DATABASE_URL: pgServer!.createDatabase(`cli_${++databases}`) }),
  },
];

function jsonl(records: readonly CaseRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** A minimal RFC 4180 reader, to check the CSV the way a spreadsheet would read it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const now = Date.now();
const daysAgo = (d: number, h = 0) => new Date(now - d * 86_400_000 - h * 3_600_000).toISOString();
const bug = buildReport(sampleBugCase({ caseId: 'TRI-20261101-BUG1' }));

const HISTORY: CaseRecord[] = [
  caseRecord({ id: 'TRI-20261101-AAA1', playbook: 'cannot-log-in', customer: 'Ada Lovelace', description: 'Cannot log in after the password reset', outcome: 'resolved', startedAt: daysAgo(30), minutes: 4 }),
  caseRecord({ id: 'TRI-20261101-AAA2', playbook: 'cannot-log-in', customer: 'Grace Hopper', description: 'Password reset email never arrives', outcome: 'escalate', outcomeTitle: 'Escalate: mail provider blocks us', handoffTo: 'tier-2', startedAt: daysAgo(10), minutes: 12 }),
  {
    ...caseRecord({ id: 'TRI-20261101-BUG1', playbook: 'export-fails', customer: 'Dana Whitfield', description: 'PDF export, spins "forever",\nthen fails', outcome: 'bug', startedAt: daysAgo(2), minutes: 9 }),
    report: bug as unknown as Record<string, unknown>,
    reply: 'Hi Dana,\n\nthanks for the details: we have filed the PDF export problem with engineering.',
  },
  caseRecord({ id: 'TRI-20261101-OPEN', status: 'open', playbook: 'export-fails', customer: '=HYPERLINK("http://evil")', description: 'Export button missing', startedAt: daysAgo(0, 1) }),
];

describe.each(backends)('triage cases on $name', (backend) => {
  let home: string;
  let env: Record<string, string>;
  const run = (args: readonly string[], input?: string): CliResult => triage(['cases', ...args], { home, env, ...(input === undefined ? {} : { input }) });

  beforeAll(async () => {
    await backend.setup();
    home = makeHome();
    env = backend.freshEnv();
  }, 120_000);
  afterAll(() => backend.teardown());

  it('says how cases get there when the history is empty', () => {
    const result = run(['list']);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toContain('No cases recorded yet');
    expect(JSON.parse(run(['list', '--json']).stdout)).toEqual([]);
    expect(run(['stats']).stdout).toBe('No cases.\n');
  });

  it('imports JSON Lines idempotently', () => {
    const first = run(['import'], jsonl(HISTORY));
    expect(first.stderr).toBe('');
    expect(first).toMatchObject({ code: 0, stdout: 'Imported 4 cases: 4 new, 0 updated, 0 unchanged.\n' });
    const again = run(['import', '--json'], jsonl(HISTORY));
    expect(JSON.parse(again.stdout)).toEqual({ inserted: 0, updated: 0, unchanged: 4, read: 4 });
  });

  it('lists most recent first, as a plain table off a terminal or as JSON, with filters', () => {
    const table = run(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(ANSI);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CASE\s+STARTED \(UTC\)\s+PLAYBOOK\s+OUTCOME\s+CUSTOMER\s+TIME$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['TRI-20261101-OPEN', 'TRI-20261101-BUG1', 'TRI-20261101-AAA2', 'TRI-20261101-AAA1']);
    const ids = (args: string[]) => (JSON.parse(run(['list', '--json', ...args]).stdout) as { id: string }[]).map((c) => c.id);
    expect(ids(['--playbook', 'cannot-log-in'])).toEqual(['TRI-20261101-AAA2', 'TRI-20261101-AAA1']);
    expect(ids(['--outcome', 'bug,escalate'])).toEqual(['TRI-20261101-BUG1', 'TRI-20261101-AAA2']);
    expect(ids(['--customer', 'hopper'])).toEqual(['TRI-20261101-AAA2']);
    expect(ids(['--since', '7d'])).toEqual(['TRI-20261101-OPEN', 'TRI-20261101-BUG1']);
    expect(ids(['--since', daysAgo(11).slice(0, 10), '--status', 'done'])).toEqual(['TRI-20261101-BUG1', 'TRI-20261101-AAA2']);
    const limited = run(['list', '--limit', '1']);
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(limited.stderr).toContain('Showing 1 of 4 cases');
  });

  it('rejects bad filters with exit 2 and a hint', () => {
    for (const args of [['list', '--since', 'last tuesday'], ['list', '--outcome', 'fixed'], ['list', '--limit', 'many'], ['purge'], ['purge', '--older-than', 'soon']]) {
      const result = run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/triage: |error: /);
    }
    expect(run(['list', '--since', 'last tuesday']).stderr).toContain('hint: Use a duration such as 7d');
  });

  it('shows a case by unique prefix as text, markdown and JSON', () => {
    const text = run(['show', 'TRI-20261101-AAA1', '--format', 'text']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Case {8}TRI-20261101-AAA1$/m);
    expect(text.stdout).toContain('Ada Lovelace wrote by email, calm');
    const markdown = run(['show', 'tri-20261101-bu']);
    expect(markdown.stdout).toContain('## Case TRI-20261101-BUG1');
    expect(markdown.stdout).toContain('| Outcome | bug: bug at the end of export-fails |');
    expect(JSON.parse(run(['show', 'TRI-20261101-AAA2', '--format', 'json']).stdout)).toEqual(HISTORY[1]);
  });

  it('shows the stored report through the report renderers, and the reply', () => {
    const markdown = run(['show', 'TRI-20261101-BUG1', '--as', 'report', '--format', 'markdown']);
    expect(markdown).toMatchObject({ code: 0, stderr: '' });
    expect(markdown.stdout).toContain(`## ${bug.title}`);
    expect(markdown.stdout).toContain('### Steps to reproduce');
    expect(JSON.parse(run(['show', 'TRI-20261101-BUG1', '--as', 'report', '--format', 'json']).stdout)).toEqual(bug);
    expect(run(['show', 'TRI-20261101-BUG1', '--as', 'report', '--format', 'text']).stdout).toContain('Steps to reproduce');
    expect(run(['show', 'TRI-20261101-BUG1', '--as', 'reply']).stdout).toBe(`${HISTORY[2]!.reply}\n`);
    const open = run(['show', 'TRI-20261101-OPEN', '--as', 'reply']);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('has no reply yet (it is still open)');
    expect(open.stderr).toContain('triage resume TRI-20261101-OPEN');
  });

  it('exits 2 with a hint for an unknown or ambiguous case id', () => {
    const unknown = run(['show', 'TRI-1999']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('No case "TRI-1999" in the case history');
    expect(unknown.stderr).toContain('hint: See the recorded cases with `triage cases list`');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const ambiguous = run(['show', 'TRI-20261101-AAA']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('matches more than one case: TRI-20261101-AAA1, TRI-20261101-AAA2');
    expect(run(['export', 'TRI-nope']).code).toBe(2);
  });

  it('searches with ranking and snippets', () => {
    const result = run(['search', 'password', 'reset']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^1\. TRI-20261101-AAA[12] · /);
    expect(result.stdout).toContain('«');
    expect(result.stdout).not.toMatch(ANSI);
    const hits = JSON.parse(run(['search', 'password', '--json']).stdout) as { id: string; snippet: string; score: number; outcome: { kind: string } }[];
    expect(hits.map((h) => h.id).sort()).toEqual(['TRI-20261101-AAA1', 'TRI-20261101-AAA2']);
    expect(hits[0]!.snippet).toMatch(/«password»/i);
    expect(JSON.parse(run(['search', 'password', '--outcome', 'escalate', '--json']).stdout)).toHaveLength(1);
    const relaxed = run(['search', 'pdf', 'zebra']);
    expect(relaxed.stdout).toContain('TRI-20261101-BUG1');
    expect(relaxed.stderr).toContain('No case matches every word');
    const none = run(['search', 'zebra']);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toContain('No past case matches');
  });

  it('prints stats without ANSI off a terminal, and as JSON', () => {
    const text = run(['stats']);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(ANSI);
    expect(text.stdout).toMatch(/^Cases\s+4 \(3 finished, 1 open\)$/m);
    expect(text.stdout).toMatch(/^First-contact resolution\s+33% \(1 of 3 first contacts\)$/m);
    expect(text.stdout).toMatch(/^Median time to outcome\s+9 min$/m);
    expect(text.stdout).toContain('Top escalations');
    expect(text.stdout).toMatch(/^cannot-log-in\s+Escalate: mail provider blocks us\s+tier-2\s+1\s/m);
    const stats = JSON.parse(run(['stats', '--json', '--since', '7d']).stdout) as { cases: number; since: string; fcr: { rate: number } };
    expect(stats.cases).toBe(2);
    expect(stats.fcr.rate).toBe(0);
  });

  it('exports JSON Lines that import into another history unchanged', () => {
    const exported = run(['export']);
    expect(exported.code).toBe(0);
    const records = exported.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as CaseRecord);
    expect(records.map((r) => r.id)).toEqual(['TRI-20261101-AAA1', 'TRI-20261101-AAA2', 'TRI-20261101-BUG1', 'TRI-20261101-OPEN']);
    expect(records).toEqual([HISTORY[0], HISTORY[1], HISTORY[2], HISTORY[3]]);
    const otherHome = makeHome();
    const otherEnv = backend.freshEnv();
    expect(triage(['cases', 'import', '-'], { home: otherHome, env: otherEnv, input: exported.stdout }).code).toBe(0);
    expect(triage(['cases', 'export'], { home: otherHome, env: otherEnv }).stdout).toBe(exported.stdout);
    expect(run(['export', 'TRI-20261101-BUG1', 'TRI-20261101-AAA1']).stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as CaseRecord).id)).toEqual([
      'TRI-20261101-BUG1',
      'TRI-20261101-AAA1',
    ]);
  });

  it('exports CSV a spreadsheet reads back: one row per case, quoted, formulas defused', () => {
    const result = run(['export', '--format', 'csv']);
    expect(result.code).toBe(0);
    const rows = parseCsv(result.stdout);
    expect(rows).toHaveLength(5);
    const [head, ...body] = rows;
    expect(head).toContain('description');
    for (const row of body) expect(row).toHaveLength(head!.length);
    const column = (row: string[], name: string) => row[head!.indexOf(name)];
    const bugRow = body.find((r) => r[0] === 'TRI-20261101-BUG1')!;
    expect(column(bugRow, 'description')).toBe('PDF export, spins "forever",\nthen fails');
    expect(column(bugRow, 'outcome_kind')).toBe('bug');
    expect(column(bugRow, 'severity')).toBe(bug.severity ?? '');
    expect(column(bugRow, 'duration_ms')).toBe(String(9 * 60_000));
    const openRow = body.find((r) => r[0] === 'TRI-20261101-OPEN')!;
    expect(column(openRow, 'customer_name')).toBe(`'=HYPERLINK("http://evil")`);
    expect(column(openRow, 'status')).toBe('open');
  });

  it('purges by age: a dry run first, then for real', () => {
    const dry = run(['purge', '--older-than', '7d', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Would remove 2 cases last updated before .* UTC \(dry run: nothing was deleted\)\.\n$/);
    expect(JSON.parse(run(['list', '--json']).stdout)).toHaveLength(4);
    const real = JSON.parse(run(['purge', '--older-than', '7d', '--json']).stdout) as { removed: number; dryRun: boolean };
    expect(real).toMatchObject({ removed: 2, dryRun: false });
    expect((JSON.parse(run(['list', '--json']).stdout) as { id: string }[]).map((c) => c.id)).toEqual(['TRI-20261101-OPEN', 'TRI-20261101-BUG1']);
    expect(run(['search', 'password']).stdout).toBe('');
  });

  it('rejects an import line that is not a case, naming the line', () => {
    mkdirSync(join(home, 'in'), { recursive: true });
    const file = join(home, 'in', 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify(HISTORY[0])}\n{"id": "x"}\n`);
    const result = run(['import', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2: Cannot import this line: it is not a case record: status:`);
    expect(run(['import', join(home, 'missing.jsonl')]).code).toBe(2);
  });

  it('loses nothing when 20 processes write at once', async () => {
    const writerHome = makeHome();
    const writerEnv: Record<string, string> = { ...(process.env as Record<string, string>), ...isolatedEnv(writerHome), ...backend.freshEnv() };
    for (const key of Object.keys(writerEnv)) if (key.startsWith('TRIAGE_') && key !== 'TRIAGE_DATABASE_URL') delete writerEnv[key];
    // Each writer saves its own case three times (open, open, done), like a session does.
    const writer = (n: number): Promise<CliResult> => {
      const id = `TRI-20261127-${String(n).padStart(4, '0')}`;
      const saves = [
        caseRecord({ id, status: 'open', minutes: 1, customer: `Customer ${n}`, description: `concurrent writer number${n}` }),
        caseRecord({ id, status: 'open', minutes: 2, customer: `Customer ${n}`, description: `concurrent writer number${n}` }),
        caseRecord({ id, status: 'done', minutes: 3, customer: `Customer ${n}`, description: `concurrent writer number${n}` }),
      ];
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'cases', 'import'], { cwd: writerHome, env: writerEnv, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
        child.stdin.end(jsonl(saves));
      });
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => writer(n)));
    for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '', stdout: 'Imported 3 cases: 1 new, 2 updated, 0 unchanged.\n' });
    const listed = JSON.parse(triage(['cases', 'list', '--json', '--limit', '0'], { home: writerHome, env: writerEnv }).stdout) as { id: string; status: string }[];
    expect(listed).toHaveLength(20);
    expect(listed.every((c) => c.status === 'done')).toBe(true);
    expect(new Set(listed.map((c) => c.id)).size).toBe(20);
    const found = JSON.parse(triage(['cases', 'search', 'number7', '--json'], { home: writerHome, env: writerEnv }).stdout) as { id: string }[];
    expect(found.map((h) => h.id)).toEqual(['TRI-20261127-0007']);
    if (backend.name === 'sqlite') {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(join(writerHome, '.local', 'share', 'triage', 'cases.db'));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // Throws when the full-text index and the cases table disagree.
      db.prepare("INSERT INTO cases_fts (cases_fts) VALUES ('integrity-check')").run();
      db.close();
    }
  }, 120_000);
});
