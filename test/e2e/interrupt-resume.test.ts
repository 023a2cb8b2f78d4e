/**
 * Ctrl-C in the middle of an interactive run: exit 130 naming `triage resume <case>`, the session
 * on disk (secrets redacted), and `triage resume` continuing at the same prompt to the same report
 * an uninterrupted run with the same answers gives.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isolatedEnv, makeHome, triage } from '../helpers/cli.js';
import { KEY, readOutput, spawnTriage, type PtyRun, skipReportQuestions } from '../helpers/pty.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'run');
const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };
const INTAKE = ['--customer', 'Bo Lindqvist', '--channel', 'email', '--mood', 'frustrated', '--account', 'acct-1', '--description', 'The CSV comes out empty'];

const runs: PtyRun[] = [];
afterEach(() => {
  for (const r of runs.splice(0)) r.kill();
});

function sessionFile(home: string, caseId: string): string {
  return join(isolatedEnv(home).XDG_DATA_HOME!, 'triage', 'sessions', `${caseId}.json`);
}

describe('Ctrl-C and triage resume in a pseudo-terminal', () => {
  it('exits 130 naming the case, and resume continues at the same prompt to the same report', async () => {
    const home = makeHome();
    const outDir = mkdtempSync(join(tmpdir(), 'triage-out-'));

    const first = spawnTriage(['run', 'upload-or-export-fails', ...INTAKE], { home, env: EPOCH, stdoutFile: join(outDir, 'interrupted.out') });
    runs.push(first);
    await first.answer('? Browser and version', 'Firefox 127');
    await first.choose('? What did the customer say?', 'Exporting data');
    await first.choose('? Export format', 'CSV');
    await first.waitFor('? Approximate number of rows');
    first.mark();
    first.type(KEY.ctrlC);
    expect(await first.exit()).toBe(130);
    const message = await first.waitFor(/Interrupted\. Case TRI-\d{8}-[0-9A-F]{4} is saved; continue it with `triage resume TRI-/);
    const caseId = /Case (TRI-\d{8}-[0-9A-F]{4}) is saved; continue it with `triage resume \1`/.exec(message)![1]!;
    expect(readOutput(join(outDir, 'interrupted.out'))).toBe('');

    const saved = JSON.parse(readFileSync(sessionFile(home, caseId), 'utf8')) as { status: string; inputs: { kind: string }[] };
    expect(saved.status).toBe('open');
    expect(saved.inputs.map((i) => i.kind)).toEqual(['env', 'choice', 'ask']);

    const resumed = spawnTriage(['resume', '--format', 'json'], { home, env: EPOCH, stdoutFile: join(outDir, 'resumed.json') });
    runs.push(resumed);
    await resumed.waitFor(`Resuming case ${caseId} (File upload or export fails)`);
    await resumed.answer('? Approximate number of rows', '5200');
    // Nothing answered before the interrupt was asked again.
    const beforeRows = resumed.text().split('? Approximate number of rows')[0]!;
    expect(beforeRows).not.toContain('? Export format');
    expect(beforeRows).not.toContain('? Browser and version');
    expect(beforeRows).toContain('How big is the export?');
    await resumed.choose('? What did the customer say?', 'Smaller, and the file is empty or cut short');
    await resumed.answer('? Rows they expected', '5200');
    await resumed.answer('? Rows in the downloaded file', '0');
    await resumed.choose('? What did the customer say?', 'No filter; the file really has fewer rows');
    // A bug outcome asks scope, frequency and start once, each skippable (as the run without prompts skips them).
    await skipReportQuestions(resumed);
    expect(await resumed.exit()).toBe(0);
    expect(existsSync(sessionFile(home, caseId))).toBe(false);

    // Another agent's machine, set up the same way, running the same case without prompts.
    const otherHome = makeHome();
    expect(triage(['config', 'set', 'agent.name', 'Sam Lee'], { home: otherHome }).code).toBe(0);
    const uninterrupted = triage(
      [
        'run', 'upload-or-export-fails', ...INTAKE, '--case-id', caseId, '--format', 'json',
        '--answer', 'browser=Firefox 127', '--answer', 'upload-or-export=Exporting data', '--answer', 'export_format=CSV',
        '--answer', 'row_count=5200', '--answer', 'how-big-is-the-export=Smaller, and the file is empty or cut short', '--answer', 'rows_expected=5200', '--answer', 'rows_received=0', '--answer', 'do-filters-explain-the-missing-rows=No filter; the file really has fewer rows',
      ],
      { env: EPOCH, home: otherHome },
    );
    expect(uninterrupted.code).toBe(0);
    const resumedJson = readOutput(join(outDir, 'resumed.json'));
    const report = JSON.parse(resumedJson) as Record<string, any>;
    expect(report.case.id).toBe(caseId);
    expect(report.outcome.node).toBe('bug-export-file-empty-or-cut-short');
    expect(report.path.map((s: { node: string }) => s.node)).toEqual(['upload-or-export', 'how-big-is-the-export', 'do-filters-explain-the-missing-rows', 'bug-export-file-empty-or-cut-short']);
    expect(report.answers).toEqual({ export_format: 'CSV', row_count: 5200, rows_expected: 5200, rows_received: 0 });
    // With the clock fixed, the interrupted-and-resumed case is the uninterrupted one, byte for byte.
    expect(resumedJson).toBe(uninterrupted.stdout);
  }, 20_000);

  it('keeps secrets out of the saved session', async () => {
    const home = makeHome();
    const token = `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
    const run = spawnTriage(['--playbooks', join(FIXTURES, 'playbooks'), 'run', 'every-outcome', ...INTAKE], { home });
    runs.push(run);
    await run.answer('? App version', '3.2');
    await run.answer('? API token', 'sk-live-very-secret-value');
    await run.choose('? Plan', 'Team');
    await run.answer('? Anything else they mentioned', `they pasted ${token} in chat`);
    await run.waitFor('? What did the customer say?');
    run.mark();
    run.type(KEY.ctrlC);
    expect(await run.exit()).toBe(130);
    const caseId = /triage resume (TRI-\d{8}-[0-9A-F]{4})/.exec(await run.waitFor('triage resume TRI-'))![1]!;

    const text = readFileSync(sessionFile(home, caseId), 'utf8');
    expect(text).not.toContain('very-secret');
    expect(text).not.toContain(token);
    const saved = JSON.parse(text) as { inputs: { kind: string; key?: string; value?: unknown }[] };
    const answers = Object.fromEntries(saved.inputs.filter((i) => i.kind === 'ask').map((i) => [i.key, i.value]));
    expect(answers).toEqual({ api_token: '[REDACTED]', plan: 'Team', notes: 'they pasted [REDACTED] in chat' });
    // The screen never showed the secret either (masked while typed).
    expect(run.text()).not.toContain('very-secret');

    // Interrupted again after `triage resume` (no case given), the message still names the case.
    const again = spawnTriage(['--playbooks', join(FIXTURES, 'playbooks'), 'resume'], { home });
    runs.push(again);
    await again.waitFor(`Resuming case ${caseId}`);
    // Secrets are never saved, so resume asks for the token again (masked), then goes on.
    await again.waitFor('The answer to "api_token" is secret and was not saved; it is asked again.');
    await again.answer('? API token', 'sk-live-very-secret-value');
    await again.waitFor('? What did the customer say?');
    expect(again.text()).not.toContain('very-secret');
    again.type(KEY.ctrlC);
    expect(await again.exit()).toBe(130);
    expect(again.text()).toContain(`Interrupted. Case ${caseId} is saved; continue it with \`triage resume ${caseId}\`.`);
  }, 20_000);
});
