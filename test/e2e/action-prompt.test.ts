/**
 * An agent action in a real terminal: the instruction is shown, the agent picks Done, Couldn't do
 * it or Not needed, is asked for the reference after Done, can go back from that question to the
 * result, and the reply and report say what was confirmed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
import { KEY, lastFrame, readOutput, spawnTriage, type PtyRun } from '../helpers/pty.js';

const PLAYBOOKS = join(import.meta.dirname, '..', 'fixtures', 'actions');

let run: PtyRun | undefined;
afterEach(() => run?.kill());

describe('action prompt in a pseudo-terminal', () => {
  it('shows the instruction, offers only the results that lead somewhere, asks the reference after Done, and goes back to the result', async () => {
    const home = makeHome();
    const out = join(mkdtempSync(join(tmpdir(), 'triage-out-')), 'stdout.json');
    run = spawnTriage(['--playbooks', PLAYBOOKS, 'run', 'duplicate-charge', '--format', 'json', '--emit', 'both'], { home, stdoutFile: out });

    await run.answer("? Customer's name", 'Dana Whitfield');
    await run.choose('? Channel', 'Email');
    await run.choose('? How does the customer sound?', 'Calm');
    await run.answer('? Account (id or email)', '');
    await run.answer('? What is the problem, in their words?', 'I was charged twice for my May invoice');
    await run.choose('? What did the customer say?', 'Both completed');

    // The node's guidance, then the instruction as the prompt; "Not needed" has no target here.
    await run.waitFor("Open the customer's payments and find the second charge");
    const shown = await run.waitFor('? Do this now: Refund the duplicate payment in Billing → Payments (full amount, to the original card).');
    await run.waitFor("Couldn't do it");
    expect(lastFrame(run.text()).entries).toEqual(['Done', "Couldn't do it", '← Go back']);
    expect(shown).not.toContain('Not needed');
    await run.choose('? Do this now', 'Done');

    // The reference prompt; `<` goes back to the result, where the agent picks Done again.
    await run.waitFor("? Refund id, from the payment's refund history");
    run.mark();
    run.type(`<${KEY.enter}`);
    await run.choose('? Do this now', 'Done');
    await run.answer("? Refund id, from the payment's refund history", 'RF-1234');

    expect(await run.exit()).toBe(0);
    const screen = run.text();
    expect(screen).toContain('Outcome: Duplicate refunded (resolved, case TRI-');
    expect(screen).toMatch(/action: refund_duplicate\s+│ done \(RF-1234\)/);

    const report = JSON.parse(readOutput(out)) as Record<string, any>;
    // Every path to this outcome passed through "Done", so the reply may say it was refunded.
    expect(report.reply).toContain("I've refunded the duplicate payment in full (refund RF-1234).");
    expect(report.actions).toEqual([
      { key: 'refund_duplicate', do: 'Refund the duplicate payment in Billing → Payments (full amount, to the original card).', status: 'done', reference: 'RF-1234' },
    ]);
    expect(report.path[1].answer).toBe('refund_duplicate: done (RF-1234)');
  }, 20_000);

  it('shows the signals found in the description, ticked, and records what the agent confirms', async () => {
    const home = makeHome();
    const out = join(mkdtempSync(join(tmpdir(), 'triage-out-')), 'stdout.json');
    run = spawnTriage(['--playbooks', PLAYBOOKS, 'run', 'duplicate-charge', '--format', 'json', '--emit', 'both'], { home, stdoutFile: out });

    await run.answer("? Customer's name", 'Ben');
    await run.choose('? Channel', 'Chat');
    await run.choose('? How does the customer sound?', 'Angry');
    await run.answer('? Account (id or email)', '');
    await run.answer('? What is the problem, in their words?', "Third time I'm writing about this double charge, fix it or I'm cancelling");
    await run.waitFor('In their words: “Third time I\'m writing”, “or I\'m cancelling”');
    await run.waitFor('? What should the reply take into account?');
    const screen = await run.waitFor('Business impact');
    // The checkbox list as last drawn: ◉ ticked, ◯ not.
    const drawn = screen.slice(screen.lastIndexOf('? What should the reply take into account?'));
    const frame = drawn.split('\n').map((l) => l.replace(/^[❯ ]/, '').trim()).filter((l) => /^[◉◯] /.test(l));
    expect(frame.slice(0, 4)).toEqual([
      '◉ Repeat contact — “Third time I\'m writing”',
      '◯ Deadline or urgency',
      '◉ Threat to cancel — “or I\'m cancelling”',
      '◯ Business impact',
    ]);
    // The agent knows better: it is not a threat to cancel. Untick it and confirm.
    run.type(`${KEY.down}${KEY.down} `);
    run.type(KEY.enter);
    await run.choose('? What did the customer say?', 'One is pending');
    await run.choose('? Do this now', 'Not needed');

    expect(await run.exit()).toBe(0);
    const report = JSON.parse(readOutput(out)) as Record<string, any>;
    expect(report.customer.signals).toEqual(['repeat-contact']);
    expect(report.reply).toMatch(/more than one conversation/);
    expect(report.reply).not.toMatch(/thinking of leaving|decide to cancel/);
  }, 20_000);
});
