/**
 * A laptop dies mid-call. kill -9 at random points of non-interactive and interactive runs, then
 * `triage resume` (or, when the kill came before anything was saved, the same command again):
 * the final report equals an uninterrupted run's, byte for byte (clock fixed by
 * SOURCE_DATE_EPOCH, case id by --case-id). A damaged session file or config file is reported,
 * kept as a backup, and triage goes on.
 *
 * Kill delays come from a seeded generator; set TRIAGE_CRASH_SEED to replay a failing sequence.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lastFrame, readOutput, spawnTriage as spawnPty, type PtyRun } from '../helpers/pty.js';
import { EPOCH, HOSTILE, expectNoStackTrace, isolatedEnv, makeHome, run, sleep, spawnTriage, tempDir } from './helpers.js';

const SEED = Number(process.env.TRIAGE_CRASH_SEED ?? Date.now() % 1_000_000);

/** mulberry32: small, seeded, good enough to spread kill points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** SIGKILL to the triage process started with `--case-id <caseId>` (the pty helper only hangs up). */
function killByCaseId(caseId: string): void {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline: string[];
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = cmdline.indexOf('--case-id');
    if (at !== -1 && cmdline[at + 1] === caseId && cmdline.some((a) => a.endsWith('triage.js'))) process.kill(Number(pid), 'SIGKILL');
  }
}

function sessionsDir(home: string): string {
  return join(isolatedEnv(home).XDG_DATA_HOME!, 'triage', 'sessions');
}

