/**
 * `triage handoff` through the built binary, with fake `gh`/`glab` scripts on the PATH that
 * record their argv (NUL-separated) and stdin and print an issue URL. Proves the exact argv and
 * body, that nothing goes through a shell (shell syntax in the title arrives literally and runs
 * nothing), the prefilled URL round-trip, the Jira payload, the history record and --copy
 * without a clipboard.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_TITLE_LENGTH } from '../../src/core/handoff.js';
import { BIN, makeHome, triage, type CliResult } from '../helpers/cli.js';

// A short name: the hostile title below must stay under the trackers' 255 characters, untruncated.
const MARKER_DIR = mkdtempSync(join(tmpdir(), 'm-'));
/** Shell syntax that would create files if anything evaluated it. */
const HOSTILE = `$(touch ${MARKER_DIR}/dollar) \`touch ${MARKER_DIR}/backtick\`; touch ${MARKER_DIR}/semicolon | "quoted" 'single'`;

const PLAYBOOK = `---
id: widget-crash
title: Widget crashes
version: 1.0.0
severity: critical
---

## What broke?

\`\`\`ask
key: what
prompt: What does the customer see?
\`\`\`

- [Crash](#bug-widget-crashes)

## Bug: Widget crashes

\`\`\`report
title: "Widget crashes: {{answers.what}}"
expected: The widget opens.
actual: "It crashes: {{answers.what}}"
labels: [crash, needs repro]
\`\`\`
`;

/** A fake tracker CLI: records argv and stdin in $FAKE_DIR and prints what $FAKE_URL says. */
const FAKE_TOOL = `#!/bin/sh
: > "$FAKE_DIR/$(basename "$0").argv"
for arg in "$@"; do printf '%s\\0' "$arg" >> "$FAKE_DIR/$(basename "$0").argv"; done
cat > "$FAKE_DIR/$(basename "$0").stdin"
if [ -n "$FAKE_FAIL" ]; then echo "HTTP 401: Bad credentials" >&2; exit 1; fi
if [ -n "$FAKE_HANG" ]; then echo $$ > "$FAKE_DIR/hang.pid"; sleep 60; fi
printf '%s\\n' "$FAKE_URL"
`;

interface Setup {
  home: string;
  playbooks: string;
  /** PATH dirs: fakes (gh, glab, triage shim) and one with nothing. */
  fakeBin: string;
  emptyBin: string;
  fakeDir: string;
  caseId: string;
}

let setup: Setup;

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  // No clipboard here, whatever machine runs the tests.
  return { DISPLAY: undefined, WAYLAND_DISPLAY: undefined, FAKE_DIR: setup.fakeDir, FAKE_URL: 'https://github.com/acme/widgets/issues/42', ...extra };
}

function run(args: readonly string[], options: { path: 'fakes' | 'empty'; env?: Record<string, string | undefined> }): CliResult {
  const PATH = `${options.path === 'fakes' ? setup.fakeBin : setup.emptyBin}:${dirname(process.execPath)}:/usr/bin:/bin`;
  return triage(['--playbooks', setup.playbooks, ...args], { home: setup.home, env: env({ PATH, ...options.env }) });
}

function recorded(tool: string): { argv: string[]; stdin: string } {
  const argv = readFileSync(join(setup.fakeDir, `${tool}.argv`), 'utf8').split('\0');
  argv.pop();
  return { argv, stdin: readFileSync(join(setup.fakeDir, `${tool}.stdin`), 'utf8') };
}

function history(): { handoffs: { to: string; url?: string; at: string }[] } {
  const shown = run(['cases', 'show', setup.caseId, '--format', 'json'], { path: 'empty' });
  expect(shown.code).toBe(0);
  return JSON.parse(shown.stdout) as { handoffs: { to: string; url?: string; at: string }[] };
}

