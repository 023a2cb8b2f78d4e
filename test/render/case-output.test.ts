import { describe, expect, it } from 'vitest';
import type { FinishedCase } from '../../src/app/finish-case.js';
import type { CaseRecord } from '../../src/core/case-record.js';
import type { OutcomeKind } from '../../src/core/model.js';
import { buildReport, type ReportInput } from '../../src/core/report.js';
import { defaultEmit, renderCaseOutput, summaryRows, type Emit, type OutputFormat } from '../../src/render/case-output.js';
import { renderReportJson } from '../../src/render/report-json.js';
import { renderReportMarkdown } from '../../src/render/report-markdown.js';
import { renderReportText } from '../../src/render/report-text.js';
import { sampleBugCase, sampleResolvedCase } from '../helpers/sample-case.js';

const REPLY = 'Hi Dana,\n\nOur engineers now have a full report of this, case TRI-20261127-7F3A.\n\nBest regards,\nSam Lee';

function finished(input: ReportInput, reply: string | null): FinishedCase {
  const report = buildReport({ ...input, reply: reply ?? undefined });
  const record: CaseRecord = {
    id: input.caseId,
    status: 'done',
    playbook: { id: 'export-fails', version: '1.0.0', title: 'Report export fails', path: 'reports/export-fails.md' },
    intake: input.intake,
    inputs: input.inputs,
    startedAt: input.startedAt,
    updatedAt: input.finishedAt,
    handoffs: [],
  };
  return { record, report, reply, outcome: { kind: report.outcome.kind, title: report.outcome.title, node: report.outcome.node }, redactions: [] };
}

const bug = (): FinishedCase => finished(sampleBugCase(), REPLY);
const FORMATS: readonly OutputFormat[] = ['markdown', 'text', 'json'];
const EMITS: readonly Emit[] = ['report', 'reply', 'both'];

describe('defaultEmit', () => {
  it.each<[OutcomeKind, Emit]>([
    ['resolved', 'reply'],
    ['workaround', 'reply'],
    ['works-as-designed', 'reply'],
    ['feature-request', 'both'],
    ['bug', 'both'],
    ['escalate', 'both'],
  ])('%s → %s', (kind, emit) => {
    expect(defaultEmit(kind)).toBe(emit);
  });
});

