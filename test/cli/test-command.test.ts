import { describe, expect, it } from 'vitest';
import { makeHome, ROOT, triage } from '../helpers/cli.js';

const FIXTURES = 'test/fixtures/playbook-tests';

/** Runs from the repository root, so paths print relative to it (as in CI). */
function run(args: readonly string[], home?: string) {
  return triage(args, { cwd: ROOT, ...(home ? { home } : {}) });
}

describe('triage test', () => {
  it('the bundled playbooks pass their tests with every outcome covered', () => {
    const result = run(['test', '--require-full-coverage']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+ test files, \d+ cases: (\d+) passed, 0 failed\. Coverage: (\d+)\/\2 outcomes \(100%\) in \d+ playbooks\.$/m);
    expect(result.stdout).toContain('Coverage (outcomes reached by a case)');
    expect(result.stdout).toMatch(/^ {2}refund-request {2}(\d+)\/\1 {2}playbooks\/refund-request\.md$/m);
  });

  it('prints each case, the coverage of every outcome, and the totals', () => {
    const result = run(['test', `${FIXTURES}/passing`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `${FIXTURES}/passing/export-fails.test.yaml  (export-fails)`,
        '  ✓ filter hid the rows',
        '  ✓ big export',
        '  ✓ pdf times out while the service is up',
        '  ✓ export service down',
        '',
        'Coverage (outcomes reached by a case)',
        `  export-fails  4/4  ${FIXTURES}/passing/export-fails.md`,
        '    ✓ resolved-filter-was-hiding-rows  ← filter hid the rows',
        '    ✓ workaround-export-in-parts  ← big export',
        '    ✓ bug-pdf-export-times-out  ← pdf times out while the service is up',
        '    ✓ escalate-export-service-down  ← export service down',
        '',
        '1 test file, 4 cases: 4 passed, 0 failed. Coverage: 4/4 outcomes (100%) in 1 playbook.',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 on a failing case, with the reason under it', () => {
    const result = run(['test', `${FIXTURES}/failing/export-fails.test.yaml`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`  ✗ wrong outcome  ${FIXTURES}/failing/export-fails.test.yaml:3\n      expected outcome workaround-export-in-parts, got resolved-filter-was-hiding-rows via`);
    expect(result.stdout).toContain('1 test file, 6 cases: 0 passed, 6 failed.');
  });

  it('--format github annotates the failing case at its line and uncovered outcomes in the playbook', () => {
    const result = run(['test', `${FIXTURES}/failing`, '--format', 'github']);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `::error file=${FIXTURES}/failing/export-fails.test.yaml,line=3,title=test failed%3A wrong outcome::expected outcome workaround-export-in-parts, got resolved-filter-was-hiding-rows via which-format-fails → how-many-rows → resolved-filter-was-hiding-rows`,
    );
    expect(lines).toContain(
      `::warning file=${FIXTURES}/failing/export-fails.md,line=52,title=outcome not covered by a test::No test case of export-fails reaches the outcome workaround-export-in-parts; add a case to export-fails.test.yaml.`,
    );
    // Several failures of one case stay one annotation, with escaped line breaks.
    expect(lines.find((l) => l.includes('reply lacks a phrase'))).toContain('matching is case-sensitive)%0Areply lacks "refund"%0A');
    expect(lines[lines.length - 1]).toMatch(/^1 test file, 6 cases: 0 passed, 6 failed\./);
  });

  it('--format json', () => {
    const result = run(['test', `${FIXTURES}/uncovered`, '--format', 'json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { schema: string; ok: boolean; totals: Record<string, number>; coverage: { outcomes: { node: string; reachedBy: unknown[] }[] }[] };
    expect(json.schema).toBe('triage.test/v1');
    expect(json.ok).toBe(true);
    expect(json.totals).toMatchObject({ cases: 1, passed: 1, outcomes: 4, covered: 1 });
    expect(json.coverage[0]?.outcomes.map((o) => o.reachedBy.length)).toEqual([1, 0, 0, 0]);
  });

  it('--require-full-coverage exits 1 when an outcome is not reached', () => {
    const result = run(['test', `${FIXTURES}/uncovered`, '--require-full-coverage']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`    ✗ workaround-export-in-parts  not reached by any case (${FIXTURES}/uncovered/export-fails.md:52)`);
    expect(result.stdout).toContain('Coverage: 1/4 outcomes (25%) in 1 playbook — full coverage required.');
  });

  it('an invalid test file exits 1 with file:line', () => {
    const result = run(['test', `${FIXTURES}/invalid/unknown-key.test.yaml`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`  ${FIXTURES}/invalid/unknown-key.test.yaml:8  error  unknown key \`reply_contain\` in cases[1]. Did you mean \`reply_contains\`?`);
  });

  it('a path that does not exist is a usage error', () => {
    const result = run(['test', 'no/such/dir']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no/such/dir: no such file or directory.');
  });
});

describe('reply-craft settings through the CLI', () => {
  it('lint.chatWords must be a number; lint uses it', () => {
    const home = makeHome();
    const bad = triage(['config', 'set', 'lint.chatWords', 'lots'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('lint.chatWords must be a positive whole number');
    const file = `${ROOT}/${FIXTURES}/reply-craft/too-long-for-chat.md`;
    expect(triage(['lint', file], { home }).stdout).toContain('reply/too-long-for-chat');
    expect(triage(['config', 'set', 'lint.chatWords', '200'], { home }).code).toBe(0);
    const relaxed = triage(['lint', file], { home });
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout).toBe('1 playbook checked, no problems.\n');
  });
});
