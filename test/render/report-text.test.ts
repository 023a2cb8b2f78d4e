import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { formatDuration, renderReportText } from '../../src/render/report-text.js';
import { sampleBugCase, sampleResolvedCase } from '../helpers/sample-case.js';

const LEAKS = /undefined|\bnull\b|NaN|\[object Object\]|\{\{|\{%/;

describe('renderReportText', () => {
  const bug = buildReport({ ...sampleBugCase(), reply: 'Hi Dana,\n\nThanks for your patience.\n\nSam' });

  it('renders the sample bug report', () => {
    expect(renderReportText(bug)).toMatchSnapshot();
  });

  it('is plain: no ANSI escapes, no tabs, no trailing spaces, one trailing newline', () => {
    const text = renderReportText(bug);
    expect(text).not.toMatch(/\u001b|\t/);
    expect(text).not.toMatch(/ +$/m);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('aligns labels and values', () => {
    const lines = renderReportText(bug).split('\n');
    const summary = lines.filter((line) => /^(Case|Outcome|Severity|Component|Labels|Customer) /.test(line));
    expect(summary).toHaveLength(6);
    expect(new Set(summary.map((line) => line.search(/(?<=\s)\S/))).size).toBe(1);
    const environment = lines.filter((line) => /^ {2}(browser|browser_os|app_version) /.test(line));
    expect(new Set(environment.map((line) => line.search(/(?<=\S\s+)\S/))).size).toBe(1);
  });

  it('says what is missing in words, never null or undefined', () => {
    const base = sampleResolvedCase();
    const text = renderReportText(
      buildReport({ ...base, intake: { customer: { channel: 'phone', mood: 'confused' }, description: ' ' }, settings: {}, view: { ...base.view, env: {} } }),
    );
    expect(text).not.toMatch(LEAKS);
    expect(text).toContain('Severity    not rated');
    expect(text).toContain('Customer    The customer (no name given) called, confused');
    expect(text).not.toContain('not asked');
    expect(text).toContain('(none captured)');
    expect(text).toContain('(not stated)');
    expect(text).not.toContain('Agent ');
  });

  it('leaves the replay line verbatim after its first line, so a multi-line description copies as it was', () => {
    const base = sampleBugCase();
    const report = buildReport({ ...base, intake: { ...base.intake, description: 'Export is empty.\nDana' } });
    const replay = renderReportText(report).split('Replay\n------\n')[1]!;
    expect(replay).toBe(`  ${report.replay}\n`);
    expect(replay).toContain("Export is empty.\nDana'");
  });

  it('indents multi-line values under their column', () => {
    const base = sampleBugCase();
    const text = renderReportText(buildReport({ ...base, view: { ...base.view, env: { notes: 'first\nsecond' } } }));
    expect(text).toContain('  notes  first\n         second\n');
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850 ms'],
    [12_000, '12 s'],
    [272_500, '4 min 32 s'],
    [120_000, '2 min'],
    [3_900_000, '1 h 5 min'],
  ])('%d ms reads as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
