import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlowInput } from '../../src/core/flow-types.js';
import { buildReplayCommand, buildReport, portablePath, redactShellWords, REPORT_SCHEMA, shellQuote, type ReportInput } from '../../src/core/report.js';
import { createProfileRedactor } from '../../src/core/redaction-profiles.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import { EXPORT_FAILS_SOURCE, exportFailsPlaybook, FIREFOX_UA, PLAYBOOK_DIR, playbookNode, sampleBugCase, sampleResolvedCase } from '../helpers/sample-case.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The words a POSIX shell makes of a command line (argv after the command name). */
function shellWords(command: string): string[] {
  const result = spawnSync('sh', ['-c', `printf '%s\\0' ${command.replace(/^triage /, '')}`], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout.split('\0').slice(0, -1);
}

describe('the sample case', () => {
  it('is what the parser makes of the example in playbook-format.md', () => {
    const { playbook, diagnostics } = parsePlaybook(EXPORT_FAILS_SOURCE, { path: exportFailsPlaybook.path, dir: PLAYBOOK_DIR });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const shape = (p: typeof exportFailsPlaybook) => ({
      ...p,
      env: p.env.map(({ key, source, line }) => ({ key, source, line })),
      nodes: p.nodes.map((n) => ({
        id: n.id,
        lines: [n.line, n.endLine, n.reply?.line, n.report?.line],
        title: n.title,
        script: n.script,
        asks: n.asks,
        choices: n.choices,
        outcome: n.outcome,
        reply: n.reply && { template: n.reply.template, full: n.reply.full },
        report: n.report,
      })),
    });
    expect(shape(playbook!)).toEqual(shape(exportFailsPlaybook));
  });
});

describe('buildReport', () => {
  it('builds the triage.report/v1 object for the sample bug', () => {
    const report = buildReport({ ...sampleBugCase(), reply: 'Hi Dana,\n\nThanks.' });
    expect(report).toMatchObject({
      schema: REPORT_SCHEMA,
      case: { id: 'TRI-20261127-7F3A' },
      playbook: { id: 'export-fails', version: '1.0.0', title: 'Report export fails', path: 'reports/export-fails.md' },
      started_in: { id: 'export-fails', version: '1.0.0' },
      outcome: { kind: 'bug', node: 'bug-pdf-export-times-out', title: 'PDF export times out' },
      title: 'PDF export times out (Firefox 128.0)',
      severity: 'high',
      component: 'reports',
      labels: ['export', 'pdf'],
      customer: { name: 'Dana Whitfield', channel: 'email', mood: 'angry' },
      agent: 'Sam Lee',
      scope: null,
      frequency: null,
      answers: {},
      expected: 'The PDF downloads within a minute.',
      actual: 'The spinner never stops and no file is downloaded.',
      reply: 'Hi Dana,\n\nThanks.',
      started_at: '2026-11-27T14:03:10.000Z',
      finished_at: '2026-11-27T14:07:42.500Z',
      duration_ms: 272_500,
    });
    expect(report.path.map((s) => [s.node, s.answer])).toEqual([
      ['which-format-fails', 'PDF'],
      ['bug-pdf-export-times-out', ''],
    ]);
    expect(report.path[0]).toEqual({
      playbook: 'export-fails',
      node: 'which-format-fails',
      title: 'Which format fails?',
      said: 'Which format were you exporting when it failed: CSV or PDF?',
      answer: 'PDF',
    });
  });

  it('has every field the contract lists', () => {
    const report = buildReport(sampleBugCase()) as unknown as Record<string, unknown>;
    for (const key of 'schema case playbook outcome title severity component labels customer description environment answers path steps_to_reproduce expected actual reply replay started_at finished_at duration_ms'.split(' ')) {
      expect(report, key).toHaveProperty(key);
    }
  });

  it('orders the environment by the playbook, whatever order the probes finished in', () => {
    expect(Object.keys(buildReport(sampleBugCase()).environment)).toEqual(['browser', 'browser_os', 'app_version']);
    const extra = sampleBugCase({ view: { ...sampleBugCase().view, env: { zone: 'UTC', os: 'linux', app_version: '4.2.1', browser: 'Firefox 128.0' } } });
    expect(Object.keys(buildReport(extra).environment)).toEqual(['browser', 'app_version', 'os', 'zone']);
  });

  it('writes steps to reproduce that someone who never spoke to the customer can follow', () => {
    expect(buildReport(sampleBugCase()).steps_to_reproduce).toEqual([
      'Environment: browser = Firefox 128.0, browser_os = Windows 10 or 11, app_version = 4.2.1.',
      'Which format fails? PDF.',
      'Observe: The spinner never stops and no file is downloaded.',
    ]);
    const resolved = buildReport(sampleResolvedCase());
    expect(resolved.steps_to_reproduce).toEqual([
      'Environment: browser = Firefox 128.0, browser_os = Windows 10 or 11, app_version = 4.2.1.',
      'Which format fails? CSV.',
      'How many rows? rows: 2400; Under 100,000.',
      'Observe: Filter was hiding rows.',
    ]);
  });

  it('describes checks by their result and folds multi-paragraph scripts onto one line', () => {
    const base = sampleBugCase();
    const report = buildReport({
      ...base,
      view: {
        ...base.view,
        env: {},
        path: [
          { playbook: 'export-fails', node: 'try-private', title: 'Try a private window', said: 'Please open a private window.\n\nThen export again.', answer: 'Still fails' },
          { playbook: 'export-fails', node: 'api', title: 'API reachable', said: '', answer: 'check failed (exit 7)' },
          ...base.view.path.slice(1),
        ],
      },
    });
    expect(report.steps_to_reproduce).toEqual([
      'Try a private window: Still fails.',
      'API reachable: check failed (exit 7)',
      'Observe: The spinner never stops and no file is downloaded.',
    ]);
  });

  it('uses the defaults when the outcome has no report block', () => {
    const report = buildReport(sampleResolvedCase());
    expect(report.title).toBe('Report export fails: Filter was hiding rows');
    expect(report.severity).toBeNull();
    expect(report.component).toBeNull();
    expect(report.labels).toEqual([]);
    expect(report.expected).toBeNull();
    expect(report.actual).toBe('Filter was hiding rows');
    expect(report.reply).toBeNull();
    expect(report.answers).toEqual({ rows: 2400 });
  });

  it("rates a bug without its own severity at the playbook's default", () => {
    const node = playbookNode('bug-pdf-export-times-out');
    const report = buildReport(sampleBugCase({ outcomeNode: { ...node, report: { ...node.report!, severity: undefined } } }));
    expect(report.severity).toBe('medium');
  });

  it('takes scope and frequency from the answers when the playbook asks for them', () => {
    const base = sampleBugCase();
    const report = buildReport({ ...base, view: { ...base.view, answers: { scope: 'all customers', frequency: ['always'] } } });
    expect(report.scope).toBe('all customers');
    expect(report.frequency).toBe('always');
  });

  it('gives the playbook path relative to its directory, with / separators', () => {
    expect(portablePath('/srv/pb/reports/export-fails.md', '/srv/pb')).toBe('reports/export-fails.md');
    expect(portablePath('/srv/pb/reports/export-fails.md', '/srv/pb/')).toBe('reports/export-fails.md');
    expect(portablePath('C:\\pb\\export-fails.md', 'C:\\pb')).toBe('export-fails.md');
    expect(portablePath('/elsewhere/x.md', '/srv/pb')).toBe('x.md');
  });

  it('names the playbook the outcome is in, and the one the run started in', () => {
    const other = { ...exportFailsPlaybook, id: 'triage-start', version: '2.1.0', env: [] };
    const report = buildReport(sampleBugCase({ startPlaybook: other }));
    expect(report.playbook.id).toBe('export-fails');
    expect(report.started_in).toEqual({ id: 'triage-start', version: '2.1.0' });
    expect(report.replay).toMatch(/^triage run triage-start /);
  });

  it('never reads the clock and gives the same report for the same input', () => {
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('the report builder read the clock');
    });
    expect(buildReport(sampleBugCase())).toEqual(buildReport(sampleBugCase()));
  });

  it('redacts secret answers everywhere and puts a placeholder in the replay command', () => {
    const base = sampleBugCase();
    const input: ReportInput = {
      ...base,
      finalPlaybook: exportFailsPlaybook,
      outcomeNode: {
        ...base.outcomeNode,
        report: { ...base.outcomeNode.report!, actual: 'Export failed for key {{ answers.api_key }}' },
      },
      view: {
        ...base.view,
        answers: { api_key: 'sk_live_51Habc123', pin: '42' },
        secretKeys: ['api_key', 'pin'],
        path: [
          { playbook: 'export-fails', node: 'key', title: 'API key', said: 'Which key did you use?', answer: 'api_key: sk_live_51Habc123; pin: 42' },
          ...base.view.path,
        ],
      },
      inputs: [
        ...base.inputs,
        { kind: 'ask', node: 'key', key: 'api_key', value: 'sk_live_51Habc123' },
        { kind: 'ask', node: 'key', key: 'pin', value: '42' },
      ],
      reply: 'We never store sk_live_51Habc123.',
    };
    const report = buildReport(input);
    const json = JSON.stringify(report);
    expect(json).not.toContain('sk_live');
    expect(report.answers).toEqual({ api_key: '[REDACTED]', pin: '[REDACTED]' });
    expect(report.path[0]!.answer).toBe('api_key: [REDACTED]; pin: [REDACTED]');
    expect(report.actual).toBe('Export failed for key [REDACTED]');
    expect(report.reply).toBe('We never store [REDACTED].');
    expect(report.replay).toContain("--answer 'api_key=[REDACTED]' --answer 'pin=[REDACTED]'");
  });
});

