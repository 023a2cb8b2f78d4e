/** Hand-off bodies fit each tracker's limit, with the full report written beside them. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome, triage } from '../helpers/cli.js';

const LIMITS = { github: 65_536, gitlab: 1_000_000, jira: 32_767 } as const;

describe('hand-off bodies with a 100,000-character answer', () => {
  it('fit GitHub, GitLab and Jira, and the full report is kept beside them', () => {
    const home = makeHome();
    const pasted = `${'ERROR 500 at /api/export | retrying\n'.repeat(2_800)}`.slice(0, 99_990);
    const run = triage(
      ['run', 'charged-twice', '--no-input', '--case-id', 'TRI-BIG', '--format', 'json',
        '--answer', 'account_email=ben@example.com', '--answer', `charge_details=${pasted}`, '--answer', 'card_last4=1234',
        '--answer', 'what-is-on-their-statement=Both have gone through', '--answer', 'what-do-our-records-show=Two payments for the same invoice or order',
        '--answer', 'has-the-duplicate-already-been-refunded=Not refunded yet'],
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
