/** Agent actions answered without prompts: flags, answers files, and what a missing result says. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { triage } from '../helpers/cli.js';

const PLAYBOOKS = join(import.meta.dirname, '..', 'fixtures', 'actions');
const run = (args: string[], input?: string) =>
  triage(['--playbooks', PLAYBOOKS, 'run', 'duplicate-charge', '--no-input', '--case-id', 'TRI-20261204-ACT1', '--customer', 'Dana', ...args], input === undefined ? {} : { input });

describe('triage run with actions, without prompts', () => {
  it('names a missing action result with the results it accepts (exit 2)', () => {
    const result = run(['--answer', 'are-both-charges-settled=Both completed']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--answer refund_duplicate=…   Refund the duplicate payment in Billing → Payments (full amount, to the original card). — one of: "done", "failed"');
  });

  it('refuses a result the action does not lead on from (exit 2)', () => {
    const result = run(['--answer', 'are-both-charges-settled=Both completed', '--answer', 'refund_duplicate=not-needed']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid answer for "refund_duplicate"');
  });

  it('takes `key: {status, reference}` from an answers file, without an "ignoring" warning, and routes by the result', () => {
    const done = run(['--answers', '-', '--emit', 'reply'], 'are-both-charges-settled: Both completed\nrefund_duplicate: {status: done, reference: RF-55}\n');
    expect(done.code).toBe(0);
    expect(done.stderr).not.toContain('Ignoring');
    expect(done.stdout).toContain("I've refunded the duplicate payment in full (refund RF-55).");

    const failed = run(['--answer', 'are-both-charges-settled=Both completed', '--answer', 'refund_duplicate=failed', '--format', 'json', '--emit', 'report']);
    expect(failed.code).toBe(0);
    const report = JSON.parse(failed.stdout);
    expect(report.outcome.node).toBe('escalate-refund-blocked');
    expect(report.actions).toEqual([{ key: 'refund_duplicate', do: expect.stringMatching(/^Refund the duplicate/), status: 'failed', reference: null }]);
    expect(report.reply).not.toMatch(/I've refunded/);
  });

  it('leaves the article claim out when the optional action was not done', () => {
    const notSent = run(['--answer', 'are-both-charges-settled=One is pending', '--answer', 'send_pending_article=not-needed', '--emit', 'reply']);
    expect(notSent.code).toBe(0);
    expect(notSent.stdout).not.toContain("I've sent you");
    const sent = run(['--answer', 'are-both-charges-settled=One is pending', '--answer', 'send_pending_article=done', '--answer', 'send_pending_article.reference=https://help.example.com/pending', '--emit', 'reply']);
    expect(sent.stdout).toContain("I've sent you our article on pending charges, so you have it for reference: https://help.example.com/pending");
  });
});
