/**
 * Escape sequences and direction overrides from a playbook (YAML `\e` escapes in prompts and
 * choices), from answers, the customer's name and description, and from a check's output never
 * reach the terminal or a pipe raw: text, markdown, jira and gitlab carry none, JSON escapes them.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnTriage, skipReportQuestions } from '../helpers/pty.js';
import { HOSTILE, makeHome, tempDir, triage } from './helpers.js';

// Raw C0 (but tab and newline), DEL, C1, and the embedding, override and isolate controls.
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const CLIPBOARD = '\u001b]52';

function workspace(): { dir: string; home: string } {
  const dir = join(tempDir(), 'playbooks');
  cpSync(join(HOSTILE, 'terminal'), dir, { recursive: true });
  const home = makeHome();
  expect(triage(['trust', dir], { home }).code).toBe(0);
  return { dir, home };
}

const HOSTILE_INPUT = [
  '--answer',
  'what=two',
  '--answer',
  'app_version=1 \u202e \u009b2J',
  '--customer',
  'Bob \u202e',
  '--description',
  'it fails \u2066 \u001b]52;c;QQ==\u0007 here',
];

describe('nothing printed carries raw control or direction characters', () => {
  it('run: every format, report and reply, in a pipe', () => {
    const { dir, home } = workspace();
    for (const format of ['markdown', 'text', 'jira', 'gitlab', 'json']) {
      const result = triage(['--playbooks', dir, 'run', 'yaml-escapes', '--no-input', ...HOSTILE_INPUT, '--format', format, '--emit', 'both'], { home });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(RAW);
      expect(result.stderr).not.toMatch(RAW);
      if (format === 'json') expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
    }
  });

  it('cases show --as reply and --as report, and triage check', () => {
    const { dir, home } = workspace();
    const run = triage(['--playbooks', dir, 'run', 'yaml-escapes', '--no-input', ...HOSTILE_INPUT, '--case-id', 'TRI-ESC-1', '--format', 'json'], { home });
    expect(run.code, run.stderr).toBe(0);
    for (const as of ['reply', 'report', 'case']) {
      for (const format of ['text', 'markdown', 'json']) {
        const shown = triage(['cases', 'show', 'TRI-ESC-1', '--as', as, '--format', format], { home });
        expect(shown.code, shown.stderr).toBe(0);
        expect(shown.stdout).not.toMatch(RAW);
      }
    }
    for (const json of [[], ['--json']]) {
      const checked = triage(['--playbooks', dir, 'check', 'yaml-escapes', '--answer', 'what=two', ...json], { home });
      expect(checked.code, checked.stderr).toBe(0);
      expect(checked.stdout + checked.stderr).not.toMatch(RAW);
    }
  });

  it('an interactive run draws prompts and choices with no clipboard write or direction override', async () => {
    const { dir, home } = workspace();
    const run = spawnTriage(['--playbooks', dir, 'run', 'yaml-escapes', '--customer', 'Bob', '--account', 'acct-1', '--channel', 'email', '--mood', 'calm', '--description', 'it fails'], { home });
    try {
      await run.answer(/Version/, '1.0');
      await run.choose(/Prompt/, 'two');
      // A bug outcome asks scope, frequency and start once, each skippable.
      await skipReportQuestions(run);
      await run.choose(/Save this to a file/, 'No');
      await run.exit(20_000);
    } finally {
      run.kill();
    }
    const raw = run.raw();
    expect(raw).toContain('Version');
    expect(raw).not.toContain(CLIPBOARD);
    expect(raw).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0080-\u009f]/u);
    expect(raw).not.toContain('\u001b[2J');
  }, 60_000);
});
