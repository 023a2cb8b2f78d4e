/** Hand-off bodies fit each tracker's limit, with the full report written beside them. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, makeHome, triage } from '../helpers/cli.js';

/** The answers of the bundled test case that files a regression bug, with `current_symptom` a pasted log. */
function bugAnswers(pasted: string): string[] {
  const spec = parse(readFileSync(join(ROOT, 'playbooks', 'fix-regressed.test.yaml'), 'utf8')) as { cases: { answers: Record<string, unknown>; outcome: string }[] };
  const bug = spec.cases.find((c) => c.outcome.startsWith('bug-'))!;
  return Object.entries({ ...bug.answers, current_symptom: pasted }).flatMap(([key, value]) => ['--answer', `${key}=${String(value)}`]);
}

const LIMITS = { github: 65_536, gitlab: 1_000_000, jira: 32_767 } as const;

describe('hand-off bodies with a 100,000-character answer', () => {
  it('fit GitHub, GitLab and Jira, and the full report is kept beside them', () => {
    const home = makeHome();
    const pasted = `${'ERROR 500 at /api/export | retrying\n'.repeat(2_800)}`.slice(0, 99_990);
    const run = triage(
      ['run', 'fix-regressed', '--no-input', '--case-id', 'TRI-BIG', '--format', 'json', ...bugAnswers(pasted)],
      { home },
    );
    expect(run.code, run.stderr).toBe(0);
    for (const tracker of ['github', 'gitlab', 'jira'] as const) {
      const body = triage(['handoff', 'TRI-BIG', '--to', tracker, '--body'], { home });
      expect(body.code, body.stderr).toBe(0);
      expect(body.stdout.length).toBeLessThanOrEqual(LIMITS[tracker]);
      if (tracker !== 'gitlab') {
        const full = join(home, `TRI-BIG.full.${tracker === 'jira' ? 'txt' : 'md'}`);
        expect(body.stdout).toContain('[shortened: the first');
        expect(body.stderr).toContain('attach it to the issue');
        expect(existsSync(full)).toBe(true);
        expect(readFileSync(full, 'utf8').length).toBeGreaterThan(99_000);
      }
    }
    const payload = triage(['handoff', 'TRI-BIG', '--to', 'jira', '--project', 'SUP'], { home });
    expect((JSON.parse(payload.stdout) as { fields: { description: string } }).fields.description.length).toBeLessThanOrEqual(LIMITS.jira);
  });
});
