/**
 * A realistic finished case for report and reply tests: the `export-fails` example playbook from
 * playbook-format.md, hand-built as the parser produces it (report.test.ts checks that it still
 * does, so the other tests need not go through the parser), and runs through it.
 */
import type { Intake } from '../../src/core/case-record.js';
import type { FlowInput, PathStep } from '../../src/core/flow-types.js';
import type { Playbook, PlaybookNode } from '../../src/core/model.js';
import type { ReportInput } from '../../src/core/report.js';

export const PLAYBOOK_DIR = '/srv/support/playbooks';

/** The example from playbook-format.md, as written. */
export const EXPORT_FAILS_SOURCE = `---
id: export-fails
title: Report export fails
version: 1.0.0
summary: CSV or PDF export spins forever or downloads an empty file
tags: [reports, export]
symptoms: [export is stuck, empty csv, download never starts]
severity: medium
env:
  - key: browser
    ask: Which browser and version? (paste the User-Agent if they have it)
    parse: user-agent
  - key: app_version
    ask: App version, from Settings → About
    pattern: '^\\d+\\.\\d+(\\.\\d+)?$'
---

# Report export fails

Use this when an export never finishes or produces an empty file.

## Which format fails?

> Which format were you exporting when it failed: CSV or PDF?

- [CSV](#how-many-rows)
- [PDF](#bug-pdf-export-times-out)

## How many rows?

\`\`\`ask
key: rows
prompt: Roughly how many rows does the report have?
type: number
\`\`\`

- [Under 100,000](#resolved-filter-was-hiding-rows)
- [100,000 or more](#workaround-export-in-parts)

## Resolved: Filter was hiding rows

\`\`\`reply
The export only includes rows that match the filters on screen. Clearing
the filter in the top bar and exporting again gives you all
{{answers.rows}} rows.
\`\`\`

## Workaround: Export in parts

\`\`\`reply
Exports above 100,000 rows can time out. Until that limit is raised, please
export by date range, one quarter at a time.
\`\`\`

## Bug: PDF export times out

\`\`\`report
title: "PDF export times out ({{env.browser}})"
expected: The PDF downloads within a minute.
actual: The spinner never stops and no file is downloaded.
severity: high
component: reports
labels: [export, pdf]
\`\`\`

\`\`\`reply
Our engineers now have a full report of this, with the steps to reproduce
it. Case {{case.id}} tracks it.
\`\`\`
`;

const node = (n: Partial<PlaybookNode> & Pick<PlaybookNode, 'id' | 'heading' | 'title' | 'line' | 'endLine'>): PlaybookNode => ({
  script: [],
  guidance: '',
  asks: [],
  choices: [],
  ...n,
});

export const exportFailsPlaybook: Playbook = {
  id: 'export-fails',
  title: 'Report export fails',
  version: '1.0.0',
  summary: 'CSV or PDF export spins forever or downloads an empty file',
  tags: ['reports', 'export'],
  symptoms: ['export is stuck', 'empty csv', 'download never starts'],
  severity: 'medium',
  start: 'which-format-fails',
  env: [
    { key: 'browser', source: { kind: 'ask', prompt: 'Which browser and version? (paste the User-Agent if they have it)', required: true, parse: 'user-agent' }, line: 10 },
    { key: 'app_version', source: { kind: 'ask', prompt: 'App version, from Settings → About', pattern: '^\\d+\\.\\d+(\\.\\d+)?$', required: true }, line: 13 },
  ],
  heading: 'Report export fails',
  intro: 'Use this when an export never finishes or produces an empty file.',
  nodes: [
    node({
      id: 'which-format-fails',
      heading: 'Which format fails?',
      title: 'Which format fails?',
      line: 22,
      endLine: 27,
      script: ['Which format were you exporting when it failed: CSV or PDF?'],
      choices: [
        { label: 'CSV', target: { node: 'how-many-rows' }, line: 26, column: 3 },
        { label: 'PDF', target: { node: 'bug-pdf-export-times-out' }, line: 27, column: 3 },
      ],
    }),
    node({
      id: 'how-many-rows',
      heading: 'How many rows?',
      title: 'How many rows?',
      line: 29,
      endLine: 38,
      asks: [{ key: 'rows', prompt: 'Roughly how many rows does the report have?', type: 'number', required: true, secret: false, line: 31 }],
      choices: [
        { label: 'Under 100,000', target: { node: 'resolved-filter-was-hiding-rows' }, line: 37, column: 3 },
        { label: '100,000 or more', target: { node: 'workaround-export-in-parts' }, line: 38, column: 3 },
      ],
    }),
    node({
      id: 'resolved-filter-was-hiding-rows',
      heading: 'Resolved: Filter was hiding rows',
      title: 'Filter was hiding rows',
      line: 40,
      endLine: 46,
      outcome: { kind: 'resolved', title: 'Filter was hiding rows' },
      reply: {
        template:
          'The export only includes rows that match the filters on screen. Clearing\nthe filter in the top bar and exporting again gives you all\n{{answers.rows}} rows.',
        full: false,
        line: 42,
      },
    }),
    node({
      id: 'workaround-export-in-parts',
      heading: 'Workaround: Export in parts',
      title: 'Export in parts',
      line: 48,
      endLine: 53,
      outcome: { kind: 'workaround', title: 'Export in parts' },
      reply: {
        template: 'Exports above 100,000 rows can time out. Until that limit is raised, please\nexport by date range, one quarter at a time.',
        full: false,
        line: 50,
      },
    }),
    node({
      id: 'bug-pdf-export-times-out',
      heading: 'Bug: PDF export times out',
      title: 'PDF export times out',
      line: 55,
      endLine: 69,
      outcome: { kind: 'bug', title: 'PDF export times out' },
      report: {
        title: 'PDF export times out ({{env.browser}})',
        expected: 'The PDF downloads within a minute.',
        actual: 'The spinner never stops and no file is downloaded.',
        severity: 'high',
        component: 'reports',
        labels: ['export', 'pdf'],
        line: 57,
      },
      reply: {
        template: 'Our engineers now have a full report of this, with the steps to reproduce\nit. Case {{case.id}} tracks it.',
        full: false,
        line: 66,
      },
    }),
  ],
  path: `${PLAYBOOK_DIR}/reports/export-fails.md`,
  dir: PLAYBOOK_DIR,
};

