/**
 * Load: 50 non-interactive `triage run` processes at once, all writing to one SQLite history
 * (WAL, IMMEDIATE transactions, busy timeout). All succeed, every case is there once with its own
 * answers, and SQLite's integrity check passes. Up to 25 run at a time on this 2-core machine;
 * the test records how many actually overlapped.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { echoPlaybook, isolatedEnv, makeHome, run, spawnTriage, tempDir, write } from './helpers.js';

const RUNS = 50;
const AT_ONCE = 25;

describe('50 concurrent runs, one history', () => {
  it('all succeed; cases list shows all 50; the database is intact', async () => {
    const home = makeHome();
    const dir = join(tempDir(), 'playbooks');
    write(join(dir, 'echo.md'), echoPlaybook());
    const ids = Array.from({ length: RUNS }, (_, i) => `TRI-LOAD-${String(i + 1).padStart(2, '0')}`);

    // One run first, as on any machine past its first use: the burst then measures the shared
    // history, not 50 processes each building the same caches.
    expect(run(['--playbooks', dir, 'list'], { home }).code).toBe(0);

    const spans: { start: number; end: number }[] = [];
    const results: { id: string; code: number; stderr: string }[] = [];
    const started = Date.now();
    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < ids.length) {
        const id = ids[nextIndex++]!;
        const start = Date.now();
        const child = spawnTriage(
          ['--playbooks', dir, 'run', 'echo', '--answer', `what=answer of ${id}`, '--answer', 'app_version=1.2.3', '--answer', 'start=It broke', '--no-input', '--format', 'json', '--case-id', id, '--customer', `Customer ${id}`],
          { home },
        );
        const done = await child.done;
        spans.push({ start, end: Date.now() });
        results.push({ id, code: done.code, stderr: done.stderr });
        expect(JSON.parse(done.stdout)).toMatchObject({ case: { id } });
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    const elapsed = Date.now() - started;

    for (const r of results) expect(r.code, `${r.id}: ${r.stderr}`).toBe(0);
    // No run warned that the history could not be written (the case would then be left in a session file).
    for (const r of results) expect(r.stderr, r.id).not.toMatch(/could not be added to the history/);
    // Most processes alive at the same moment (a sweep over start and end times).
    const events = spans.flatMap((s) => [[s.start, 1] as const, [s.end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let alive = 0;
    let overlap = 0;
    for (const [, delta] of events) overlap = Math.max(overlap, (alive += delta));
    expect(overlap).toBeGreaterThanOrEqual(10);

    const listed = run(['cases', 'list', '--json', '--limit', '0'], { home });
    expect(listed.code, listed.stderr).toBe(0);
    const cases = JSON.parse(listed.stdout) as { id: string }[];
    expect(cases.map((c) => c.id).sort()).toEqual(ids);

    const exported = run(['cases', 'export'], { home });
    expect(exported.code).toBe(0);
    const records = exported.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string; report: { answers: { what: string } } });
    expect(records).toHaveLength(RUNS);
    for (const record of records) {
      expect(record.status).toBe('done');
      expect(record.report.answers.what).toBe(`answer of ${record.id}`);
    }

    const db = new Database(join(isolatedEnv(home).XDG_DATA_HOME!, 'triage', 'cases.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect((db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number }).n).toBe(RUNS);
    } finally {
      db.close();
    }
    console.info(`load: ${RUNS} runs, up to ${overlap} at once, ${elapsed} ms in all`);
  }, 180_000);
});
