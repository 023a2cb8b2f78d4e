/**
 * Interrupting a scripted run (SIGINT, as Ctrl-C sends it) and `triage resume` without a
 * terminal. The interactive resume is in test/e2e/interrupt-resume.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, makeHome, triage } from '../helpers/cli.js';

const GATED = join(import.meta.dirname, '..', 'fixtures', 'run', 'gated');
const gates: string[] = [];
// A check still waiting on its gate would otherwise outlive the tests.
afterAll(() => {
  for (const gate of gates) writeFileSync(gate, '');
});

function sessionPath(home: string, caseId: string): string {
  return join(isolatedEnv(home).XDG_DATA_HOME!, 'triage', 'sessions', `${caseId}.json`);
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts the gated run, waits until its check is under way, sends SIGINT; returns what it printed. */
async function interruptMidCheck(home: string, caseId: string, gate: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [BIN, '--playbooks', GATED, 'run', 'gated-check', '--allow-commands', '--case-id', caseId, '--customer', 'Mo', '--answer', 'password=hunter2-correct-horse', '--answer', `gate=${gate}`],
    { env: { ...process.env, ...isolatedEnv(home), NO_COLOR: undefined, FORCE_COLOR: undefined }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Both answers are saved before the check starts.
  await waitUntil(() => {
    try {
      return (JSON.parse(readFileSync(sessionPath(home, caseId), 'utf8')) as { inputs: unknown[] }).inputs.length === 2;
    } catch {
      return false;
    }
  }, 10_000, 'the session file');
  child.kill('SIGINT');
  const code = await exited;
  return { code, stdout, stderr };
}

describe('triage resume without a terminal', () => {
  it('SIGINT mid-run exits 130, names `triage resume <case>`, and leaves a redacted session', async () => {
    const home = makeHome();
    const gate = join(mkdtempSync(join(tmpdir(), 'triage-gate-')), 'open');
    gates.push(gate);
    const result = await interruptMidCheck(home, 'TRI-SIGINT-0001', gate);
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Interrupted. Case TRI-SIGINT-0001 is saved; continue it with `triage resume TRI-SIGINT-0001`.');

    const text = readFileSync(sessionPath(home, 'TRI-SIGINT-0001'), 'utf8');
    expect(text).not.toContain('hunter2');
    const session = JSON.parse(text) as { status: string; intake: { customer: { name: string } }; inputs: { kind: string; key: string; value: string }[] };
    expect(session.status).toBe('open');
    expect(session.intake.customer.name).toBe('Mo');
    expect(session.inputs).toEqual([
      { kind: 'ask', node: 'before-the-check', key: 'password', value: '[REDACTED]' },
      { kind: 'ask', node: 'before-the-check', key: 'gate', value: gate },
    ]);

    // Resumed in a pipe: the check runs again (the gate is open now), then the run needs a choice
    // that only a terminal can give. The message says so and names the key and its labels.
    writeFileSync(gate, '');
    const resumed = triage(['--playbooks', GATED, 'resume', '--allow-commands'], { home });
    expect(resumed.code).toBe(2);
    expect(resumed.stdout).toBe('');
    expect(resumed.stderr).toContain('Resuming case TRI-SIGINT-0001 (A check that waits for a gate file), 2 answers so far.');
    expect(resumed.stderr).toContain('Case TRI-SIGINT-0001 needs more answer (after-the-check), and `triage resume` asks them only in a terminal');
    expect(resumed.stderr).toContain('"Yes, it works", "No"');
    expect(resumed.stderr).toContain('Run `triage resume TRI-SIGINT-0001` in a terminal');
    expect(resumed.stderr).not.toContain('--answer after-the-check');
    // Still there to resume at a terminal, with the check result now saved too.
    const after = JSON.parse(readFileSync(sessionPath(home, 'TRI-SIGINT-0001'), 'utf8')) as { inputs: { kind: string }[] };
    expect(after.inputs.map((i) => i.kind)).toEqual(['ask', 'ask', 'check']);
  }, 20_000);

  it('remembers --playbooks and --allow-commands: resume needs no flags; a case without them is refused', async () => {
    const home = makeHome();
    const gate = join(mkdtempSync(join(tmpdir(), 'triage-gate-')), 'open');
    gates.push(gate);
    expect((await interruptMidCheck(home, 'TRI-SIGINT-0002', gate)).code).toBe(130);
    const session = JSON.parse(readFileSync(sessionPath(home, 'TRI-SIGINT-0002'), 'utf8')) as { origin: { playbookDirs: string[]; allowCommands?: boolean } };
    expect(session.origin).toEqual({ playbookDirs: [GATED], allowCommands: true });
    writeFileSync(gate, '');
    // No --playbooks, no --allow-commands: the check runs again, then the run needs a terminal.
    const resumed = triage(['resume', 'TRI-SIGINT-0002'], { home });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain('Resuming case TRI-SIGINT-0002');
    expect(resumed.stderr).toContain('needs more answer (after-the-check)');
    // A case started without --allow-commands is refused before anything runs.
    writeFileSync(sessionPath(home, 'TRI-SIGINT-0002'), JSON.stringify({ ...session, origin: { playbookDirs: [GATED] } }));
    const refused = triage(['resume', 'TRI-SIGINT-0002'], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Nothing was run.');
    expect(existsSync(sessionPath(home, 'TRI-SIGINT-0002'))).toBe(true);
  }, 20_000);

  it('exits 2 when there is nothing to resume, or no such case', () => {
    const home = makeHome();
    const none = triage(['resume'], { home });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('There is no interrupted case to resume.');
    expect(none.stderr).toContain('triage run <playbook>');
    const missing = triage(['resume', 'TRI-20260101-ABCD'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No interrupted case TRI-20260101-ABCD.');
    const bad = triage(['resume', '../../etc/passwd'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a valid case id');
  });

  it('sets a damaged session aside and says so', () => {
    const home = makeHome();
    const path = sessionPath(home, 'TRI-20260101-DEAD');
    // A half-written file, as a crash of an older version could leave.
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '{"id": "TRI-20260101-DEAD", "inputs": [');
    const result = triage(['resume', 'TRI-20260101-DEAD'], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The saved session TRI-20260101-DEAD is damaged and cannot be resumed');
    expect(existsSync(path)).toBe(false);
    expect(result.stderr).toMatch(/kept as .*TRI-20260101-DEAD\.json\.corrupt-/);
  });
});
