import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src/core/case-record.js';
import {
  ghCreateArgv,
  glabCreateArgv,
  issueUrlFromOutput,
  jiraIssuePayload,
  jiraLabel,
  MAX_URL_LENGTH,
  parseJiraProjectKey,
  parseRepo,
  prefilledIssueUrl,
  printableCreateCommand,
  withHandoff,
} from '../../src/core/handoff.js';
import { buildReport, type Report } from '../../src/core/report.js';
import { renderReportMarkdown } from '../../src/render/report-markdown.js';
import { sampleBugCase } from '../helpers/sample-case.js';

function bugReport(overrides: Partial<Report> = {}): Report {
  return { ...buildReport(sampleBugCase()), ...overrides };
}

describe('gh and glab argv', () => {
  it('gh issue create: title, one --label per label, body on stdin, --repo last', () => {
    const report = bugReport();
    expect(ghCreateArgv(report, { repo: 'acme/web-app' })).toEqual([
      'gh', 'issue', 'create', '--title', 'PDF export times out (Firefox 128.0)', '--label', 'export', '--label', 'pdf', '--body-file', '-', '--repo', 'acme/web-app',
    ]);
    expect(ghCreateArgv({ ...report, labels: [] })).toEqual(['gh', 'issue', 'create', '--title', 'PDF export times out (Firefox 128.0)', '--body-file', '-']);
  });

  it('glab issue create takes the description as one argument (its `-` opens an editor)', () => {
    const argv = glabCreateArgv(bugReport(), 'the body\nwith lines', { repo: 'acme/support/web' });
    expect(argv).toEqual([
      'glab', 'issue', 'create', '--title', 'PDF export times out (Firefox 128.0)', '--description', 'the body\nwith lines', '--label', 'export', '--label', 'pdf', '--yes', '--repo', 'acme/support/web',
    ]);
  });

  it('keeps titles on one line and within the trackers\' 255 characters', () => {
    const title = ghCreateArgv({ title: `a\n${'b'.repeat(300)}`, labels: [] })[4]!;
    expect(title).toMatch(/^a b+…$/);
    expect([...title]).toHaveLength(255);
  });

  it('keeps shell syntax in a title as one literal argument', () => {
    const title = 'Crash $(touch /tmp/x) `id`; rm -rf ~ | cat';
    expect(ghCreateArgv({ title, labels: [] })[4]).toBe(title);
  });

  it('prints a runnable command whose body comes from `triage handoff --body`', () => {
    const report = bugReport({ title: "Customer's export: fails", labels: ['needs repro'] });
    expect(printableCreateCommand('github', report, 'TRI-1', { repo: 'acme/web' })).toBe(
      "triage handoff TRI-1 --to github --body | gh issue create --title 'Customer'\\''s export: fails' --label 'needs repro' --body-file - --repo acme/web",
    );
    expect(printableCreateCommand('gitlab', report, 'TRI-1')).toBe(
      "glab issue create --title 'Customer'\\''s export: fails' --description \"$(triage handoff TRI-1 --to gitlab --body)\" --label 'needs repro' --yes",
    );
  });

  it('finds the issue URL in what gh or glab printed', () => {
    expect(issueUrlFromOutput('https://github.com/acme/web/issues/42')).toBe('https://github.com/acme/web/issues/42');
    expect(issueUrlFromOutput('- Creating issue in acme/web\n#12 Export fails (just now)\n https://gitlab.com/acme/web/-/issues/12\n')).toBe('https://gitlab.com/acme/web/-/issues/12');
    expect(issueUrlFromOutput('no url here')).toBeUndefined();
  });
});

describe('parseRepo', () => {
  it('accepts owner/name, GitLab subgroups and self-hosted URLs', () => {
    expect(parseRepo('github', 'acme/web-app')).toEqual({ origin: 'https://github.com', path: 'acme/web-app' });
    expect(parseRepo('gitlab', 'acme/support/web')).toEqual({ origin: 'https://gitlab.com', path: 'acme/support/web' });
    expect(parseRepo('github', 'https://github.example.com/acme/web.git')).toEqual({ origin: 'https://github.example.com', path: 'acme/web' });
    expect(parseRepo('gitlab', 'https://git.example.com/acme/web/-/issues')).toEqual({ origin: 'https://git.example.com', path: 'acme/web' });
  });

  it('refuses anything else with the expected form in the message', () => {
    expect(() => parseRepo('github', 'acme')).toThrow(/owner\/name/);
    expect(() => parseRepo('github', 'a/b/c')).toThrow(/not a GitHub repository/);
    expect(() => parseRepo('gitlab', 'acme/we b')).toThrow(/group\/project/);
  });
});

