/**
 * An agent's run in a real terminal: intake, env, asks and choices, going back twice (a select's
 * "← Go back" and `<` in a text prompt), and an outcome whose report forgets the rewound answers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
import { KEY, readOutput, spawnTriage, type PtyRun } from '../helpers/pty.js';

const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

let run: PtyRun | undefined;
afterEach(() => run?.kill());

describe('interactive run in a pseudo-terminal', () => {
  it('answers the intake and the prompts, goes back, and reaches an outcome without the rewound answers', async () => {
    const home = makeHome();
    const out = join(mkdtempSync(join(tmpdir(), 'triage-out-')), 'stdout.json');
    run = spawnTriage(['run', 'upload-or-export-fails', '--format', 'json'], { home, stdoutFile: out });

    await run.answer("? Customer's name", 'Dana Q');
    await run.choose('? Channel', 'Chat');
    // The intake can go back too: change the channel after seeing the mood question.
    await run.choose('? How does the customer sound?', '← Go back');
    await run.choose('? Channel', 'Phone');
    await run.choose('? How does the customer sound?', 'Angry');
    await run.answer('? Account (id or email)', '');
    await run.answer('? What is the problem, in their words?', 'One file never uploads');
    // Env fields come first, under the playbook's name; the prompt already asks for the User-Agent.
    await run.waitFor("File upload or export fails · the customer's environment");
    await run.answer('? Browser and version', CHROME_UA);
    expect(run.text()).not.toContain('(or paste the User-Agent)');

    // Step 1: the node's header (step counter, script highlighted, guidance) comes before its prompt.
    await run.waitFor('Step 1 · File upload or export fails');
    await run.waitFor("Say: “I'm sorry it's not going through.");
    await run.choose('? What did the customer say?', 'Uploading a file');
    await run.answer('? File type or extension', 'HEIC');
    await run.answer('? File size in MB', '3');
    await run.choose('? What did the customer say?', 'Within all the limits');

    // Step 3, with the breadcrumb of where the run has been.
    await run.waitFor('Step 3 · File upload or export fails › Upload or export? › What file is it?');
    await run.answer('? Message shown when the upload fails', 'Error 403 from upload-service');

    // Back once from the select: the error message is forgotten and asked again...
    await run.choose('? What did the customer say?', '← Go back');
    await run.waitFor('? Message shown when the upload fails');
    // ...and `<` in that text prompt goes back over the "Within all the limits" choice.
    run.mark();
    run.type(`<${KEY.enter}`);
    await run.choose('? What did the customer say?', "A file type we don't accept");
    // Conversion is offered first; the request is logged only when they need the original type.
    await run.choose('? What did the customer say?', 'They need the original type kept');

    expect(await run.exit()).toBe(0);
    const screen = run.text();
    expect(screen).toContain('Outcome: Accept another file type (feature-request, case TRI-');
    expect(screen).toMatch(/answer: file_type\s+│ HEIC/);
    // One header per visit of a node, not one per prompt: the first visit and the one after going back.
    expect(screen.split('Say: “What kind of file is it, and roughly how big?”').length - 1).toBe(2);

    const stdout = readOutput(out);
    expect(stdout).not.toContain('\u001b');
    const report = JSON.parse(stdout) as Record<string, any>;
    expect(report.outcome).toEqual({ kind: 'feature-request', node: 'feature-request-accept-another-file-type', title: 'Accept another file type' });
    expect(report.path.map((s: { node: string }) => s.node)).toEqual(['upload-or-export', 'what-file-is-it', 'can-they-convert-it', 'feature-request-accept-another-file-type']);
    expect(report.path[1].answer).toBe("file_type: HEIC; file_size_mb: 3; A file type we don't accept");
    expect(report.answers).toEqual({ file_type: 'HEIC', file_size_mb: 3 });
    expect(report.customer).toEqual({ name: 'Dana Q', channel: 'phone', mood: 'angry', account: null, signals: [] });
    expect(report.description).toBe('One file never uploads');
    expect(report.environment).toEqual({ browser: 'Chrome 126.0.0.0', browser_os: 'Windows 10 or 11', browser_device: 'desktop' });
    expect(report.title).toBe('Accept HEIC uploads');
    expect(stdout).not.toContain('Error 403');
    expect(stdout).not.toContain('where-does-it-fail');
    expect(stdout).not.toContain('Within all the limits');
  }, 20_000);

  it('refuses a playbook with untrusted commands before asking the intake', async () => {
    run = spawnTriage(['--playbooks', join(import.meta.dirname, '..', 'fixtures', 'run', 'untrusted'), 'run', 'touch-marker'], { home: makeHome() });
    expect(await run.exit()).toBe(2);
    expect(run.text()).toContain('Nothing was run.');
    expect(run.text()).not.toContain("Customer's name");
  }, 20_000);

  it('explains that --answers - needs a pipe when stdin is the terminal', async () => {
    run = spawnTriage(['run', 'upload-or-export-fails', '--answers', '-'], { home: makeHome() });
    expect(await run.exit()).toBe(2);
    expect(run.text()).toContain('--answers - reads the answers from stdin, but stdin is this terminal.');
    expect(run.text()).not.toContain('Missing answer');
  }, 20_000);

  it('draws in colour on a terminal, and without any with NO_COLOR', async () => {
    const SGR = /\u001b\[[0-9;]*m/;
    for (const noColor of [undefined, '1']) {
      run = spawnTriage(['run', 'upload-or-export-fails', '--customer', 'A', '--channel', 'chat', '--mood', 'calm', '--account', 'acct-1', '--description', 'x', '--answer', 'browser=Firefox'], {
        home: makeHome(),
        env: { NO_COLOR: noColor },
      });
      await run.waitFor('? What did the customer say?');
      await run.waitFor('← Go back');
      expect(SGR.test(run.raw())).toBe(noColor === undefined);
      run.type(KEY.ctrlC);
      expect(await run.exit()).toBe(130);
    }
  }, 20_000);
});
