/**
 * Pasting what the customer sent (`:paste` at an environment question): the lines are parsed,
 * every detail is attached to the case, and the questions they answer are not asked.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
import { KEY, spawnTriage, type PtyRun } from '../helpers/pty.js';

const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

let run: PtyRun | undefined;
afterEach(() => run?.kill());

describe('pasting an environment during a run', () => {
  it('attaches every pasted detail, answers the fitting question, and keeps asking the rest', async () => {
    const home = makeHome();
    const out = join(mkdtempSync(join(tmpdir(), 'triage-out-')), 'report.json');
    run = spawnTriage(
      ['run', 'page-broken-in-one-browser', '--customer', 'Ana', '--account', 'acct-1', '--channel', 'chat', '--mood', 'calm', '--description', 'blank page', '--format', 'json'],
      { home, stdoutFile: out },
    );

    await run.waitFor('? Browser and version');
    await run.waitFor(':paste pastes a whole environment');
    await run.answer('? Browser and version', ':paste');
    await run.waitFor('? Paste the environment the customer sent');
    run.mark();
    // Pasted in one go, as a terminal delivers a paste: every line is kept.
    run.type(`User-Agent: ${CHROME_UA}${KEY.enter}app_version: 4.2.1${KEY.enter}${KEY.enter}`);
    await run.waitFor('Attached 5 environment details to the case; answered: browser.');
    // The browser question is answered by the paste; the page address is still asked.
    await run.answer('? Address of the broken page', 'https://app.example.com/projects/42/board');
    await run.choose('? What they see', 'Blank page');
    await run.answer('? What they were trying to do', 'open the project board');
    await run.choose('? What did the customer say?', 'Noted');
    await run.choose('? What did the customer say?', 'A supported browser, but older than the latest two versions');
    await run.choose('? What did the customer say?', 'Fixed after the update');

    expect(await run.exit()).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { environment: Record<string, string>; outcome: { kind: string } };
    expect(report.outcome.kind).toBe('resolved');
    expect(report.environment).toMatchObject({
      browser: 'Chrome 126.0.0.0',
      browser_os: 'Windows 10 or 11',
      app_version: '4.2.1',
      page_url: 'https://app.example.com/projects/42/board',
    });
    // Answered once (with `:paste`), never asked again after the paste.
    expect(run.text().split('✔ Browser and version').length - 1).toBe(1);
  });
});
