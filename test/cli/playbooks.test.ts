/** `triage list`, `search`, `show`, `graph` as a user or a script runs them (the built binary). */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, ROOT, triage } from '../helpers/cli.js';

const WS = join(ROOT, 'test', 'fixtures', 'workspace');
const VALID_DIR = join(ROOT, 'test', 'fixtures', 'lint', 'valid');
const ANSI = /\u001b\[/;

/** A home whose ./.triage/playbooks holds a playbook that does not parse, next to a good one. */
function homeWithBrokenPlaybook(): string {
  const home = makeHome();
  const dir = join(home, '.triage', 'playbooks');
  mkdirSync(dir, { recursive: true });
  cpSync(join(VALID_DIR, 'export-fails.md'), join(dir, 'export-fails.md'));
  writeFileSync(join(dir, 'half-done.md'), '---\nid: half-done\ntitle: Half done\nversion: 1.0\n---\n\n## Start\n\n- [Go](#nowhere)\n');
  return home;
}

describe('triage list', () => {
  it('prints the bundled playbooks as plain columns in a pipe, nothing on stderr', () => {
    const r = triage(['list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+VERSION\s+TITLE\s+TAGS\s+SOURCE$/);
    expect(lines.find((l) => l.startsWith('cannot-log-in '))).toMatch(/^cannot-log-in\s+2\.0\.0\s+Customer cannot log in\s+.*\s+bundled$/);
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stdout).not.toMatch(/[│┌└─]/);
  });

  it('--json is an array of {id, version, title, summary, tags, source {origin, dir}, path}', () => {
    const r = triage(['list', '--json']);
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(items.length).toBeGreaterThanOrEqual(3);
    const login = items.find((i) => i.id === 'cannot-log-in');
    expect(login).toMatchObject({ version: '2.0.0', title: 'Customer cannot log in', source: { origin: 'bundled', dir: join(ROOT, 'playbooks') }, path: 'cannot-log-in.md' });
    expect(Object.keys(login!).sort()).toEqual(['id', 'path', 'source', 'summary', 'tags', 'title', 'version']);
  });

  it('shows which directory won an id: later --playbooks beat earlier ones, TRIAGE_PLAYBOOKS beats both', () => {
    const home = makeHome();
    const title = (args: string[], env: Record<string, string> = {}) => {
      const r = triage([...args, 'list', '--json'], { home, cwd: join(WS, 'project'), env: { TRIAGE_CONFIG_DIR: join(WS, 'config'), ...env } });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { id: string; title: string; source: { origin: string } }[]).find((i) => i.id === 'dup');
    };
    expect(title([])).toMatchObject({ title: 'dup from project', source: { origin: 'project' } });
    expect(title(['--playbooks', '../flag-a', '--playbooks', '../flag-b'])).toMatchObject({ title: 'dup from flag-b', source: { origin: 'flag' } });
    expect(title(['--playbooks', '../flag-b', '--playbooks', '../flag-a'])).toMatchObject({ title: 'dup from flag-a' });
    expect(title(['--playbooks', '../flag-a'], { TRIAGE_PLAYBOOKS: '../env-a' })).toMatchObject({ title: 'dup from env-a', source: { origin: 'env' } });
  });

  it('leaves out a playbook that does not parse, says so on stderr, and lists the rest (exit 0)', () => {
    const home = homeWithBrokenPlaybook();
    const r = triage(['list'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^export-fails\s/m);
    expect(r.stdout).not.toContain('half-done');
    expect(r.stderr).toContain('1 playbook file with errors left out:');
    expect(r.stderr).toContain(join(home, '.triage', 'playbooks', 'half-done.md'));
    expect(r.stderr).toContain('`triage lint`');
  });

  it('a --playbooks directory that does not exist is exit 2, with the path', () => {
    const r = triage(['--playbooks', 'nope', 'list']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^triage: --playbooks nope: no such directory \(.*nope\)\.\n {2}hint: /);
  });
});

describe('triage search', () => {
  it('ranks by description, typos included; --json is an array of hits', () => {
    const r = triage(['search', 'pasword', 'reset', 'emial', '--json']);
    expect(r.code).toBe(0);
    const hits = JSON.parse(r.stdout) as { id: string; title: string; score: number; strength: string; matched: string[]; cases: unknown[] }[];
    expect(hits[0]).toMatchObject({ id: 'password-reset-email-missing', strength: 'strong', cases: [] });
    expect(hits[0]!.score).toBeGreaterThan(0);
  });

  it('prints a table in a pipe; no match is an empty stdout and a hint on stderr (exit 0)', () => {
    const found = triage(['search', 'cannot', 'log', 'in', '--limit', '2']);
    expect(found.code).toBe(0);
    expect(found.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(found.stdout).toMatch(/^#\s+ID\s+TITLE\s+SCORE\s+MATCH\s+MATCHED\s+PAST CASES\n1\s+cannot-log-in\s.*\sstrong\s/);
    const none = triage(['search', 'xyzzyqwv']);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toMatch(/No playbook matches/);
    expect(JSON.parse(triage(['search', 'xyzzyqwv', '--json']).stdout)).toEqual([]);
  });

  it('an invalid --limit is a usage error (exit 2), not silently 10', () => {
    for (const limit of ['abc', '0', '-3', '2.5']) {
      const r = triage(['search', 'login', '--limit', limit]);
      expect(r.code, limit).toBe(2);
      expect(r.stderr).toContain(`--limit must be a whole number above 0; got "${limit}"`);
    }
  });
});

describe('triage show', () => {
  it('prints the outline: title, file, env fields, nodes with lines, outcomes', () => {
    const r = triage(['--playbooks', VALID_DIR, 'show', 'export-fails'], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Report export fails  (export-fails 1.0.0)');
    expect(r.stdout).toContain('file: test/fixtures/lint/valid/export-fails.md');
    expect(r.stdout).toMatch(/^ {2}app_version: ask: App version/m);
    expect(r.stdout).toMatch(/^ {2}▶ #which-format-fails {2}\(question, line \d+\)$/m);
    expect(r.stdout).toContain('Outcomes: resolved (#resolved-filter-was-hiding-rows), workaround (#workaround-export-in-parts), bug (#bug-pdf-export-times-out)');
  });

  it('shows a file outside the working directory by its absolute path, not ../../', () => {
    const r = triage(['show', 'cannot-log-in']);
    expect(r.stdout).toContain(`file: ${join(ROOT, 'playbooks', 'cannot-log-in.md')}\n`);
  });

  it('--json has the nodes, their kinds and choices', () => {
    const r = triage(['--playbooks', VALID_DIR, 'show', 'export-fails', '--json']);
    const outline = JSON.parse(r.stdout) as { id: string; start: string; nodes: { id: string; kind: string; choices: unknown[] }[] };
    expect(outline).toMatchObject({ id: 'export-fails', start: 'which-format-fails' });
    expect(outline.nodes.map((n) => n.kind)).toEqual(['question', 'question', 'outcome', 'outcome', 'outcome']);
  });

  it('an unknown id is exit 2 with a suggestion', () => {
    const r = triage(['show', 'cannot-log-n']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('triage: No playbook with id "cannot-log-n".\n  hint: Did you mean "cannot-log-in"? `triage list` shows every playbook.\n');
  });
});

describe('triage graph', () => {
  const graph = (...args: string[]) => triage(['--playbooks', VALID_DIR, 'graph', 'export-fails', ...args]);

  it('prints Mermaid by default', () => {
    const r = graph();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^flowchart TD\n {2}n0\["Which format fails\?"\]\n/);
    expect(r.stdout).toContain('  n0 -->|"CSV"| n1\n');
  });

  it('--format dot and --format tree', () => {
    expect(graph('--format', 'dot').stdout).toMatch(/^digraph "export-fails" \{\n[\s\S]*"which-format-fails" -> "how-many-rows" \[label="CSV"\];\n[\s\S]*\}\n$/);
    expect(graph('--format', 'tree').stdout).toBe(
      'Which format fails?\n├─ [CSV] How many rows?\n│  ├─ [Under 100,000] ■ Resolved: Filter was hiding rows\n│  └─ [100,000 or more] ■ Workaround: Export in parts\n└─ [PDF] ■ Bug: PDF export times out\n',
    );
  });

  it('an unknown format is exit 2 naming the choices', () => {
    const r = graph('--format', 'svg');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Allowed choices are mermaid, dot, tree');
  });
});

describe('a playbook that does not parse', () => {
  it.each([['show'], ['graph'], ['run', '--no-input']])('`triage %s` on it is exit 2 with file:line diagnostics and the lint command', (...args) => {
    const home = homeWithBrokenPlaybook();
    const file = join(home, '.triage', 'playbooks', 'half-done.md');
    const r = triage([args[0]!, 'half-done', ...args.slice(1)], { home });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:4:10  error  `);
    expect(r.stderr).toContain('version/invalid');
    expect(r.stderr).toContain(`triage lint ${file}`);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
  });
});