function sessionFiles(home: string): string[] {
  const dir = sessionsDir(home);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** The stored report of a case in the history, as `cases show --as report --format json` prints it. */
function storedReport(home: string, caseId: string): string | undefined {
  const shown = run(['cases', 'show', caseId, '--as', 'report', '--format', 'json'], { home });
  return shown.code === 0 ? shown.stdout : undefined;
}

// ---------------------------------------------------------------------------------------------

describe('kill -9 during a non-interactive run, then resume', () => {
  const ITERATIONS = 10;

  it(`${ITERATIONS} random kill points: every case ends with the uninterrupted report (seed ${SEED})`, async () => {
    const dir = join(tempDir(), 'crash');
    cpSync(join(HOSTILE, 'crash'), dir, { recursive: true });
    const answers = ['--answer', 'app_version=2.0.1', '--answer', 'account=ACME-1', '--answer', 'detail=line one', '--answer', 'start=Check it'];
    const runArgs = (caseId: string) => ['--playbooks', dir, 'run', 'crash', ...answers, '--no-input', '--format', 'json', '--case-id', caseId];
    // One settings directory that trusts the playbooks, shared; a fresh HOME (data) per run.
    const config = join(tempDir(), 'config');
    expect(run(['trust', dir], { env: { TRIAGE_CONFIG_DIR: config } }).code).toBe(0);
    const env = { ...EPOCH, TRIAGE_CONFIG_DIR: config };
    const trustedHome = () => makeHome();

    // One case id for every run (each in its own HOME): the reply's wording is chosen by case id.
    const caseId = 'TRI-CRASH-1';
    const reference = run(runArgs(caseId), { home: trustedHome(), env });
    expect(reference.code, reference.stderr).toBe(0);
    const expected = (): string => reference.stdout;

    const next = random(SEED);
    const seen = new Set<string>();
    for (let i = 1; i <= ITERATIONS; i++) {
      const home = trustedHome();
      // A whole run takes about a second (start-up, a 150 ms probe, two 250 ms checks).
      const delay = Math.round(next() * 1300);
      const victim = spawnTriage(runArgs(caseId), { home, env });
      await sleep(delay);
      victim.child.kill('SIGKILL');
      const killed = await victim.done;
      const where = `iteration ${i}, killed after ${delay} ms (seed ${SEED})`;

      let final: string | undefined;
      let how: string;
      if (killed.signal !== 'SIGKILL') {
        // It finished before the kill landed.
        expect(killed.code, `${where}\n${killed.stderr}`).toBe(0);
        final = killed.stdout;
        how = 'finished';
      } else if (sessionFiles(home).includes(`${caseId}.json`)) {
        const resumed = run(['--playbooks', dir, 'resume', caseId, '--format', 'json'], { home, env });
        expectNoStackTrace(resumed);
        if (resumed.code === 0) {
          final = resumed.stdout;
          how = 'resumed';
        } else {
          // Killed before the answers were saved: resume says which it needs; the command again does it.
          expect(resumed.code, `${where}\n${resumed.stderr}`).toBe(2);
          expect(resumed.stderr).toMatch(new RegExp(`Case ${caseId} needs more answers`));
          const again = run(runArgs(caseId), { home, env });
          expect(again.code, `${where}\n${again.stderr}`).toBe(0);
          final = again.stdout;
          how = 'resume needed answers; ran again';
        }
      } else if ((final = storedReport(home, caseId)) !== undefined) {
        // Killed after the history had it, before it was printed: the history has the report.
        how = 'in the history';
      } else {
        // Killed before anything was saved: the same command again.
        const again = run(runArgs(caseId), { home, env });
        expect(again.code, `${where}\n${again.stderr}`).toBe(0);
        final = again.stdout;
        how = 'ran again';
      }
      seen.add(how);
      expect(final, `${where} (${how})`).toBe(expected());
      // And the history holds this case (by id, so once) with the same report.
      expect(storedReport(home, caseId), `${where} (${how})`).toBe(expected());
      expect(sessionFiles(home).filter((f) => f.endsWith('.json')), where).toEqual([]);
    }
    // Not an assertion on chance, a record of what the kills hit, for the test log.
    console.info(`crash-safety (seed ${SEED}): ${[...seen].join(', ')}`);
  }, 120_000);

  it('a finished case whose history write never happened is recorded by `triage resume`', () => {
    const home = makeHome();
    const other = makeHome();
    const dir = join(tempDir(), 'crash');
    cpSync(join(HOSTILE, 'crash'), dir, { recursive: true });
    for (const h of [home, other]) expect(run(['trust', dir], { home: h }).code).toBe(0);
    const args = ['--playbooks', dir, 'run', 'crash', '--answer', 'app_version=1', '--answer', 'account=A', '--answer', 'detail=d', '--answer', 'start=Never mind', '--no-input', '--format', 'json', '--case-id', 'TRI-DONE-1'];
    const reference = run(args, { home: other, env: EPOCH });
    expect(reference.code).toBe(0);
    // The state a kill between "finished" and "recorded" leaves: the session, done, and no history.
    const first = run([...args, '--no-history'], { home, env: EPOCH });
    expect(first.code).toBe(0);
    const reportObject = JSON.parse(first.stdout) as Record<string, unknown>;
    const session = {
      id: 'TRI-DONE-1',
      status: 'done',
      playbook: { id: 'crash', version: '1.0.0', title: 'Crash safety', path: join(dir, 'crash.md') },
      intake: { customer: { channel: 'email', mood: 'calm' }, description: '' },
      inputs: [],
      outcome: { kind: 'resolved', node: 'resolved-never-mind', title: 'Never mind', playbook: 'crash' },
      report: reportObject,
      reply: reportObject.reply,
      startedAt: reportObject.started_at,
      updatedAt: reportObject.finished_at,
      finishedAt: reportObject.finished_at,
      handoffs: [],
    };
    writeFileSync(join(sessionsDir(home), 'TRI-DONE-1.json'), JSON.stringify(session));
    const resumed = run(['--playbooks', dir, 'resume', '--format', 'json'], { home, env: EPOCH });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Case TRI-DONE-1 had reached an outcome but was not recorded in the history; recording it now/);
    expect(resumed.stdout).toBe(reference.stdout);
    expect(storedReport(home, 'TRI-DONE-1')).toBe(reference.stdout);
    expect(sessionFiles(home)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('kill -9 during an interactive run (a real pseudo-terminal), then resume', () => {
  const ITERATIONS = 6;
  const INTAKE = ['--customer', 'Bo Lindqvist', '--channel', 'email', '--mood', 'frustrated', '--account', 'acct-1', '--description', 'The CSV comes out empty'];
  /** The prompts of upload-or-export-fails on this path, in order, with the answer to give. */
  const STEPS: { prompt: string; text?: string; choose?: string }[] = [
    { prompt: '? Browser and version', text: 'Firefox 127' },
    { prompt: '? What did the customer say?', choose: 'Exporting data' },
    { prompt: '? Export format', choose: 'CSV' },
    { prompt: '? Approximate number of rows', text: '5200' },
    { prompt: '? What did the customer say?', choose: 'Smaller, and the file is empty or cut short' },
    { prompt: '? Rows they expected', text: '5200' },
    { prompt: '? Rows in the downloaded file', text: '0' },
    { prompt: '? What did the customer say?', choose: 'No filter; the file really has fewer rows' },
  ];
  const runs: PtyRun[] = [];
  afterEach(() => {
    for (const r of runs.splice(0)) r.kill();
  });

  async function answer(pty: PtyRun, step: (typeof STEPS)[number]): Promise<void> {
    if (step.text !== undefined) await pty.answer(step.prompt, step.text);
    else await pty.choose(step.prompt, step.choose!);
  }

  /** Which step the screen is asking now: the last prompt drawn, told apart by its choices. */
  async function currentStep(pty: PtyRun, from: number): Promise<number> {
    const prompts = [...new Set(STEPS.map((s) => s.prompt))];
    await pty.waitFor(new RegExp(prompts.map((p) => p.replace(/[?.*+()[\]]/g, '\\$&')).join('|')), { from, timeoutMs: 15_000 });
    const screen = pty.text().slice(from);
    const last = Math.max(...prompts.map((p) => screen.lastIndexOf(p)));
    const prompt = prompts.find((p) => screen.lastIndexOf(p) === last)!;
    const candidates = STEPS.map((s, i) => ({ s, i })).filter(({ s }) => s.prompt === prompt);
    if (candidates.length === 1) return candidates[0]!.i;
    await sleep(150);
    const { entries } = lastFrame(pty.text().slice(from + last));
    return candidates.find(({ s }) => entries.includes(s.choose!))!.i;
  }

  it(`${ITERATIONS} kills after a random number of answers: resume finishes with the uninterrupted report (seed ${SEED})`, async () => {
    const caseId = 'TRI-PTY-1';
    const reference = run(
      [
        'run', 'upload-or-export-fails', ...INTAKE, '--case-id', caseId, '--format', 'json', '--no-input',
        '--answer', 'browser=Firefox 127', '--answer', 'upload-or-export=Exporting data', '--answer', 'export_format=CSV',
        '--answer', 'row_count=5200', '--answer', 'how-big-is-the-export=Smaller, and the file is empty or cut short', '--answer', 'rows_expected=5200', '--answer', 'rows_received=0', '--answer', 'do-filters-explain-the-missing-rows=No filter; the file really has fewer rows',
      ],
      { env: EPOCH, home: (() => {
        const h = makeHome();
        run(['config', 'set', 'agent.name', 'Sam Lee'], { home: h });
        return h;
      })() },
    );
    expect(reference.code, reference.stderr).toBe(0);

    const next = random(SEED + 1);
    for (let i = 1; i <= ITERATIONS; i++) {
      const home = makeHome();
      const out = tempDir();
      const answered = 1 + Math.floor(next() * (STEPS.length - 1));
      const delay = Math.round(next() * 120);
      const where = `iteration ${i}: killed after ${answered} answers + ${delay} ms (seed ${SEED})`;

      const first = spawnPty(['run', 'upload-or-export-fails', ...INTAKE, '--case-id', caseId, '--format', 'json'], { home, env: EPOCH, stdoutFile: join(out, 'first.json') });
      runs.push(first);
      for (const step of STEPS.slice(0, answered)) await answer(first, step);
      await sleep(delay);
      // SIGKILL: no handler runs, nothing is flushed; only what was already on disk survives.
      killByCaseId(caseId);
      await first.exit().catch(() => undefined);

      const saved = JSON.parse(readFileSync(join(sessionsDir(home), `${caseId}.json`), 'utf8')) as { status: string; inputs: unknown[] };
      expect(saved.status, where).toBe('open');
      expect(saved.inputs.length, where).toBeLessThanOrEqual(answered);

      const resumed = spawnPty(['resume', caseId, '--format', 'json'], { home, env: EPOCH, stdoutFile: join(out, 'resumed.json'), agent: false });
      runs.push(resumed);
      const start = resumed.mark();
      await resumed.waitFor(`Resuming case ${caseId}`, { timeoutMs: 15_000 });
      let from = start;
      for (;;) {
        const step = await currentStep(resumed, from);
        // Never asked again: what was answered before the kill (and saved) stays answered.
        expect(step, where).toBeGreaterThanOrEqual(saved.inputs.length - 1);
        await answer(resumed, STEPS[step]!);
        // Only what is drawn after this answer was taken can be the next question: from the ✔ line
        // that shows it taken (the next prompt can arrive in the same chunk, so not from the end).
        from = resumed.text().lastIndexOf('✔');
        if (step === STEPS.length - 1) break;
      }
      // The bug outcome asks scope, frequency and start once, each skippable (the reference run skips them).
      await resumed.answer('? Who is affected?', '');
      await resumed.answer('? How often does it happen?', '');
      await resumed.answer('? When did it start?', '');
      expect(await resumed.exit(20_000), where).toBe(0);
      const json = readOutput(join(out, 'resumed.json'));
      expect(json, where).toBe(reference.stdout);
      expect(sessionFiles(home).filter((f) => f.endsWith('.json'))).toEqual([]);
    }
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------

describe('damaged files', () => {
  function prepare(home: string): void {
    // An interrupted case: the slow check is still running when the run is killed.
    const dir = join(tempDir(), 'crash');
    cpSync(join(HOSTILE, 'crash'), dir, { recursive: true });
    expect(run(['trust', dir], { home }).code).toBe(0);
    writeFileSync(join(home, 'playbooks-dir'), dir);
  }

  async function interrupted(home: string, caseId: string): Promise<void> {
    const dir = readFileSync(join(home, 'playbooks-dir'), 'utf8');
    const victim = spawnTriage(
      ['--playbooks', dir, 'run', 'crash', '--answer', 'app_version=1', '--answer', 'account=A', '--answer', 'detail=d', '--answer', 'start=Check it', '--no-input', '--case-id', caseId],
      { home, env: EPOCH },
    );
    // Wait until the answers are saved (the session holds the choice), then kill.
    const file = join(sessionsDir(home), `${caseId}.json`);
    for (let waited = 0; waited < 15_000; waited += 20) {
      if (existsSync(file) && readFileSync(file, 'utf8').includes('"choice"')) break;
      await sleep(20);
    }
    victim.child.kill('SIGKILL');
    await victim.done;
    expect(readFileSync(file, 'utf8')).toContain('"choice"');
  }

  it('a damaged session: resume says so, keeps it as a backup, and goes on with the next case', async () => {
    const home = makeHome();
    prepare(home);
    await interrupted(home, 'TRI-GOOD');
    await interrupted(home, 'TRI-BAD');
    const bad = join(sessionsDir(home), 'TRI-BAD.json');
    writeFileSync(bad, readFileSync(bad, 'utf8').slice(0, 120));
    const dir = readFileSync(join(home, 'playbooks-dir'), 'utf8');

    const named = run(['--playbooks', dir, 'resume', 'TRI-BAD'], { home, env: EPOCH });
    expectNoStackTrace(named);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/The saved session TRI-BAD is damaged and cannot be resumed[\s\S]*hint: It was kept as .*TRI-BAD\.json\.corrupt-\d+-\d+\. Start the case again/);
    const backups = sessionFiles(home).filter((f) => f.startsWith('TRI-BAD.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(sessionsDir(home), backups[0]!), 'utf8')).toHaveLength(120);

    // Damage another one, then `resume` with no id: reported, set aside, and the good case goes on.
    await interrupted(home, 'TRI-WORSE');
    writeFileSync(join(sessionsDir(home), 'TRI-WORSE.json'), '\u0000\u0000not json');
    const latest = run(['--playbooks', dir, 'resume', '--format', 'json'], { home, env: EPOCH });
    expect(latest.code, latest.stderr).toBe(0);
    expect(latest.stderr).toMatch(/TRI-WORSE\.json was damaged and has been kept as .*TRI-WORSE\.json\.corrupt-/);
    expect(latest.stderr).toMatch(/Resuming case TRI-GOOD/);
    expect(JSON.parse(latest.stdout)).toMatchObject({ case: { id: 'TRI-GOOD' }, outcome: { node: 'bug-confirmed' } });
    expect(sessionFiles(home).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('a damaged config file: triage says so, keeps it as a backup, and runs with defaults', () => {
    const home = makeHome();
    expect(run(['config', 'set', 'agent.name', 'Sam Lee'], { home }).code).toBe(0);
    const config = join(isolatedEnv(home).XDG_CONFIG_HOME!, 'triage', 'config.json');
    writeFileSync(config, '{"agent.name": "Sam Lee", "trusted": [');
    const result = run(['run', 'upload-or-export-fails', '--answer', 'browser=Firefox 127', '--answer', 'upload-or-export=Exporting data', '--answer', 'export_format=CSV', '--answer', 'row_count=5200', '--answer', 'how-big-is-the-export=1', '--no-input', '--format', 'json'], { home });
    expect(result.code, result.stderr).toBe(0);
    expectNoStackTrace(result);
    expect(result.stderr).toMatch(/the settings file .*config\.json was damaged \([^)]+\); it was moved to .*config\.json\.corrupt-[^ ]+ and default settings are used/);
    const backups = readdirSync(join(isolatedEnv(home).XDG_CONFIG_HOME!, 'triage')).filter((f) => f.startsWith('config.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(isolatedEnv(home).XDG_CONFIG_HOME!, 'triage', backups[0]!), 'utf8')).toContain('Sam Lee');
    // Settings work again from here on.
    expect(run(['config', 'set', 'agent.name', 'Sam Lee'], { home }).code).toBe(0);
    expect(run(['config', 'get', 'agent.name'], { home }).stdout.trim()).toBe('Sam Lee');
  });

  it('leftover temporary files from a write interrupted by kill -9 are ignored', async () => {
    const home = makeHome();
    prepare(home);
    await interrupted(home, 'TRI-TMP');
    writeFileSync(join(sessionsDir(home), 'TRI-TMP.json.3141592653'), '{"id": "TRI-TMP", "inp');
    const dir = readFileSync(join(home, 'playbooks-dir'), 'utf8');
    const resumed = run(['--playbooks', dir, 'resume', '--format', 'json'], { home, env: EPOCH });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/damaged/);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ case: { id: 'TRI-TMP' } });
  });
});
