/**
 * Pasting into prompts, as a terminal delivers a paste (all at once): a multi-line answer keeps
 * every line.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
import { KEY, spawnTriage, type PtyRun } from '../helpers/pty.js';
import { echoPlaybook, write } from '../reliability/helpers.js';

let run: PtyRun | undefined;
afterEach(() => run?.kill());

function echoWorkspace(): { home: string; dir: string; out: string } {
  const home = makeHome();
  const dir = join(mkdtempSync(join(tmpdir(), 'triage-paste-')), 'playbooks');
  write(join(dir, 'echo.md'), echoPlaybook());
  return { home, dir, out: join(dir, '..', 'report.json') };
}

describe('pasting into prompts', () => {
  it('a multi-line paste into a multiline ask keeps every line', async () => {
    const { home, dir, out } = echoWorkspace();
    run = spawnTriage(['--playbooks', dir, 'run', 'echo', '--customer', 'Ana', '--account', 'acct-1', '--channel', 'chat', '--mood', 'calm', '--description', 'it broke', '--format', 'json'], { home, stdoutFile: out });
    await run.answer('? App version', '1.2.3');
    await run.waitFor('? What happened?');
    run.type(`first line${KEY.enter}second line${KEY.enter}third line${KEY.enter}${KEY.enter}`);
    await run.choose('? What happened?', 'It broke');
    expect(await run.exit()).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { answers?: Record<string, string>; steps?: unknown };
    expect(JSON.stringify(report)).toContain('first line\\nsecond line\\nthird line');
  }, 60_000);
});
