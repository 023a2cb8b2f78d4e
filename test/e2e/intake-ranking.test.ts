/**
 * The guided intake and `triage search --json` are one ranking: with a history of unrelated cases
 * (the kind that used to be pre-selected on a shared "now", "about" or "seconds"), the picker
 * pre-selects the playbook search ranks first, and it is the right one; the picker lists exactly
 * search's entries in search's order, with their strength, and always offers "None of these fits",
 * which goes on without a playbook to a recorded case, a report and a reply (exit 0).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { caseRecord } from '../helpers/case-records.js';
import { makeHome, triage } from '../helpers/cli.js';
import { KEY, lastFrame, readOutput, spawnTriage, type PtyRun } from '../helpers/pty.js';
import { UNRELATED_HISTORY } from '../fixtures/intake/held-out.js';

const runs: PtyRun[] = [];
afterEach(() => {
  for (const r of runs.splice(0)) r.kill();
});

interface Entry {
  id: string;
  title: string;
  strength: 'strong' | 'weak';
  cases: { id: string }[];
}

/** The picker's label for a search entry. */
function label(e: Entry): string {
  return `${e.title} (${e.strength} match)${e.cases.length > 0 ? ` ↺ ${e.cases.length} similar past case${e.cases.length === 1 ? '' : 's'}` : ''}`;
}

let home: string;
beforeAll(() => {
  home = makeHome();
  const records = UNRELATED_HISTORY.map((h, i) => caseRecord({ id: `TRI-20261101-00${i}0`, playbook: h.playbook, customer: h.customer, description: h.description }));
  expect(triage(['cases', 'import', '-'], { home, input: records.map((r) => JSON.stringify(r)).join('\n') }).code).toBe(0);
});

async function intake(run: PtyRun, customer: string, description: string): Promise<void> {
  await run.answer("? Customer's name", customer);
  await run.choose('? Channel', 'Email');
  await run.choose('? How does the customer sound?', 'Calm');
  await run.answer('? Account (id or email)', '');
  await run.answer('? What is the problem, in their words?', description);
}

describe('the intake pre-selects what triage search ranks first', () => {
  it.each([
    ['Lee Park', 'Since yesterday the dashboard takes about 30 seconds to load', 'app-slow'],
    ['Dana Ortiz', 'Hi, I was charged twice for my order at checkout, two identical payments', 'charged-twice'],
  ])('%s: "%s" → %s', async (customer, description, expected) => {
    const ranked = JSON.parse(triage(['search', '--json', '--customer', customer, description], { home }).stdout) as Entry[];
    expect(ranked[0]!.id).toBe(expected);

    const run = spawnTriage([], { home });
    runs.push(run);
    await intake(run, customer, description);
    const frame = lastFrame(await run.waitFor('None of these fits'));
    expect(frame.pointer).toBe(0);
    expect(frame.entries).toEqual([...ranked.map(label), '🔍 Search again with other words', '✗ None of these fits']);
    if (expected === 'charged-twice') {
      // Dana's own earlier case supports it, and "Has this happened before?" shows only that one.
      expect(frame.entries[0]).toContain('↺ 1 similar past case');
      const before = run.text().split('Has this happened before?')[1]!.split('? Best matching playbooks')[0]!;
      expect(before).toContain('TRI-20261101-0000');
      expect(before).toContain('(same customer)');
      expect(before.match(/TRI-20261101-/g)).toHaveLength(1);
    } else {
      expect(run.text()).not.toContain('Has this happened before?');
    }
  }, 20_000);
});

describe('None of these fits', () => {
  it('says nothing is a strong match, goes on without a playbook, and records a gap with a report and reply', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'triage-out-'));
    const description = "I'd like to transfer my account ownership to my colleague";
    const run = spawnTriage([], { home, stdoutFile: join(outDir, 'gap.md') });
    runs.push(run);
    await intake(run, 'Jo Bloggs', description);
    await run.waitFor('No playbook is a strong match for this description.');
    await run.choose('? Best matching playbooks', '✗ None of these fits');
    // Back out of it: the picker again, the cursor on what was chosen.
    // Multi-line asks read lines until an empty one; a first line of `<` alone goes back.
    await run.waitFor('? What did you ask the customer');
    run.mark();
    run.type(`<${KEY.enter}`);
    const again = lastFrame(await run.waitFor(/Best matching playbooks[\s\S]*None of these fits/));
    expect(again.entries[again.pointer]).toBe('✗ None of these fits');
    await run.choose('? Best matching playbooks', '✗ None of these fits');
    await run.waitFor('? What did you ask the customer');
    run.mark();
    run.type(`They want the owner role moved to a colleague${KEY.enter}${KEY.enter}`);
    await run.waitFor('? What did you check or try?');
    run.mark();
    run.type(`The admin panel has no transfer option${KEY.enter}${KEY.enter}`);
    await run.waitFor('? What the reply should tell them');
    run.mark();
    run.type(KEY.enter);
    await run.choose('? What was asked and tried?', "It's a feature request");
    expect(await run.exit()).toBe(0);
    expect(readOutput(join(outDir, 'gap.md'))).toContain('## Reply to the customer');
    const listed = JSON.parse(triage(['cases', 'list', '--playbook', 'no-playbook', '--json'], { home }).stdout) as { id: string }[];
    expect(listed).toHaveLength(1);
    const report = JSON.parse(triage(['cases', 'show', listed[0]!.id, '--as', 'report', '--format', 'json'], { home }).stdout) as { case: { id: string }; playbook: { id: string }; outcome: { kind: string }; reply: string; actual: string };
    expect(report.playbook.id).toBe('no-playbook');
    expect(report.outcome.kind).toBe('feature-request');
    expect(report.actual).toContain('The admin panel has no transfer option');
    expect(report.reply).toMatch(/^(Hi|Hello) Jo,/);
    const stats = JSON.parse(triage(['cases', 'stats', '--json'], { home }).stdout) as { gaps: { ids: string[] }[] };
    expect(stats.gaps.flatMap((g) => g.ids)).toContain(report.case.id);
  }, 20_000);
});
