import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPlaybookTests, testRunFailed, type TestCaseResult, type TestRun } from '../../src/app/playbook-tests.js';
import type { WorkspaceInput } from '../../src/app/workspace.js';
import type { PhraseBank } from '../../src/core/phrases.js';
import { bundledTemplatesDir, loadPhraseBank } from '../../src/io/phrase-bank.js';
import { isolatedEnv } from '../helpers/cli.js';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'playbook-tests');

let phrases: PhraseBank;
beforeAll(async () => {
  phrases = await loadPhraseBank(bundledTemplatesDir());
});

/** A workspace without bundled or user playbooks: only what the paths name. */
function workspace(): WorkspaceInput {
  const home = mkdtempSync(join(tmpdir(), 'triage-tests-'));
  return { packageRoot: home, cwd: FIXTURES, env: isolatedEnv(home), flagDirs: [] };
}

function run(...paths: string[]): Promise<TestRun> {
  return runPlaybookTests(workspace(), paths, { phrases });
}

function byName(result: TestRun, name: string): TestCaseResult {
  const found = result.files.flatMap((f) => f.cases).find((c) => c.name === name);
  if (!found) throw new Error(`no case ${name}`);
  return found;
}

describe('runPlaybookTests: every reply is checked as the customer reads it', () => {
  it('fails a case whose reply claims an unconfirmed action, shows the outcome title, gives two timelines or repeats a phrase', async () => {
    const result = await run('reply-rules');
    expect(byName(result, 'refund confirmed')).toMatchObject({ passed: true, failures: [] });
    expect(byName(result, 'article optional and not sent')).toMatchObject({ passed: true, failures: [] });
    const at = (line: number) => ` (every reply is checked for this; fix the reply block at line ${line} or the phrase bank)`;
    expect(byName(result, 'claims a refund nobody made').failures).toEqual([`the reply says "I've refunded", but no action was confirmed done on this path${at(63)}`]);
    expect(byName(result, 'title, two timelines and a repeat').failures).toEqual([
      `the reply shows the outcome's title "Refund button broken", which is written for agents, not customers${at(73)}`,
      `the reply gives two timelines, "within 2 days" and "within one business day"${at(73)}`,
      `the reply says "bearing with" twice${at(73)}`,
    ]);
  });
});

