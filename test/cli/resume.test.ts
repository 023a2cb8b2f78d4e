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

    // Resumed in a pipe: the secret was never saved, so the check must not get "[REDACTED]" in
    // its place; the secret is asked again, which only a terminal can do. Nothing is cut back.
    writeFileSync(gate, '');
    const resumed = triage(['--playbooks', GATED, 'resume', '--allow-commands'], { home });
    expect(resumed.code).toBe(2);
    expect(resumed.stdout).toBe('');
    expect(resumed.stderr).toContain('Case TRI-SIGINT-0001 needs more answer (password): a secret answer is never saved');
    expect(resumed.stderr).toContain('Run `triage resume TRI-SIGINT-0001` in a terminal');
    const after = JSON.parse(readFileSync(sessionPath(home, 'TRI-SIGINT-0001'), 'utf8')) as { inputs: { kind: string }[] };
    expect(after.inputs.map((i) => i.kind)).toEqual(['ask', 'ask']);
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
    // (A secret answer is never saved, so it is asked again first.)
    expect(resumed.stderr).toContain('needs more answer (password)');
    // A case started without --allow-commands is refused before anything runs.
    writeFileSync(sessionPath(home, 'TRI-SIGINT-0002'), JSON.stringify({ ...session, origin: { playbookDirs: [GATED] } }));
    const refused = triage(['resume', 'TRI-SIGINT-0002'], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Nothing was run.');
    expect(existsSync(sessionPath(home, 'TRI-SIGINT-0002'))).toBe(true);
  }, 20_000);

  it('a case stopped at the playbook picker needs a terminal to continue, and stays saved', () => {
    const home = makeHome();
    const path = sessionPath(home, 'TRI-20261204-PICK');
    mkdirSync(join(path, '..'), { recursive: true });
    const record = {
      id: 'TRI-20261204-PICK',
      status: 'open',
      stage: 'picker',
      playbook: { id: '', version: '', title: '', path: '' },
      intake: { customer: { name: 'Mo', channel: 'chat', mood: 'calm' }, description: 'the dashboard is slow' },
      inputs: [],
      startedAt: '2026-12-04T10:00:00.000Z',
      updatedAt: '2026-12-04T10:00:00.000Z',
      handoffs: [],
      origin: { playbookDirs: [] },
    };
    writeFileSync(path, JSON.stringify(record));
    const resumed = triage(['resume'], { home });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain('Case TRI-20261204-PICK stopped at the playbook picker; continuing it needs a terminal.');
    expect(existsSync(path)).toBe(true);
  });

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
