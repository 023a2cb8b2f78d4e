/** Customer signals through the CLI: detected from --description, --signal, signals: in answers, the report. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { triage } from '../helpers/cli.js';

// A playbook of the test fixtures, so the test depends only on what it checks.
const PLAYBOOKS = join(import.meta.dirname, '..', 'fixtures', 'actions');
const ANSWERS = ['--answer', 'are-both-charges-settled=Both completed', '--answer', 'refund_duplicate=failed'];
const run = (args: string[], input?: string) =>
  triage(['--playbooks', PLAYBOOKS, 'run', 'duplicate-charge', '--no-input', '--case-id', 'TRI-20261204-SIG1', '--customer', 'Dana', ...ANSWERS, ...args], input === undefined ? {} : { input });

describe('customer signals', () => {
  it('takes them from the description without prompts, records them in the JSON report and the replay line', () => {
    const result = run(['--description', "This is the THIRD time I'm writing about this, fix it or I'm cancelling", '--format', 'json', '--emit', 'report']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.customer).toEqual({ name: 'Dana', channel: 'email', mood: 'calm', account: null, signals: ['repeat-contact', 'cancel-threat'] });
    expect(report.replay).toContain('--signal repeat-contact,cancel-threat');
    expect(report.reply).toContain("You shouldn't have had to come back to us about it");
  });

  it('--signal wins over the description; none clears them and the replay keeps that', () => {
    const given = run(['--description', 'The export is broken.', '--signal', 'deadline,business-impact', '--format', 'json', '--emit', 'report']);
    expect(JSON.parse(given.stdout).customer.signals).toEqual(['deadline', 'business-impact']);
    const none = run(['--description', 'I have a presentation in an hour and the export is broken', '--signal', 'none', '--format', 'json', '--emit', 'report']);
    const report = JSON.parse(none.stdout);
    expect(report.customer.signals).toEqual([]);
    expect(report.replay).toContain('--signal none');
    expect(report.reply).not.toMatch(/deadline/);
  });

  it('reads signals: from an answers file, and refuses an unknown signal (exit 2)', () => {
    const fromFile = run(['--answers', '-', '--format', 'json', '--emit', 'report'], 'signals: [deadline]\n');
    expect(fromFile.code).toBe(0);
    expect(fromFile.stderr).not.toContain('Ignoring');
    expect(JSON.parse(fromFile.stdout).customer.signals).toEqual(['deadline']);
    const bad = run(['--signal', 'deadlin']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown customer signal: deadlin.');
    expect(bad.stderr).toContain('repeat-contact, deadline, cancel-threat, business-impact');
  });

  it('shows them with the customer in the Markdown report', () => {
    const md = run(['--description', 'My whole team cannot export anything', '--format', 'markdown', '--emit', 'report']);
    expect(md.stdout).toContain('| Customer | Dana wrote by email, calm (business impact) |');
  });
});