beforeAll(() => {
  const home = makeHome();
  const playbooks = join(home, 'playbooks-src');
  mkdirSync(playbooks);
  writeFileSync(join(playbooks, 'widget-crash.md'), PLAYBOOK);
  const fakeBin = join(home, 'fake-bin');
  const emptyBin = join(home, 'empty-bin');
  const fakeDir = join(home, 'recorded');
  for (const dir of [fakeBin, emptyBin, fakeDir]) mkdirSync(dir);
  for (const tool of ['gh', 'glab']) {
    writeFileSync(join(fakeBin, tool), FAKE_TOOL);
    chmodSync(join(fakeBin, tool), 0o755);
  }
  // `triage` on the PATH, for running the printed command as a user would.
  writeFileSync(join(fakeBin, 'triage'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" --playbooks "${playbooks}" "$@"\n`);
  chmodSync(join(fakeBin, 'triage'), 0o755);
  setup = { home, playbooks, fakeBin, emptyBin, fakeDir, caseId: '' };
  expect(`Widget crashes: ${HOSTILE}`.length, `${MARKER_DIR} is too long a path for a title the trackers take whole`).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
  const created = run(['run', 'widget-crash', '--no-input', '--answer', `what=${HOSTILE}`, '--answer', 'what-broke=Crash', '--case-id', 'TRI-20261127-AB12', '--format', 'json'], { path: 'empty' });
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
  setup.caseId = (JSON.parse(created.stdout) as { case: { id: string } }).case.id;
}, 60_000);

describe('triage handoff --to github', () => {
  it('with gh on the PATH prints the exact command, and that command hands over the same body', () => {
    const result = run(['handoff', '--to', 'github', '--repo', 'acme/widgets'], { path: 'fakes' });
    expect(result.code).toBe(0);
    const command = result.stdout.trim();
    expect(command).toMatch(/^triage handoff TRI-20261127-AB12 --to github --body \| gh issue create --title '/);
    expect(result.stderr).toMatch(/add --submit/);

    const body = run(['handoff', setup.caseId, '--to', 'github', '--body'], { path: 'empty' });
    expect(body.code).toBe(0);
    expect(body.stdout).toMatch(/^## Widget crashes: /);

    // Run the printed command in a real shell, as the agent would paste it.
    const PATH = `${setup.fakeBin}:${dirname(process.execPath)}:/usr/bin:/bin`;
    execFileSync('/bin/sh', ['-c', command], { env: { ...process.env, ...Object.fromEntries(Object.entries(env({ PATH })).filter(([, v]) => v !== undefined)), HOME: setup.home, XDG_CONFIG_HOME: join(setup.home, '.config'), XDG_DATA_HOME: join(setup.home, '.local', 'share') } as NodeJS.ProcessEnv });
    const gh = recorded('gh');
    expect(gh.argv).toEqual(['issue', 'create', '--title', `Widget crashes: ${HOSTILE}`, '--label', 'crash', '--label', 'needs repro', '--body-file', '-', '--repo', 'acme/widgets']);
    expect(gh.stdin).toBe(body.stdout);
    expect(existsSync(join(MARKER_DIR, 'dollar')) || existsSync(join(MARKER_DIR, 'backtick')) || existsSync(join(MARKER_DIR, 'semicolon'))).toBe(false);
  });

  it('--submit runs gh with argv only, the report on stdin, prints the URL and records it', () => {
    const result = run(['handoff', '--to', 'github', '--submit'], { path: 'fakes' });
    expect(result.stderr).toContain(`Recorded the hand-off to github in case ${setup.caseId}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('https://github.com/acme/widgets/issues/42\n');

    const gh = recorded('gh');
    expect(gh.argv).toEqual(['issue', 'create', '--title', `Widget crashes: ${HOSTILE}`, '--label', 'crash', '--label', 'needs repro', '--body-file', '-']);
    const body = run(['handoff', setup.caseId, '--to', 'github', '--body'], { path: 'empty' }).stdout;
    expect(gh.stdin).toBe(body);
    expect(gh.stdin).toContain(`touch ${MARKER_DIR}/semicolon`);
    // Nothing was evaluated by a shell.
    for (const marker of ['dollar', 'backtick', 'semicolon']) expect(existsSync(join(MARKER_DIR, marker))).toBe(false);

    const last = history().handoffs.at(-1)!;
    expect(last).toMatchObject({ to: 'github', url: 'https://github.com/acme/widgets/issues/42' });
    expect(Number.isNaN(Date.parse(last.at))).toBe(false);
  });

  it('says what gh said when it fails, exits 2 and records nothing', () => {
    const before = history().handoffs.length;
    const result = run(['handoff', '--to', 'github', '--submit'], { path: 'fakes', env: { FAKE_FAIL: '1' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gh issue create exited 1: HTTP 401: Bad credentials');
    expect(result.stderr).toContain('gh auth status');
    expect(history().handoffs).toHaveLength(before);
  });

  it('without gh prints a prefilled URL that decodes to the report', () => {
    const result = run(['handoff', setup.caseId, '--to', 'github', '--repo', 'acme/widgets'], { path: 'empty' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('gh is not on the PATH');
    const url = new URL(result.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe('https://github.com/acme/widgets/issues/new');
    const body = run(['handoff', setup.caseId, '--to', 'github', '--body'], { path: 'empty' }).stdout;
    expect(url.searchParams.get('title')).toBe(`Widget crashes: ${HOSTILE}`);
    expect(url.searchParams.get('body')).toBe(body);
    expect(url.searchParams.get('labels')).toBe('crash,needs repro');
    expect(history().handoffs.at(-1)).toEqual({ to: 'github', at: expect.any(String) });
  });

  it('without gh and without --repo says what to do (exit 2)', () => {
    const result = run(['handoff', '--to', 'github'], { path: 'empty' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/needs the repository/);
    expect(result.stderr).toMatch(/hint: Add --repo owner\/name, or install gh/);
  });

  it('--submit without gh is an error that offers the link instead', () => {
    const result = run(['handoff', '--to', 'github', '--submit'], { path: 'empty' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--submit runs gh, and gh is not on the PATH/);
  });
});

describe('a report too long for a URL', () => {
  it('falls back to title and labels, prints the body to paste, and --copy says there is no clipboard', () => {
    const long = run(['run', 'widget-crash', '--no-input', '--answer', `what=${'very long '.repeat(900)}`, '--answer', 'what-broke=Crash', '--format', 'json'], { path: 'empty' });
    expect(long.code).toBe(0);
    const id = (JSON.parse(long.stdout) as { case: { id: string } }).case.id;
    const body = run(['handoff', id, '--to', 'github', '--body'], { path: 'empty' }).stdout;

    const result = run(['handoff', id, '--to', 'github', '--repo', 'acme/widgets', '--copy'], { path: 'empty' });
    expect(result.code).toBe(0);
    const [first, ...rest] = result.stdout.split('\n');
    const url = new URL(first!);
    expect(url.searchParams.has('body')).toBe(false);
    expect(url.searchParams.get('labels')).toBe('crash,needs repro');
    expect(first!.length).toBeLessThanOrEqual(8000);
    expect([...url.searchParams.get('title')!]).toHaveLength(255);
    expect(rest.join('\n')).toBe(`\n${body}`);
    expect(result.stderr).toMatch(/too long for a link .* paste the report as the body \(printed below\)/);
    const clipboardLines = result.stderr.split('\n').filter((line) => /clipboard/i.test(line));
    expect(clipboardLines).toHaveLength(1);
    expect(clipboardLines[0]).toMatch(/^No clipboard available \(.+\); the report is on stdout\.$/);
  });
});

describe('triage handoff --to gitlab', () => {
  it('--submit runs glab with the description as one argument', () => {
    const result = run(['handoff', setup.caseId, '--to', 'gitlab', '--submit', '--repo', 'acme/support/widgets'], {
      path: 'fakes',
      env: { FAKE_URL: 'https://gitlab.com/acme/support/widgets/-/issues/7' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('https://gitlab.com/acme/support/widgets/-/issues/7\n');
    const body = run(['handoff', setup.caseId, '--to', 'gitlab', '--body'], { path: 'empty' }).stdout;
    expect(recorded('glab').argv).toEqual([
      'issue', 'create', '--title', `Widget crashes: ${HOSTILE}`, '--description', body, '--label', 'crash', '--label', 'needs repro', '--yes', '--repo', 'acme/support/widgets',
    ]);
  });

  it('without glab prints a prefilled GitLab URL with a /label quick action', () => {
    const result = run(['handoff', setup.caseId, '--to', 'gitlab', '--repo', 'acme/support/widgets'], { path: 'empty' });
    expect(result.code).toBe(0);
    const url = new URL(result.stdout.trim());
    expect(url.pathname).toBe('/acme/support/widgets/-/issues/new');
    const body = run(['handoff', setup.caseId, '--to', 'gitlab', '--body'], { path: 'empty' }).stdout;
    expect(url.searchParams.get('issue[description]')).toBe(`${body.replace(/\n+$/, '')}\n\n/label ~"crash" ~"needs repro"`);
  });
});

describe('triage handoff --to jira', () => {
  it('prints the REST payload: project, type, summary, wiki-markup description, labels, priority', () => {
    const result = run(['handoff', setup.caseId, '--to', 'jira', '--project', 'wid', '--copy'], { path: 'empty' });
    expect(result.code).toBe(0);
    const payload = JSON.parse(result.stdout) as { fields: Record<string, unknown> };
    const description = run(['handoff', setup.caseId, '--to', 'jira', '--body'], { path: 'empty' }).stdout;
    expect(payload).toEqual({
      fields: {
        project: { key: 'WID' },
        issuetype: { name: 'Bug' },
        summary: `Widget crashes: ${HOSTILE}`,
        description,
        labels: ['crash', 'needs-repro'],
        priority: { name: 'Highest' },
      },
    });
    expect(description).toMatch(/^h2\. Widget crashes: /);
    expect(result.stderr).toMatch(/curl .*--data @- .*\/rest\/api\/2\/issue/);
    expect(result.stderr).toMatch(/No clipboard available .* is on stdout\./);
    expect(history().handoffs.at(-1)).toMatchObject({ to: 'jira' });
  });

  it('needs --project, and refuses --submit', () => {
    const missing = run(['handoff', '--to', 'jira'], { path: 'empty' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs the project key/);
    const submit = run(['handoff', '--to', 'jira', '--project', 'WID', '--submit'], { path: 'empty' });
    expect(submit.code).toBe(2);
    expect(submit.stderr).toMatch(/--submit works with --to github and --to gitlab/);
  });
});

describe('which case', () => {
  it('an unknown case and an empty history are input errors', () => {
    const unknown = run(['handoff', 'TRI-00000000-0000', '--to', 'jira', '--project', 'X'], { path: 'empty' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No case "TRI-00000000-0000"/);
    const empty = triage(['handoff', '--to', 'github', '--body'], { env: env() });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/No finished case in the case history/);
  });

  it('--to is required and checked', () => {
    expect(run(['handoff'], { path: 'empty' }).code).toBe(2);
    const bad = run(['handoff', '--to', 'trello'], { path: 'empty' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/github, gitlab, jira/);
  });
});

describe('run --format jira|gitlab', () => {
  it('prints the report as the hand-off body, and with the reply appended for --emit both', () => {
    const args = ['run', 'widget-crash', '--no-input', '--answer', `what=${HOSTILE}`, '--answer', 'what-broke=Crash', '--no-history'];
    for (const format of ['jira', 'gitlab'] as const) {
      const report = run([...args, '--case-id', setup.caseId, '--format', format, '--emit', 'report'], { path: 'empty' });
      expect(report.code).toBe(0);
      const body = run(['handoff', setup.caseId, '--to', format, '--body'], { path: 'empty' }).stdout;
      // The same case re-run: only the timestamps differ from the stored one.
      const withoutTimes = (text: string): string => text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T').replace(/\(\d+ ms\)/g, '(n ms)');
      expect(withoutTimes(report.stdout)).toBe(withoutTimes(body));
      const both = run([...args, '--format', format, '--emit', 'both'], { path: 'empty' });
      expect(both.stdout).toContain(format === 'jira' ? '\n----\n\nh2. Reply to the customer\n\n' : '\n---\n\n## Reply to the customer\n\n');
    }
  });
});

describe('triage handoff --submit when gh hangs', () => {
  it('stops gh (and what it started) after TRIAGE_SUBMIT_TIMEOUT seconds: exit 2, nothing recorded', () => {
    const before = history().handoffs.length;
    const started = Date.now();
    const result = run(['handoff', setup.caseId, '--to', 'github', '--repo', 'acme/widgets', '--submit'], { path: 'fakes', env: { FAKE_HANG: '1', TRIAGE_SUBMIT_TIMEOUT: '1' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gh issue create timed out after 1 s/);
    expect(result.stdout).toBe('');
    expect(history().handoffs.length).toBe(before);
  }, 30_000);
});
