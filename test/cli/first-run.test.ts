/**
 * The first-run questions: what they ask and store (with a scripted prompter), and that a pipe or
 * --no-input never sees them. The real terminal is test/e2e/first-run.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { askFirstRun, needsFirstRun, saveFirstRun } from '../../src/app/first-run.js';
import type { Prompter, TextOptions } from '../../src/io/prompter.js';
import { makeHome, triage } from '../helpers/cli.js';

const ANSWERS = ['--answer', 'browser=Firefox 127', '--answer', 'upload-or-export=Exporting data', '--answer', 'export_format=CSV', '--answer', 'row_count=5200', '--answer', 'how-big-is-the-export=Smaller, and the file is empty or cut short', '--answer', 'rows_expected=5200', '--answer', 'rows_received=0', '--answer', 'do-filters-explain-the-missing-rows=No filter; the file really has fewer rows'];

/** Answers text prompts in order and records what was asked; fails on anything else. */
function scriptedPrompter(replies: string[]): { prompter: Prompter; asked: { message: string; options: TextOptions }[] } {
  const asked: { message: string; options: TextOptions }[] = [];
  const unexpected = (): never => {
    throw new Error('unexpected prompt');
  };
  const prompter: Prompter = {
    choose: unexpected,
    chooseMany: unexpected,
    confirm: unexpected,
    async text(message, options) {
      asked.push({ message, options });
      const reply = replies.shift();
      if (reply === undefined) throw new Error(`no reply for "${message}"`);
      // As inquirer does: an empty reply takes the default.
      return reply === '' ? (options.default ?? '') : reply;
    },
  };
  return { prompter, asked };
}

describe('first run', () => {
  it('is needed only without an agent name', () => {
    expect(needsFirstRun({})).toBe(true);
    expect(needsFirstRun({ 'agent.name': '  ' })).toBe(true);
    expect(needsFirstRun({ 'agent.name': 'Sam' })).toBe(false);
  });

  it('asks for the name (required), company and sign-off (with a default), and conf stores them', async () => {
    const { prompter, asked } = scriptedPrompter(['  Sam Rivera ', 'Acme Cloud', '']);
    const answers = await askFirstRun(prompter, {});
    expect(answers).toEqual({ agentName: 'Sam Rivera', companyName: 'Acme Cloud', signoff: 'Best regards' });
    expect(asked.map((a) => a.message)).toEqual(['Your name, as customers should see it', 'Company you support customers for', 'Sign-off before your name in emails']);
    expect(asked[0]!.options.validate?.('  ')).toMatch(/please type it/);
    expect(asked[0]!.options.validate?.('Sam')).toBeUndefined();
    expect(asked.every((a) => a.options.allowBack === false)).toBe(true);

    const configDir = mkdtempSync(join(tmpdir(), 'triage-config-'));
    const path = await saveFirstRun({ TRIAGE_CONFIG_DIR: configDir }, answers);
    expect(path).toBe(join(configDir, 'config.json'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 'agent.name': 'Sam Rivera', 'company.name': 'Acme Cloud', signoff: 'Best regards' });
  });

  it('leaves out what was left empty, and offers what is already set', async () => {
    const first = scriptedPrompter(['Sam', '', 'Cheers']);
    expect(await askFirstRun(first.prompter, {})).toEqual({ agentName: 'Sam', signoff: 'Cheers' });
    const second = scriptedPrompter(['Sam', '', '']);
    expect(await askFirstRun(second.prompter, { 'company.name': 'Acme', signoff: 'Thanks' })).toEqual({ agentName: 'Sam', companyName: 'Acme', signoff: 'Thanks' });
    expect(second.asked.map((a) => a.options.default)).toEqual([undefined, 'Acme', 'Thanks']);
  });

  it('is never asked in a pipe or with --no-input, and nothing is stored', () => {
    for (const extra of [[], ['--no-input']]) {
      const home = makeHome();
      const result = triage(['run', 'upload-or-export-fails', ...ANSWERS, ...extra], { home, input: 'anything\n' });
      expect(result.code).toBe(0);
      expect(result.stderr).not.toMatch(/Welcome|Your name/);
      expect(existsSync(join(join(home, '.config'), 'triage', 'config.json'))).toBe(false);
    }
  });
});