describe('runPlaybookTests', () => {
  it('passes cases that reach their outcome with the expected reply and report, and measures coverage', async () => {
    const result = await run('passing');
    expect(result.totals).toEqual({ files: 1, invalidFiles: 0, cases: 4, passed: 4, failed: 0, playbooks: 1, outcomes: 4, covered: 4 });
    expect(result.files[0]?.cases.map((c) => [c.name, c.passed, c.failures])).toEqual([
      ['filter hid the rows', true, []],
      ['big export', true, []],
      ['pdf times out while the service is up', true, []],
      ['export service down', true, []],
    ]);
    expect(byName(result, 'filter hid the rows').path).toEqual(['which-format-fails', 'how-many-rows', 'resolved-filter-was-hiding-rows']);
    expect(byName(result, 'export service down').outcome).toMatchObject({ playbook: 'export-fails', node: 'escalate-export-service-down', kind: 'escalate' });
    expect(result.coverage[0]?.outcomes.map((o) => [o.node, o.reachedBy.map((r) => r.name)])).toEqual([
      ['resolved-filter-was-hiding-rows', ['filter hid the rows']],
      ['workaround-export-in-parts', ['big export']],
      ['bug-pdf-export-times-out', ['pdf times out while the service is up']],
      ['escalate-export-service-down', ['export service down']],
    ]);
    expect(testRunFailed(result, { requireFullCoverage: true })).toBe(false);
  });

  it('a .md path runs the test file next to it', async () => {
    const result = await run('passing/export-fails.md');
    expect(result.totals.passed).toBe(4);
  });

  it('says precisely why each failing case failed', async () => {
    const result = await run('failing');
    expect(result.totals).toMatchObject({ cases: 6, passed: 0, failed: 6 });
    expect(testRunFailed(result, { requireFullCoverage: false })).toBe(true);
    expect(byName(result, 'wrong outcome').failures).toEqual([
      'expected outcome workaround-export-in-parts, got resolved-filter-was-hiding-rows via which-format-fails → how-many-rows → resolved-filter-was-hiding-rows',
    ]);
    const [missing] = byName(result, 'missing answers').failures;
    expect(missing).toContain('missing answers: rows (Roughly how many rows does the report have?); how-many-rows (How many rows?; one of: "Under 100,000", "100,000 or more")');
    expect(missing).toContain('the run got as far as which-format-fails → how-many-rows');
    expect(missing).toContain('answers never asked for: rowz');
    const [check] = byName(result, 'missing check result').failures;
    expect(check).toContain('no result for the check at "Is the export service up?" (is-the-export-service-up, which runs `curl -sS https://status.example.com/export`)');
    expect(check).toContain('add `checks: { is-the-export-service-up: pass }`');
    expect(byName(result, 'reply lacks a phrase').failures).toEqual([
      'reply lacks "ALL 10 ROWS" (it has "all 10 rows": matching is case-sensitive)',
      'reply lacks "refund"',
      expect.stringMatching(/^reply contains "filter", which it must not: ….*filter/),
    ]);
    expect(byName(result, 'invalid choice').failures[0]).toContain('"Excel" is not one of its choices. Allowed: CSV, PDF.');
    expect(byName(result, 'not an outcome').failures).toEqual([
      expect.stringMatching(/^outcome how-many-rows is a node but not an outcome of playbook "export-fails"\. Its outcomes: resolved-filter-was-hiding-rows, /),
    ]);
  });

  it('reports outcomes no case reaches, and fails on them only when full coverage is required', async () => {
    const result = await run('uncovered');
    expect(result.totals).toMatchObject({ passed: 1, failed: 0, outcomes: 4, covered: 1 });
    expect(result.coverage[0]?.outcomes.filter((o) => o.reachedBy.length === 0).map((o) => [o.node, o.line])).toEqual([
      ['workaround-export-in-parts', 52],
      ['bug-pdf-export-times-out', 59],
      ['escalate-export-service-down', 74],
    ]);
    expect(testRunFailed(result, { requireFullCoverage: false })).toBe(false);
    expect(testRunFailed(result, { requireFullCoverage: true })).toBe(true);
  });

  it('invalid test files are problems with file and line, and fail the run', async () => {
    const result = await run('invalid');
    expect(result.totals.invalidFiles).toBe(3);
    expect(testRunFailed(result, { requireFullCoverage: false })).toBe(true);
    const problems = result.files.flatMap((f) => f.problems.map((p) => `${p.file.slice(FIXTURES.length + 1)}:${p.line} ${p.message.slice(0, 40)}`));
    expect(problems).toEqual([
      'invalid/bad-yaml.test.yaml:5 not valid YAML: Flow map in block collec',
      'invalid/unknown-key.test.yaml:8 unknown key `reply_contain` in cases[1].',
      'invalid/unknown-key.test.yaml:10 cases[2] has no `name`: it is required. ',
      'invalid/unknown-key.test.yaml:13 `intake.mood` "grumpy" is not one of `ca',
      'invalid/unknown-key.test.yaml:14 cases[3].checks.x: a check result must b',
      'invalid/unknown-playbook.test.yaml:2 no playbook with id "export-fail" is loa',
    ]);
    expect(result.files[2]?.problems[0]?.message).toContain('Did you mean "export-fails"?');
    // A directory that was searched lists its playbooks in the coverage even without valid tests.
    expect(result.coverage.map((c) => [c.playbook, c.tested])).toEqual([['export-fails', false]]);
  });

  it('a missing path is a usage error; a path without tests fails', async () => {
    await expect(run('nowhere')).rejects.toMatchObject({ code: 'test/path-missing', exitCode: 2 });
    await expect(run('reply-craft')).rejects.toMatchObject({ code: 'test/none-found', exitCode: 1 });
    await expect(run('reply-craft/clean.md')).rejects.toMatchObject({ code: 'test/no-tests', exitCode: 1 });
  });
});
