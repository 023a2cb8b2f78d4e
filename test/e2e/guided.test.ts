/**
 * Bare `triage` at a terminal: intake, the playbooks ranked for the description, a second search,
 * picking one, the run, the result on the terminal and the offer to save it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isolatedEnv, makeHome } from '../helpers/cli.js';
import { lastFrame, spawnTriage, type PtyRun } from '../helpers/pty.js';

let run: PtyRun | undefined;
afterEach(() => run?.kill());

describe('guided triage in a pseudo-terminal', () => {
  it('takes the intake, ranks playbooks for the description, searches again, runs the pick and saves the result', async () => {
    const home = makeHome();
    const saveDir = mkdtempSync(join(tmpdir(), 'triage-save-'));
    run = spawnTriage([], { home, cwd: saveDir, env: { SOURCE_DATE_EPOCH: '1700000000' } });

    await run.waitFor('New case — who is it, and what happened?');
    await run.answer("? Customer's name", 'Priya');
    await run.choose('? Channel', 'Email');
    await run.choose('? How does the customer sound?', 'Confused');
    await run.answer('? Account (id or email)', '');
    await run.answer('? What is the problem, in their words?', 'I was charged twice for my subscription this month');

    const ranked = lastFrame(await run.waitFor('Search again with other words')).entries;
    expect(ranked[0]).toBe('Charged twice (strong match)');
    expect(ranked).toContain('🔍 Search again with other words');
    expect(ranked.at(-1)).toBe('✗ None of these fits');
    expect(ranked.length).toBeGreaterThan(2);

    // Picked the wrong one: going back from its first question returns to the list.
    await run.choose('? Best matching playbooks', 'Charged twice (strong match)');
    await run.waitFor('Step 1 · Charged twice');
    await run.answer('? First charge, date and amount', '<');
    await run.choose('? Best matching playbooks', '🔍 Search again with other words');
    await run.answer('? Search for', 'export spins and nothing downloads');
    const second = lastFrame(await run.waitFor('Search again with other words')).entries;
    expect(second[0]).toBe('File upload or export fails (strong match)');
    await run.choose('? Best matching playbooks', 'File upload or export fails (strong match)');

    await run.answer('? Browser and version', 'Edge 125 on Windows 10');
    await run.choose('? What did the customer say?', 'Exporting data');
    await run.choose('? Export format', 'Excel');
    await run.answer('? Approximate number of rows', '450000');
    await run.choose('? What did the customer say?', 'Over 100,000 rows');

    // stdout is the terminal here: the result is shown as text, then saving it is offered.
    const screen = await run.waitFor('? Save this to a file?');
    expect(screen).toContain('Outcome: Export in smaller date ranges (workaround');
    expect(screen).toMatch(/^(Hi|Hello) Priya,$/m);
    expect(screen).toContain('yours is about 450000 rows');
    await run.choose('? Save this to a file?', 'Yes');
    await run.answer('? File name', 'reply.txt');
    expect(await run.exit()).toBe(0);

    const saved = readFileSync(join(saveDir, 'reply.txt'), 'utf8');
    expect(saved).toMatch(/^(Hi|Hello) Priya,\n/);
    expect(saved).toContain('Export each range as Excel.');
    expect(saved).not.toContain('\u001b');
    expect(run.text()).toContain('Saved to reply.txt');
    // Neither the finished case nor the one left for another playbook is waiting to be resumed.
    const sessions = join(isolatedEnv(home).XDG_DATA_HOME!, 'triage', 'sessions');
    expect(existsSync(sessions) ? readdirSync(sessions) : []).toEqual([]);
  }, 20_000);
});