describe('prefilled new-issue URLs', () => {
  const repo = { origin: 'https://github.com', path: 'acme/web-app' };

  it('GitHub: title, body and labels round-trip through the URL', () => {
    const report = bugReport();
    const body = renderReportMarkdown(report);
    const result = prefilledIssueUrl('github', repo, report, body);
    expect(result.bodyIncluded).toBe(true);
    const url = new URL(result.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://github.com/acme/web-app/issues/new');
    expect(url.searchParams.get('title')).toBe(report.title);
    expect(url.searchParams.get('body')).toBe(body);
    expect(url.searchParams.get('labels')).toBe('export,pdf');
    expect(result.url.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
  });

  it('round-trips text that needs encoding: & = # + % and non-ASCII', () => {
    const report = bugReport({ title: 'a & b = c #1 + 50% — “quoted”' });
    const body = 'line & one\n# heading\n+ plus = %20 ünïcödé 🎉\n';
    const url = new URL(prefilledIssueUrl('github', repo, report, body).url);
    expect(url.searchParams.get('title')).toBe(report.title);
    expect(url.searchParams.get('body')).toBe(body);
  });

  it('falls back to the title and labels when the body would make the URL too long', () => {
    const report = bugReport();
    const body = 'x'.repeat(MAX_URL_LENGTH);
    const result = prefilledIssueUrl('github', repo, report, body);
    expect(result.bodyIncluded).toBe(false);
    expect(result.fullLength).toBeGreaterThan(MAX_URL_LENGTH);
    const url = new URL(result.url);
    expect(url.searchParams.get('title')).toBe(report.title);
    expect(url.searchParams.has('body')).toBe(false);
    expect(url.searchParams.get('labels')).toBe('export,pdf');
  });

  it('the limit is on the whole URL', () => {
    const report = bugReport();
    const fits = prefilledIssueUrl('github', repo, report, 'body', 10_000);
    expect(prefilledIssueUrl('github', repo, report, 'body', fits.url.length).bodyIncluded).toBe(true);
    expect(prefilledIssueUrl('github', repo, report, 'body', fits.url.length - 1).bodyIncluded).toBe(false);
  });

  it('GitLab: issue[title] and issue[description], labels as a /label quick action', () => {
    const report = bugReport({ labels: ['export', 'needs repro'] });
    const body = '## Report\n\ntext\n';
    const url = new URL(prefilledIssueUrl('gitlab', { origin: 'https://gitlab.com', path: 'acme/support/web' }, report, body).url);
    expect(`${url.origin}${url.pathname}`).toBe('https://gitlab.com/acme/support/web/-/issues/new');
    expect(url.searchParams.get('issue[title]')).toBe(report.title);
    expect(url.searchParams.get('issue[description]')).toBe('## Report\n\ntext\n\n/label ~"export" ~"needs repro"');
  });
});

describe('Jira payload', () => {
  it('maps severity to priority', () => {
    const expected = { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low' } as const;
    for (const [severity, priority] of Object.entries(expected)) {
      const payload = jiraIssuePayload(bugReport({ severity: severity as Report['severity'] }), { project: 'SUP', issueType: 'Bug', description: 'd' });
      expect(payload.fields.priority).toEqual({ name: priority });
    }
    const unrated = jiraIssuePayload(bugReport({ severity: null }), { project: 'SUP', issueType: 'Bug', description: 'd' });
    expect('priority' in unrated.fields).toBe(false);
  });

  it('has the fields POST /rest/api/2/issue needs', () => {
    const payload = jiraIssuePayload(bugReport({ labels: ['export', 'needs repro', 'needs  repro'] }), { project: 'SUP', issueType: 'Task', description: 'h2. x' });
    expect(payload).toEqual({
      fields: {
        project: { key: 'SUP' },
        issuetype: { name: 'Task' },
        summary: 'PDF export times out (Firefox 128.0)',
        description: 'h2. x',
        labels: ['export', 'needs-repro'],
        priority: { name: 'High' },
      },
    });
  });

  it('keeps the summary within 255 characters and on one line', () => {
    const payload = jiraIssuePayload(bugReport({ title: `Long\n${'é'.repeat(400)}` }), { project: 'SUP', issueType: 'Bug', description: '' });
    expect([...payload.fields.summary]).toHaveLength(255);
    expect(payload.fields.summary).not.toContain('\n');
    expect(payload.fields.summary.endsWith('…')).toBe(true);
  });

  it('checks project keys and labels', () => {
    expect(parseJiraProjectKey('sup')).toBe('SUP');
    expect(parseJiraProjectKey(' OPS_2 ')).toBe('OPS_2');
    expect(() => parseJiraProjectKey('SUP-123')).toThrow(/not a Jira project key/);
    expect(() => parseJiraProjectKey('1SUP')).toThrow(/not a Jira project key/);
    expect(jiraLabel(' needs repro ')).toBe('needs-repro');
  });
});

describe('withHandoff', () => {
  const record = { id: 'TRI-1', updatedAt: '2026-11-27T10:00:00.000Z', handoffs: [] } as unknown as CaseRecord;

  it('appends the hand-off and moves updatedAt so the history keeps the save', () => {
    const next = withHandoff(record, { to: 'github', url: 'https://github.com/a/b/issues/1', at: '2026-11-27T11:00:00.000Z' });
    expect(next.handoffs).toEqual([{ to: 'github', url: 'https://github.com/a/b/issues/1', at: '2026-11-27T11:00:00.000Z' }]);
    expect(next.updatedAt).toBe('2026-11-27T11:00:00.000Z');
    const again = withHandoff(next, { to: 'jira', at: '2026-11-27T12:00:00.000Z' });
    expect(again.handoffs).toEqual([...next.handoffs, { to: 'jira', at: '2026-11-27T12:00:00.000Z' }]);
    expect(record.handoffs).toEqual([]);
  });
});
