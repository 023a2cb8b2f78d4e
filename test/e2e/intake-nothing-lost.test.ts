/**
 * Nothing typed is lost: Ctrl-C at every prompt of the guided intake, the playbook picker and the
 * run, then `triage resume` (no flags: the case remembers its --playbooks directory), continues
 * exactly there and ends in the same report as a run without interruptions. Interrupted cases
 * show in `cases list --status open`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, triage } from '../helpers/cli.js';
import { KEY, readOutput, spawnTriage, type PtyRun } from '../helpers/pty.js';

const runs: PtyRun[] = [];
afterEach(() => {
  for (const r of runs.splice(0)) r.kill();
});

interface Step {
  readonly prompt: string;
  readonly kind: 'answer' | 'choose';
  readonly value: string;
}

const PLAYBOOKS = join(import.meta.dirname, '..', 'fixtures', 'intake', 'playbooks');

/** Every prompt of a guided case through the api-status fixture, in order. */
const STEPS: readonly Step[] = [
  { prompt: "? Customer's name", kind: 'answer', value: 'Priya Shah' },
  { prompt: '? Channel', kind: 'choose', value: 'Chat' },
  { prompt: '? How does the customer sound?', kind: 'choose', value: 'Frustrated' },
  { prompt: '? Account (id or email)', kind: 'answer', value: 'acme-42' },
  { prompt: '? What is the problem, in their words?', kind: 'answer', value: 'Our API sync gets 429 too many requests since this morning' },
  { prompt: '? Best matching playbooks', kind: 'choose', value: 'API status errors (strong match)' },
  { prompt: '? Browser and version', kind: 'answer', value: 'Firefox 128 on Ubuntu' },
  { prompt: '? HTTP status code in the log', kind: 'answer', value: '429' },
  { prompt: '? When it started', kind: 'answer', value: 'today 09:00 UTC' },
  { prompt: '? Requests per minute at peak', kind: 'answer', value: '900' },
  { prompt: '? What did the customer say?', kind: 'choose', value: '429 Too Many Requests' },
];

async function perform(run: PtyRun, step: Step): Promise<void> {
  if (step.kind === 'answer') await run.answer(step.prompt, step.value);
  else await run.choose(step.prompt, step.value);
}

interface ReportJson {
  customer: { name: string; channel: string; mood: string; account: string };
  description: string;
  playbook: { id: string };
  outcome: { node: string };
  answers: Record<string, unknown>;
  environment: Record<string, string>;
}

function expectWholeCase(report: ReportJson): void {
  expect(report.customer).toMatchObject({ name: 'Priya Shah', channel: 'chat', mood: 'frustrated' });
  // The account was kept (the report carries it redacted to a stand-in).
  expect(report.customer.account).toMatch(/^(acme-42|\[ACCOUNT-1\])$/);
  expect(report.description).toBe('Our API sync gets 429 too many requests since this morning');
  expect(report.playbook.id).toBe('api-status');
  expect(report.outcome.node).toBe('workaround-slow-down');
  expect(report.answers).toMatchObject({ status_code: '429', started: 'today 09:00 UTC', rate: 900 });
  expect(JSON.stringify(report.environment)).toContain('Firefox 128');
}

describe('Ctrl-C anywhere in a guided case, then triage resume', () => {
  it('at the first prompt nothing was typed: nothing is saved, and resume says there is nothing to resume', async () => {
    const home = makeHome();
    const run = spawnTriage(['--playbooks', PLAYBOOKS], { home });
    runs.push(run);
    await run.waitFor(STEPS[0]!.prompt);
    run.type(KEY.ctrlC);
    expect(await run.exit()).toBe(130);
    expect(run.text()).toContain('nothing to save');
    expect(triage(['resume'], { home }).code).toBe(2);
  });

  it.each(STEPS.slice(1).map((step, i) => [i + 1, step.prompt] as const))('at prompt %i (%s): resume continues there and loses nothing', async (k) => {
    const home = makeHome();
    const outDir = mkdtempSync(join(tmpdir(), 'triage-out-'));
    const first = spawnTriage(['--playbooks', PLAYBOOKS], { home, stdoutFile: join(outDir, 'first.out') });
    runs.push(first);
    for (const step of STEPS.slice(0, k)) await perform(first, step);
    await first.waitFor(STEPS[k]!.prompt);
    first.type(KEY.ctrlC);
    expect(await first.exit()).toBe(130);
    const caseId = /Case (TRI-\d{8}-[0-9A-F]{4}) is saved; continue it with `triage resume \1`/.exec(first.text())?.[1];
    expect(caseId, first.text().slice(-500)).toBeDefined();

    // The interrupted case is in the history as open.
    const open = JSON.parse(triage(['cases', 'list', '--status', 'open', '--json'], { home }).stdout) as { id: string; customer: string }[];
    expect(open.map((c) => c.id)).toEqual([caseId]);
    expect(open[0]!.customer).toBe('Priya Shah');

    const resumed = spawnTriage(['resume', '--format', 'json'], { home, stdoutFile: join(outDir, 'resumed.json') });
    runs.push(resumed);
    await resumed.waitFor(`Resuming case ${caseId}`);
    await resumed.waitFor(STEPS[k]!.prompt);
    // Nothing answered before the interrupt is asked again.
    const before = resumed.text().split(STEPS[k]!.prompt)[0]!;
    for (const step of STEPS.slice(0, k)) if (!STEPS.slice(k).some((later) => later.prompt === step.prompt)) expect(before).not.toContain(step.prompt);
    for (const step of STEPS.slice(k)) await perform(resumed, step);
    expect(await resumed.exit()).toBe(0);
    expectWholeCase(JSON.parse(readOutput(join(outDir, 'resumed.json'))) as ReportJson);
    expect(JSON.parse(triage(['cases', 'list', '--status', 'open', '--json'], { home }).stdout)).toEqual([]);
  }, 30_000);
});
