/**
 * `triage search` weighs the case history the way the intake does: one ranking. With a history
 * of unrelated cases the right playbook still comes first; a genuinely similar case supports its
 * playbook (this customer's first); nothing is matched on stop-words, numbers or one word.
 */
import { describe, expect, it } from 'vitest';
import { caseRecord } from '../helpers/case-records.js';
import { makeHome, triage } from '../helpers/cli.js';
import { UNRELATED_HISTORY } from '../fixtures/intake/held-out.js';

interface Entry {
  id: string;
  title: string;
  score: number;
  strength: 'strong' | 'weak';
  matched: string[];
  cases: { id: string; sameCustomer: boolean; customer?: string }[];
}

function historyHome(): string {
  const home = makeHome();
  const records = UNRELATED_HISTORY.map((h, i) => caseRecord({ id: `TRI-20261101-00${i}0`, playbook: h.playbook, customer: h.customer, description: h.description }));
  const imported = triage(['cases', 'import', '-'], { home, input: records.map((r) => JSON.stringify(r)).join('\n') });
  expect(imported.code, imported.stderr).toBe(0);
  return home;
}

describe('triage search with a case history', () => {
  const home = historyHome();
  const search = (...args: string[]): Entry[] => {
    const r = triage(['search', '--json', ...args], { home });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Entry[];
  };

  it('an unrelated case sharing "now", "about", "seconds" and a number does not win', () => {
    const ranked = search('Since yesterday the dashboard takes about 30 seconds to load');
    expect(ranked[0]).toMatchObject({ id: 'app-slow', strength: 'strong', cases: [] });
    expect(ranked.flatMap((e) => e.cases)).toEqual([]);
  });

  it('a similar case supports its playbook; the same customer is marked', () => {
    const ranked = search('--customer', 'dana ortiz', 'I was charged twice for one order at checkout');
    expect(ranked[0]!.id).toBe('charged-twice');
    expect(ranked[0]!.cases).toEqual([expect.objectContaining({ id: 'TRI-20261101-0000', sameCustomer: true, customer: 'Dana Ortiz' })]);
    for (const entry of ranked) expect(Object.keys(entry)).toEqual(expect.arrayContaining(['id', 'title', 'score', 'strength', 'cases']));
  });

  it('--no-history ranks by the description alone; what nothing covers is weak', () => {
    expect(search('--no-history', '--customer', 'Dana Ortiz', 'charged twice for one order at checkout')[0]!.cases).toEqual([]);
    const uncovered = search("I'd like to transfer my account ownership to my colleague");
    expect(uncovered.every((e) => e.strength === 'weak')).toBe(true);
    const r = triage(['search', "I'd like to transfer my account ownership to my colleague"], { home });
    expect(r.stderr).toMatch(/No playbook is a strong match/);
  });
});