describe('renderCaseOutput', () => {
  it('renders the sample bug case with both, as markdown', () => {
    expect(renderCaseOutput(bug(), { format: 'markdown', emit: 'both' })).toMatchSnapshot();
  });

  it('--emit report is the report renderer output, reply folded inside', () => {
    const f = bug();
    expect(renderCaseOutput(f, { format: 'markdown', emit: 'report' })).toBe(renderReportMarkdown(f.report));
    expect(renderCaseOutput(f, { format: 'text', emit: 'report' })).toBe(`${renderReportText(f.report)}`.replace(/\n?$/, '\n'));
    expect(renderCaseOutput(f, { format: 'markdown', emit: 'report' })).toContain('<summary>Reply to the customer</summary>');
  });

  it('--emit reply is the reply alone, ending in one newline', () => {
    for (const format of ['markdown', 'text'] as const) {
      expect(renderCaseOutput(bug(), { format, emit: 'reply' })).toBe(`${REPLY}\n`);
    }
  });

  it('--emit both shows the report, then the reply once under its own heading', () => {
    const markdown = renderCaseOutput(bug(), { format: 'markdown', emit: 'both' });
    expect(markdown.startsWith('## PDF export times out (Firefox 128.0)\n')).toBe(true);
    expect(markdown).toContain('\n---\n\n## Reply to the customer\n\nHi Dana,');
    expect(markdown).not.toContain('<summary>Reply to the customer</summary>');
    expect(markdown.split('Our engineers now have a full report').length - 1).toBe(1);
    expect(markdown.endsWith('Sam Lee\n')).toBe(true);

    const text = renderCaseOutput(bug(), { format: 'text', emit: 'both' });
    expect(text).toContain(`\n${'─'.repeat(60)}\nReply to the customer\n${'─'.repeat(60)}\n\nHi Dana,`);
    expect(text.split('Our engineers now have a full report').length - 1).toBe(1);
    expect(text).not.toContain('##');
  });

  it('JSON is the whole report for report and both, and a reply object for reply', () => {
    const f = bug();
    expect(renderCaseOutput(f, { format: 'json', emit: 'both' })).toBe(renderReportJson(f.report));
    expect(renderCaseOutput(f, { format: 'json', emit: 'report' })).toBe(renderReportJson(f.report));
    const reply = JSON.parse(renderCaseOutput(f, { format: 'json', emit: 'reply' })) as Record<string, unknown>;
    expect(reply).toEqual({
      schema: 'triage.reply/v1',
      case: { id: 'TRI-20261127-7F3A' },
      outcome: { kind: 'bug', node: 'bug-pdf-export-times-out', title: 'PDF export times out' },
      reply: REPLY,
    });
  });

  it('with no reply, both is the report alone and reply is an empty line', () => {
    const f = finished(sampleBugCase(), null);
    expect(renderCaseOutput(f, { format: 'markdown', emit: 'both' })).toBe(renderReportMarkdown(f.report));
    expect(renderCaseOutput(f, { format: 'text', emit: 'reply' })).toBe('\n');
    expect(JSON.parse(renderCaseOutput(f, { format: 'json', emit: 'reply' })).reply).toBeNull();
  });

  it('every format and emit ends with exactly one newline and leaks no placeholders', () => {
    for (const format of FORMATS) {
      for (const emit of EMITS) {
        const out = renderCaseOutput(bug(), { format, emit });
        expect(out.endsWith('\n')).toBe(true);
        expect(out.endsWith('\n\n')).toBe(false);
        expect(out).not.toMatch(/undefined|\[object Object\]|\{\{/);
      }
    }
  });

  it('makes control characters in text and markdown visible; JSON escapes them', () => {
    const base = sampleResolvedCase();
    const hostile = finished(
      { ...base, intake: { ...base.intake, description: 'before \u001b]0;pwned\u0007\u001b[31mred\u001b[0m after\u0008!' } },
      'Hi\u001b[2J there',
    );
    for (const format of ['markdown', 'text'] as const) {
      for (const emit of EMITS) {
        const out = renderCaseOutput(hostile, { format, emit });
        expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }
      const report = renderCaseOutput(hostile, { format, emit: 'report' });
      expect(report).toContain('before red after\\x08!');
      expect(renderCaseOutput(hostile, { format, emit: 'reply' })).toBe('Hi there\n');
    }
    const json = renderCaseOutput(hostile, { format: 'json', emit: 'both' });
    expect(json).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect((JSON.parse(json) as { description: string }).description).toBe('before \u001b]0;pwned\u0007\u001b[31mred\u001b[0m after\u0008!');
  });

  it('is the same for the same case', () => {
    for (const format of FORMATS) expect(renderCaseOutput(bug(), { format, emit: 'both' })).toBe(renderCaseOutput(bug(), { format, emit: 'both' }));
  });
});

describe('summaryRows', () => {
  it('lists answers, then environment in report order, then the case id, as text', () => {
    const rows = summaryRows(finished(sampleResolvedCase(), null));
    expect(rows).toEqual([
      ['answer: rows', '2400'],
      ['env: browser', 'Firefox 128.0'],
      ['env: browser_os', 'Windows 10 or 11'],
      ['env: app_version', '4.2.1'],
      ['case', 'TRI-20261127-2B9C'],
    ]);
  });

  it('joins lists and makes control characters visible', () => {
    const base = sampleResolvedCase();
    const rows = summaryRows(finished({ ...base, view: { ...base.view, answers: { formats: ['CSV', 'PDF'], note: 'a\u001b[31mb\u0007' } } }, null));
    expect(rows).toContainEqual(['answer: formats', 'CSV, PDF']);
    expect(rows).toContainEqual(['answer: note', 'ab\\x07']);
  });
});