export function playbookNode(id: string): PlaybookNode {
  const found = exportFailsPlaybook.nodes.find((n) => n.id === id);
  if (found === undefined) throw new Error(`no node ${id} in the sample playbook`);
  return found;
}

export const FIREFOX_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

export const sampleIntake: Intake = {
  customer: { name: 'Dana Whitfield', channel: 'email', mood: 'angry' },
  description: "Exporting the monthly revenue report to PDF spins forever and nothing downloads. I've tried three times!",
};

const envInputs: FlowInput[] = [
  { kind: 'env', key: 'browser', value: FIREFOX_UA },
  { kind: 'env', key: 'app_version', value: '4.2.1' },
];
// The order probes finished in, not the playbook's order: the report must not depend on it.
const environment = { app_version: '4.2.1', browser_os: 'Windows 10 or 11', browser: 'Firefox 128.0' };

const which = (label: string): PathStep => ({
  playbook: 'export-fails',
  node: 'which-format-fails',
  title: 'Which format fails?',
  said: 'Which format were you exporting when it failed: CSV or PDF?',
  answer: label,
});

const outcomeStep = (id: string): PathStep => {
  const n = playbookNode(id);
  return { playbook: 'export-fails', node: n.id, title: n.title, said: '', answer: '', outcome: n.outcome };
};

/** The run that ends at `Bug: PDF export times out`, as the app hands it to buildReport. */
export function sampleBugCase(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    caseId: 'TRI-20261127-7F3A',
    startPlaybook: exportFailsPlaybook,
    finalPlaybook: exportFailsPlaybook,
    outcomeNode: playbookNode('bug-pdf-export-times-out'),
    view: {
      answers: {},
      env: environment,
      path: [which('PDF'), outcomeStep('bug-pdf-export-times-out')],
      secretKeys: [],
    },
    inputs: [...envInputs, { kind: 'choice', node: 'which-format-fails', label: 'PDF' }],
    intake: sampleIntake,
    settings: { agentName: 'Sam Lee', agentTitle: 'Support Engineer', companyName: 'Acme Analytics' },
    startedAt: '2026-11-27T14:03:10.000Z',
    finishedAt: '2026-11-27T14:07:42.500Z',
    ...overrides,
  };
}

/** The run that ends at `Resolved: Filter was hiding rows` (CSV, 2,400 rows), a calm customer. */
export function sampleResolvedCase(overrides: Partial<ReportInput> = {}): ReportInput {
  return sampleBugCase({
    caseId: 'TRI-20261127-2B9C',
    outcomeNode: playbookNode('resolved-filter-was-hiding-rows'),
    view: {
      answers: { rows: 2400 },
      env: environment,
      path: [
        which('CSV'),
        {
          playbook: 'export-fails',
          node: 'how-many-rows',
          title: 'How many rows?',
          said: '',
          answer: 'rows: 2400; Under 100,000',
        },
        outcomeStep('resolved-filter-was-hiding-rows'),
      ],
      secretKeys: [],
    },
    inputs: [
      ...envInputs,
      { kind: 'choice', node: 'which-format-fails', label: 'CSV' },
      { kind: 'ask', node: 'how-many-rows', key: 'rows', value: 2400 },
      { kind: 'choice', node: 'how-many-rows', label: 'Under 100,000' },
    ],
    intake: { customer: { name: 'Dana Whitfield', channel: 'email', mood: 'calm' }, description: 'The CSV export is missing most of my rows.' },
    ...overrides,
  });
}