describe('buildReplayCommand', () => {
  it('reproduces the intake and every agent input, in order', () => {
    const words = shellWords(buildReport(sampleResolvedCase()).replay);
    expect(words).toEqual([
      'run',
      'export-fails',
      '--no-input',
      '--replay-of',
      'TRI-20261127-2B9C',
      '--customer',
      'Dana Whitfield',
      '--channel',
      'email',
      '--mood',
      'calm',
      '--description',
      'The CSV export is missing most of my rows.',
      '--answer',
      `browser=${FIREFOX_UA}`,
      '--answer',
      'app_version=4.2.1',
      '--answer',
      'which-format-fails=CSV',
      '--answer',
      'rows=2400',
      '--answer',
      'how-many-rows=Under 100,000',
    ]);
  });

  it('quotes hostile values so the shell sees them as plain words', () => {
    const nasty = `it's "fine" $(rm -rf /) \`id\` ; echo pwned\nnext line \\ *`;
    const base = sampleBugCase();
    const inputs: FlowInput[] = [
      { kind: 'probes', playbook: 'export-fails', values: { os: 'linux' } },
      { kind: 'ask', node: 'n', key: 'notes', value: nasty },
      { kind: 'ask', node: 'n', key: 'formats', value: ['CSV', 'PDF'] },
      { kind: 'ask', node: 'n', key: 'retried', value: true },
      { kind: 'check', node: 'c', result: { passed: true, stdout: '', stderr: '', timedOut: false, durationMs: 3 } },
    ];
    const command = buildReplayCommand({ ...base, intake: { customer: { channel: 'chat', mood: 'calm' }, description: nasty }, inputs });
    expect(shellWords(command)).toEqual([
      'run',
      'export-fails',
      '--no-input',
      '--replay-of',
      'TRI-20261127-7F3A',
      '--channel',
      'chat',
      '--mood',
      'calm',
      '--description',
      nasty.trim(),
      '--answer',
      `notes=${nasty}`,
      '--answer',
      'formats=CSV,PDF',
      '--answer',
      'retried=yes',
    ]);
  });

  it('leaves safe words unquoted', () => {
    expect(shellQuote('export-fails')).toBe('export-fails');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('k=v', true)).toBe("'k=v'");
  });

  it('redacted for another profile, keeps every stand-in a quoted word', () => {
    const base = sampleBugCase();
    const inputs: FlowInput[] = [{ kind: 'ask', node: 'n', key: 'notes', value: "dana@example.com can't sign in" }];
    const intake = { customer: { name: 'Dana Reyes', account: 'dana@example.com', channel: 'email' as const, mood: 'calm' as const }, description: "I can't log in.\nDana" };
    const command = buildReplayCommand({ ...base, intake, inputs });
    const redacted = redactShellWords(command, (value) => createProfileRedactor('public', { account: 'dana@example.com' }).redactText(value));
    // A bare [EMAIL-1] is a glob: zsh refuses the line, sh expands it when a file matches.
    expect(redacted).toContain("--account '[EMAIL-1]'");
    expect(redacted).not.toContain('dana@example.com');
    const words = shellWords(redacted);
    expect(words.slice(words.indexOf('--account'), words.indexOf('--account') + 2)).toEqual(['--account', '[EMAIL-1]']);
    expect(words).toContain("I can't log in.\nDana");
    expect(words).toContain("notes=[EMAIL-1] can't sign in");
  });
});

describe('case facts and the account', () => {
  it('takes scope, frequency and started from the confirmed intake facts, and the account from the intake', () => {
    const base = sampleBugCase();
    const report = buildReport({
      ...base,
      intake: { ...base.intake, customer: { ...base.intake.customer, account: 'acct-4711' }, facts: { scope: 'my whole team', started: 'since yesterday' } },
    });
    expect(report.scope).toBe('my whole team');
    expect(report.started).toBe('since yesterday');
    expect(report.frequency).toBeNull();
    expect(report.customer.account).toBe('acct-4711');
  });
});
