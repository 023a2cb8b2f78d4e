/**
 * The honest way out, as a script runs it: `triage run no-playbook` takes the intake and the
 * agent's notes to a report and a reply (exit 0), the case is recorded as a knowledge gap,
 * `cases stats` groups similar gaps, and `triage new --from-case` starts a playbook from one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, makeHome, triage } from '../helpers/cli.js';
import { UNCOVERED } from '../fixtures/intake/held-out.js';

function gapRun(home: string, caseId: string, description: string, outcome: string, extra: string[] = []) {
  return triage(
    [
      'run', 'no-playbook', '--no-input', '--case-id', caseId, '--customer', 'Jo Bloggs', '--mood', 'frustrated', '--description', description,
      '-a', 'asked=They want the owner role moved to a colleague', '-a', 'tried=Checked the admin panel; there is no transfer option',
      '-a', `what-was-asked-and-tried=${outcome}`, '--format', 'json', ...extra,
    ],
    { home },
  );
}

describe('cases no playbook fits', () => {
  const home = makeHome();

  it('the playbook for cases without one passes lint, reply-craft rules included', () => {
    const r = triage(['lint', join(ROOT, 'templates', 'no-playbook.md')], { home });
    expect(r).toMatchObject({ code: 0, stdout: '1 playbook checked, no problems.\n' });
  });

  it('what no bundled playbook covers is weak in search', () => {
    for (const description of UNCOVERED) {
      const ranked = JSON.parse(triage(['search', '--json', description], { home }).stdout) as { strength: string }[];
      expect(ranked.every((s) => s.strength === 'weak'), description).toBe(true);
    }
  });

  it('run no-playbook: a report and an empathetic reply from the intake and the notes, exit 0', () => {
    const r = gapRun(home, 'TRI-GAP-1', "I'd like to transfer my account ownership to my colleague", "It's a feature request");
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { playbook: { id: string }; outcome: { kind: string }; title: string; actual: string; labels: string[]; reply: string };
    expect(report.playbook.id).toBe('no-playbook');
    expect(report.outcome.kind).toBe('feature-request');
    expect(report.title).toContain('transfer my account ownership');
    expect(report.actual).toContain('Checked the admin panel');
    expect(report.labels).toContain('knowledge-gap');
    expect(report.reply).toMatch(/^(Hi|Hello) Jo,/);
    expect(report.reply).toContain('product team');
  });

  it('the told note is the body of an answer; every outcome kind can be chosen', () => {
    const r = gapRun(home, 'TRI-GAP-2', 'Can I transfer the account ownership to a colleague of mine?', 'I answered their question', ['-a', 'told=Open Settings → Members, then choose Make owner next to their name.']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { outcome: { kind: string }; reply: string };
    expect(report.outcome.kind).toBe('resolved');
    expect(report.reply).toContain('Open Settings → Members');
    for (const [i, label] of ["It's a bug", 'It needs another team', 'I gave them a workaround'].entries()) {
      expect(gapRun(home, `TRI-GAP-K${i}`, 'Where is your company based? Need it for a supplier form', label).code).toBe(0);
    }
  });

  it('cases stats lists the top gaps, similar descriptions grouped', () => {
    const stats = triage(['cases', 'stats', '--json'], { home });
    expect(stats.code, stats.stderr).toBe(0);
    const gaps = (JSON.parse(stats.stdout) as { gaps: { cases: number; ids: string[]; description: string }[] }).gaps;
    expect(gaps[0]).toMatchObject({ cases: 3 });
    expect(gaps.find((g) => g.ids.includes('TRI-GAP-1'))!.ids).toEqual(expect.arrayContaining(['TRI-GAP-1', 'TRI-GAP-2']));
    const text = triage(['cases', 'stats'], { home }).stdout;
    expect(text).toMatch(/Top knowledge gaps/);
    expect(text).toContain('TRI-GAP-2');
  });

  it('triage new --from-case starts a playbook from a gap case that lints clean, with tests through its notes', () => {
    const r = triage(['new', 'account-ownership-transfer', '--from-case', 'TRI-GAP-1', '--dir', 'pb'], { home });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(home, 'pb', 'account-ownership-transfer.md'), 'utf8');
    expect(text).toContain(`  - "I'd like to transfer my account ownership to my colleague"`);
    expect(text).toContain('Checked the admin panel; there is no transfer option');
    expect(triage(['lint', 'pb'], { home })).toMatchObject({ code: 0 });
    // Its starter tests walk through the two seeded nodes to every outcome.
    const tested = JSON.parse(triage(['test', 'pb', '--format', 'json'], { home }).stdout) as { totals: { outcomes: number; covered: number }; files: { cases: { path: string[] }[] }[] };
    expect(tested.totals.covered).toBe(tested.totals.outcomes);
    for (const c of tested.files[0]!.cases) expect(c.path.slice(0, 2)).toEqual(['what-did-the-customer-ask', 'what-was-tried-before']);
    expect(triage(['new', 'x-y', '--from-case', 'TRI-NOPE', '--dir', 'pb'], { home }).code).toBe(2);
  });
});
