/**
 * `triage run` as scripts and tier-2 engineers use it: the built binary, no terminal, answers
 * from flags, files and stdin; exit codes, formats, determinism, replay, redaction and trust.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, makeHome, triage, type CliOptions, type CliResult } from '../helpers/cli.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'run');
const EVERY = join(FIXTURES, 'playbooks');
const EPOCH = '1700000000';
const EPOCH_ISO = new Date(Number(EPOCH) * 1000).toISOString();

/** Answers every-outcome.md needs before its first choice. */
const BEFORE_CHOICE = { app_version: '3.2', api_token: 'sk-live-0123456789abcdef', plan: 'team' };

function answerFlags(answers: Record<string, string | number>): string[] {
  return Object.entries(answers).flatMap(([k, v]) => ['--answer', `${k}=${v}`]);
}

function every(args: readonly string[], options: CliOptions = {}): CliResult {
  return triage(['--playbooks', EVERY, 'run', 'every-outcome', ...args], options);
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every file under `dir`, as text (binary files such as SQLite databases included byte for byte). */
function allFilesText(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

interface Kind {
  readonly choice: string;
  readonly kind: string;
  readonly node: string;
  readonly extra?: Record<string, string | number>;
  /** What a run prints by default for this kind (playbook-format.md). */
  readonly emits: 'reply' | 'both';
  readonly replyText: string;
}

const KINDS: readonly Kind[] = [
  { choice: 'It works now', kind: 'resolved', node: 'resolved-it-works-now', emits: 'reply', replyText: 'Glad it works again on the Team plan.' },
  { choice: 'Use the old screen', kind: 'workaround', node: 'workaround-use-the-old-screen', emits: 'reply', replyText: 'the old screen at Settings → Classic' },
  { choice: 'That is how it works', kind: 'works-as-designed', node: 'works-as-designed-that-is-how-it-works', emits: 'reply', replyText: 'This is how Every outcome kind behaves by design.' },
  { choice: 'They want a new thing', kind: 'feature-request', node: 'feature-request-a-new-thing', emits: 'both', replyText: "I've passed the idea on." },
  { choice: 'It is broken', kind: 'bug', node: 'bug-it-is-broken', extra: { seats: 12, 'how-often': 'Only sometimes' }, emits: 'both', replyText: 'Our engineers have the full report' },
  { choice: 'Nobody knows', kind: 'escalate', node: 'escalate-nobody-knows', emits: 'both', replyText: 'a colleague with the right access' },
];

/** The three ways a script gives answers, rotated over the outcome kinds. */
const VIA = ['--answer', '--answers file', '--answers -'] as const;

function runKind(kind: Kind, via: (typeof VIA)[number], extraArgs: readonly string[]): CliResult {
  const answers = { ...BEFORE_CHOICE, 'sign-in-details': kind.choice, ...kind.extra };
  if (via === '--answer') return every([...answerFlags(answers), ...extraArgs]);
  const yaml = Object.entries(answers)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('\n');
  if (via === '--answers -') return every(['--answers', '-', ...extraArgs], { input: JSON.stringify(answers) });
  const dir = tempDir('triage-answers-');
  writeFileSync(join(dir, 'answers.yaml'), `# answers for ${kind.kind}\n${yaml}\n`);
  return every(['--answers', join(dir, 'answers.yaml'), ...extraArgs]);
}

describe('triage run without a terminal', () => {
  describe.each(KINDS.map((k, i) => ({ ...k, via: VIA[i % VIA.length]! })))('reaches $kind (answers via $via)', (kind) => {
    it('prints the default output for the kind, in markdown', () => {
      const result = runKind(kind, kind.via, []);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(kind.replyText);
      if (kind.emits === 'both') {
        expect(result.stdout).toMatch(/^## /);
        expect(result.stdout).toContain('### Steps to reproduce');
        expect(result.stdout).toContain('## Reply to the customer');
      } else {
        expect(result.stdout).not.toContain('### Steps to reproduce');
        expect(result.stdout).not.toContain('## Reply to the customer');
      }
    });

    it('reports the outcome in JSON', () => {
      const result = runKind(kind, kind.via, ['--format', 'json']);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as Record<string, any>;
      expect(report.outcome.kind).toBe(kind.kind);
      expect(report.outcome.node).toBe(kind.node);
      expect(report.path.at(-1).node).toBe(kind.node);
      expect(report.path[0].answer).toContain(kind.choice);
      expect(report.reply).toContain(kind.replyText);
    });
  });

  it('exits 2 naming every missing key, what it asks, and the allowed labels', () => {
    const result = every([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const err = result.stderr;
    for (const key of ['app_version', 'api_token', 'plan', 'sign-in-details']) expect(err).toContain(`--answer ${key}=`);
    expect(err).toContain('App version, from Settings → About');
    expect(err).toContain('"Free", "Team", "Enterprise"');
    for (const kind of KINDS) expect(err).toContain(`"${kind.choice}"`);
    // Optional questions are not missing.
    expect(err).not.toContain('--answer notes=');
    expect(err).not.toMatch(/\n\s+at .*\.js:\d+/);

    // Past the first choice, the next node's keys are the missing ones.
    const later = every(answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'It is broken' }));
    expect(later.code).toBe(2);
    expect(later.stderr).toContain('--answer seats=');
    expect(later.stderr).toContain('--answer how-often=');
    expect(later.stderr).toContain('"Every time", "Only sometimes"');
    expect(later.stderr).not.toContain('--answer plan=');
  });

  it('leaves no session behind when it refuses the input', () => {
    const home = makeHome();
    expect(every(answerFlags(BEFORE_CHOICE), { home }).code).toBe(2);
    const sessions = join(isolatedEnv(home).XDG_DATA_HOME!, 'triage', 'sessions');
    expect(existsSync(sessions) ? readdirSync(sessions) : []).toEqual([]);
    const resume = triage(['--playbooks', EVERY, 'resume'], { home });
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('There is no interrupted case to resume.');
  });

  it('exits 2 for an answer that does not match the pattern', () => {
    const result = every(answerFlags({ ...BEFORE_CHOICE, app_version: 'latest' }));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Invalid answer for "app_version"');
    expect(result.stderr).toContain('latest');
  });

  it('exits 2 for a label that is not a choice, listing the allowed ones with file:line', () => {
    const result = every(answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'It exploded' }));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/every-outcome\.md:\d+: Invalid answer for "sign-in-details"/);
    expect(result.stderr).toContain('"It exploded" is not one of its choices');
    expect(result.stderr).toContain(`Allowed: ${KINDS.map((k) => k.choice).join(', ')}.`);

    const select = every(answerFlags({ ...BEFORE_CHOICE, plan: 'Platinum' }));
    expect(select.code).toBe(2);
    expect(select.stderr).toContain('Invalid answer for "plan"');
    expect(select.stderr).toContain('Free, Team, Enterprise');
  });

  it('accepts a choice by number, any case, or target node id', () => {
    for (const value of ['5', 'it is broken', 'how-often']) {
      const result = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': value, seats: 1, 'how-often': 2 }), '--format', 'json']);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).path[0].answer).toMatch(/It is broken$/);
    }
  });

  it('warns about an answer no question uses, with a suggestion', () => {
    const result = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 1, app_verison: '9.9' })]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Ignoring the answer for "app_verison"');
    expect(result.stderr).toContain('Did you mean "app_version"?');
  });

  it('exits 2 for an unknown playbook, suggesting the closest id', () => {
    const result = triage(['run', 'upload-or-exprt-fails']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('No playbook with id "upload-or-exprt-fails"');
    expect(result.stderr).toContain('Did you mean "upload-or-export-fails"?');
  });

  it('exits 2 for a broken playbook, with each problem at file:line', () => {
    const result = triage(['--playbooks', join(FIXTURES, 'broken'), 'run', 'dead-end-run', '--answer', 'start-here=1']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Playbook dead-end-run has 2 errors and cannot be run.');
    expect(result.stderr).toMatch(/dead-end-run\.md:12:3\s+error\s+.*link\/missing-node/);
    expect(result.stderr).toMatch(/dead-end-run\.md:14:1\s+error\s+.*node\/dead-end/);
    expect(result.stderr).toContain('triage lint');
  });

  it('exits 3 when the outcome is listed in --fail-on, and still prints the result', () => {
    const bug = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'It is broken', seats: 3, 'how-often': 1 }), '--fail-on', 'bug,escalate']);
    expect(bug.code).toBe(3);
    expect(bug.stdout).toContain('## Widget broken for 3 seats on 3.2');
    const escalate = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'Nobody knows' }), '--fail-on', 'bug,escalate']);
    expect(escalate.code).toBe(3);
    const resolved = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'It works now' }), '--fail-on', 'bug,escalate']);
    expect(resolved.code).toBe(0);
    const typo = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'It works now' }), '--fail-on', 'bugs']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('"bugs" is not an outcome kind');
  });

  describe('--emit and --format', () => {
    const bugAnswers = answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'It is broken', seats: 4, 'how-often': 'Every time' });
    const REPORT_TITLE = 'Widget broken for 4 seats on 3.2';
    const REPLY_BODY = 'Our engineers have the full report';

    it('markdown: report, reply, both', () => {
      const report = every([...bugAnswers, '--format', 'markdown', '--emit', 'report']);
      expect(report.code).toBe(0);
      expect(report.stdout.startsWith(`## ${REPORT_TITLE}\n`)).toBe(true);
      expect(report.stdout).toContain('| Severity | high |');
      expect(report.stdout).toContain('### Steps to reproduce');
      // The report keeps what the customer was told, folded away, and nothing after the report.
      expect(report.stdout).toContain('<summary>Reply to the customer</summary>');
      expect(report.stdout).not.toContain('## Reply to the customer');
      expect(report.stdout.trimEnd().endsWith('```')).toBe(true);

      const reply = every([...bugAnswers, '--format', 'markdown', '--emit', 'reply']);
      expect(reply.stdout).toContain(REPLY_BODY);
      expect(reply.stdout).not.toContain(REPORT_TITLE);
      expect(reply.stdout).not.toContain('###');

      const both = every([...bugAnswers, '--format', 'markdown', '--emit', 'both']);
      expect(both.stdout.indexOf(REPORT_TITLE)).toBe(3);
      expect(both.stdout.indexOf('## Reply to the customer')).toBeGreaterThan(both.stdout.indexOf('### Steps to reproduce'));
      // The reply is shown once, after the report.
      expect(both.stdout.split(REPLY_BODY).length - 1).toBe(1);
    });

    it('text: report, reply, both', () => {
      const report = every([...bugAnswers, '--format', 'text', '--emit', 'report']);
      expect(report.stdout.startsWith(`${REPORT_TITLE}\n${'='.repeat(REPORT_TITLE.length)}\n`)).toBe(true);
      expect(report.stdout).toContain('Steps to reproduce\n------------------');
      expect(report.stdout).not.toContain('##');
      expect(report.stdout).not.toMatch(/─{60}/);

      const reply = every([...bugAnswers, '--format', 'text', '--emit', 'reply']);
      expect(reply.stdout).toContain(REPLY_BODY);
      expect(reply.stdout).not.toContain('Steps to reproduce');

      const both = every([...bugAnswers, '--format', 'text', '--emit', 'both']);
      expect(both.stdout).toContain('Steps to reproduce');
      expect(both.stdout).toMatch(/─{60}\nReply to the customer\n─{60}\n\n/);
      expect(both.stdout.split(REPLY_BODY).length - 1).toBe(1);
    });

    it('json: the report object, or a reply object with --emit reply', () => {
      const both = every([...bugAnswers, '--format', 'json']);
      const report = JSON.parse(both.stdout) as Record<string, any>;
      expect(report.schema).toBe('triage.report/v1');
      expect(report.reply).toContain(REPLY_BODY);
      const reply = JSON.parse(every([...bugAnswers, '--format', 'json', '--emit', 'reply']).stdout) as Record<string, any>;
      expect(reply.schema).toBe('triage.reply/v1');
      expect(reply.case.id).toMatch(/^TRI-\d{8}-[0-9A-F]{4}$/);
      expect(reply.reply).toContain(REPLY_BODY);
      expect(reply.title).toBeUndefined();
    });
  });

  it('JSON has every field of the triage.report/v1 contract', () => {
    const result = every(
      [
        ...answerFlags({ ...BEFORE_CHOICE, notes: 'after the update', 'sign-in-details': 'It is broken', seats: 7, 'how-often': 'Every time' }),
        '--customer', 'Lin Ho', '--channel', 'chat', '--mood', 'angry', '--description', 'The widget is broken again',
        '--case-id', 'TRI-TEST-0001', '--format', 'json',
      ],
      { env: { SOURCE_DATE_EPOCH: EPOCH } },
    );
    expect(result.code).toBe(0);
    const r = JSON.parse(result.stdout) as Record<string, any>;
    expect(r.schema).toBe('triage.report/v1');
    expect(r.case).toEqual({ id: 'TRI-TEST-0001' });
    expect(r.playbook).toEqual({ id: 'every-outcome', version: '2.1.0', title: 'Every outcome kind', path: 'every-outcome.md' });
    expect(r.outcome).toEqual({ kind: 'bug', node: 'bug-it-is-broken', title: 'It is broken' });
    expect(r.title).toBe('Widget broken for 7 seats on 3.2');
    expect(r.severity).toBe('high');
    expect(r.component).toBe('widgets');
    expect(r.labels).toEqual(['widget', 'regression']);
    expect(r.customer).toEqual({ name: 'Lin Ho', channel: 'chat', mood: 'angry', account: null, signals: [] });
    expect(r.description).toBe('The widget is broken again');
    expect(r.environment).toEqual({ app_version: '3.2' });
    expect(r.answers).toEqual({ api_token: '[REDACTED]', plan: 'Team', notes: 'after the update', seats: 7 });
    expect(r.path).toHaveLength(3);
    for (const step of r.path) expect(Object.keys(step)).toEqual(expect.arrayContaining(['node', 'title', 'said', 'answer']));
    expect(r.path.map((s: { node: string }) => s.node)).toEqual(['sign-in-details', 'how-often', 'bug-it-is-broken']);
    expect(r.path[0].said).toBe("Could you paste the API token you are using, and the account's plan?");
    expect(r.path[1].answer).toBe('seats: 7; Every time');
    expect(Array.isArray(r.steps_to_reproduce)).toBe(true);
    expect(r.steps_to_reproduce.length).toBeGreaterThanOrEqual(3);
    for (const step of r.steps_to_reproduce) expect(typeof step).toBe('string');
    expect(r.expected).toBe('The widget works.');
    expect(r.actual).toBe('The widget fails. Notes: after the update');
    expect(typeof r.reply).toBe('string');
    expect(r.reply).toContain('Lin');
    expect(r.replay).toMatch(/^triage run every-outcome --no-input --replay-of TRI-TEST-0001 /);
    expect(r.started_at).toBe(EPOCH_ISO);
    expect(r.finished_at).toBe(EPOCH_ISO);
    expect(r.duration_ms).toBe(0);
  });

  it('--output writes the file and leaves stdout empty', () => {
    const dir = tempDir('triage-output-');
    const file = join(dir, 'case.md');
    const result = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'Nobody knows' }), '--output', file], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Saved the report and reply to ${file}`);
    const written = readFileSync(file, 'utf8');
    expect(written).toMatch(/^## Nobody knows what happened\n/);
    expect(written).toContain('## Reply to the customer');

    const relative = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 1 }), '-o', 'reply.txt', '--format', 'text'], { cwd: dir });
    expect(relative.stdout).toBe('');
    expect(readFileSync(join(dir, 'reply.txt'), 'utf8')).toContain('Glad it works again on the Team plan.');

    const unwritable = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 1 }), '-o', join(dir, 'no', 'such', 'dir.md')]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('Could not write');
  });

  it('is byte-for-byte deterministic with SOURCE_DATE_EPOCH and --case-id, in every format', () => {
    const args = [
      ...answerFlags({ ...BEFORE_CHOICE, notes: 'n/a', 'sign-in-details': 'It is broken', seats: 2, 'how-often': 'Every time' }),
      '--customer', 'Ana', '--case-id', 'TRI-DET-0001',
    ];
    for (const format of ['markdown', 'text', 'json']) {
      // Separate homes: the second run must not depend on what the first one stored.
      const first = every([...args, '--format', format], { env: { SOURCE_DATE_EPOCH: EPOCH } });
      const second = every([...args, '--format', format], { env: { SOURCE_DATE_EPOCH: EPOCH } });
      expect(first.code).toBe(0);
      expect(first.stdout.length).toBeGreaterThan(200);
      expect(second.stdout).toBe(first.stdout);
      expect(first.stdout).toContain('TRI-DET-0001');
    }
    const later = every([...args, '--format', 'json'], { env: { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 60) } });
    expect(JSON.parse(later.stdout).started_at).not.toBe(EPOCH_ISO);
  });

  it('the JSON replay command, run through sh -c, reproduces the same report', () => {
    const env = { SOURCE_DATE_EPOCH: EPOCH };
    const original = triage(
      [
        'run', 'upload-or-export-fails', '--format', 'json', '--customer', "Zoë O'Brien", '--mood', 'frustrated',
        '--description', 'Export "never" starts; tried $HOME and `ls`',
        '--answer', 'browser=Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
        '--answer', 'upload-or-export=2', '--answer', 'export_format=pdf', '--answer', 'row_count=300',
        '--answer', 'how-big-is-the-export=Smaller, and the download never starts', '--answer', 'does-a-private-window-help=Still nothing',
        '--answer', 'other_browser=Edge 126', '--answer', 'does-another-browser-help=Still nothing', '--answer', 'does-the-emailed-export-arrive=It arrived',
      ],
      { env },
    );
    expect(original.code).toBe(0);
    const report = JSON.parse(original.stdout) as { replay: string; outcome: { kind: string } };
    expect(report.outcome.kind).toBe('bug');

    // `triage` on PATH, as an installed copy would be.
    const bin = tempDir('triage-bin-');
    writeFileSync(join(bin, 'triage'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'triage'), 0o755);
    const home = makeHome();
    const shell = spawnShell(`${report.replay} --format json`, { ...isolatedEnv(home), ...env, PATH: `${bin}:${process.env.PATH ?? ''}` }, home);
    expect(shell.stderr).toBe('');
    expect(shell.code).toBe(0);
    // A new case, linked to the original; otherwise the same report.
    const first = JSON.parse(original.stdout) as { case: { id: string } };
    const again = JSON.parse(shell.stdout) as { case: { id: string }; replay_of: string };
    expect(again.case.id).not.toBe(first.case.id);
    expect(again.replay_of).toBe(first.case.id);
    const same = (text: string, id: string): unknown => {
      // The reply's wording varies by case id (phrase variants); the rest is the same.
      const { replay: _replay, replay_of: _of, reply: _reply, ...rest } = JSON.parse(text.split(id).join('CASE')) as Record<string, unknown>;
      return rest;
    };
    expect(same(shell.stdout, again.case.id)).toEqual(same(original.stdout, first.case.id));
  });

  it('writes no colour into pipes', () => {
    const ok = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'It is broken', seats: 2, 'how-often': 1, app_verison: 1 }), '--format', 'text']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toBe('');
    const failed = every([]);
    expect(failed.code).toBe(2);
    for (const stream of [ok.stdout, ok.stderr, failed.stderr]) expect(stream).not.toContain('\u001b');
  });

  it('makes escape sequences in answers visible instead of passing them to the terminal', () => {
    const result = every([...answerFlags({ ...BEFORE_CHOICE, 'sign-in-details': 'It is broken', seats: 2, 'how-often': 1 }), '--answer', 'notes=\u001b]0;owned\u0007\u001b[2Jgone', '--format', 'text']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(result.stdout).toContain('Notes: gone');
  });

  it('redacts secret answers and token-looking values in every format and in the case history', () => {
    const token = `ghp_${'Zx9Qw8Er7T'.repeat(4).slice(0, 36)}`;
    const home = makeHome();
    const args = [
      ...answerFlags({ ...BEFORE_CHOICE, api_token: 'sk-live-topsecret-4242', 'sign-in-details': 'It is broken', seats: 2, 'how-often': 1 }),
      '--answer', `notes=customer pasted ${token} into chat`,
      '--emit', 'both',
    ];
    for (const format of ['markdown', 'text', 'json']) {
      const result = every([...args, '--format', format], { home });
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain('topsecret');
      expect(result.stdout).not.toContain(token);
      expect(result.stdout).toContain('[REDACTED]');
      expect(result.stdout).toContain('customer pasted [REDACTED] into chat');
    }
    const data = join(isolatedEnv(home).XDG_DATA_HOME!, 'triage');
    expect(statSync(data).isDirectory()).toBe(true);
    const stored = allFilesText(data);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).not.toContain('topsecret');
    expect(stored).not.toContain(token);
  });

  describe('commands from untrusted playbook directories', () => {
    const untrusted = join(FIXTURES, 'untrusted');

    it('exits 2 before anything runs, and --allow-commands runs them', () => {
      const dir = tempDir('triage-marker-');
      const marker = join(dir, 'ran');
      const refused = triage(['--playbooks', untrusted, 'run', 'touch-marker', '--answer', `marker=${marker}`]);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain('would run commands, and its directory is not trusted');
      expect(refused.stderr).toContain('Nothing was run.');
      expect(refused.stderr).toContain(`triage trust ${untrusted}`);
      expect(existsSync(marker)).toBe(false);

      const allowed = triage(['--playbooks', untrusted, 'run', 'touch-marker', '--answer', `marker=${marker}`, '--allow-commands', '--format', 'json']);
      expect(allowed.code).toBe(0);
      expect(existsSync(marker)).toBe(true);
      const report = JSON.parse(allowed.stdout) as Record<string, any>;
      expect(report.outcome.kind).toBe('resolved');
      expect(report.path[0].answer).toContain('check passed');
    });

    it('runs them once the directory is trusted', () => {
      const home = makeHome();
      const marker = join(tempDir('triage-marker-'), 'ran');
      expect(triage(['trust', untrusted], { home }).code).toBe(0);
      const result = triage(['--playbooks', untrusted, 'run', 'touch-marker', '--answer', `marker=${marker}`], { home });
      expect(result.code).toBe(0);
      expect(existsSync(marker)).toBe(true);
    });
  });

  describe('triage check', () => {
    const dir = join(FIXTURES, 'failing-check');

    it('exits 1 when a check fails, naming it', () => {
      const result = triage(['--playbooks', dir, 'check', 'failing-check', '--allow-commands']);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/PASS\s+#first-check/);
      expect(result.stdout).toMatch(/FAIL\s+#second-check/);
      const json = triage(['--playbooks', dir, 'check', 'failing-check', '--allow-commands', '--json']);
      expect(json.code).toBe(1);
      const checks = (JSON.parse(json.stdout) as { checks: { node: string; passed: boolean; exit_code: number | null }[] }).checks;
      expect(checks.map((c) => [c.node, c.passed])).toEqual([
        ['first-check', true],
        ['second-check', false],
      ]);
      expect(checks[1]!.exit_code).toBe(1);
    });

    it('refuses an untrusted directory before running anything (exit 2)', () => {
      const result = triage(['--playbooks', dir, 'check', 'failing-check']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Nothing was run.');
    });
  });
});

function spawnShell(command: string, env: Record<string, string>, cwd: string): CliResult {
  const result = spawnSync('sh', ['-c', command], { env, cwd, encoding: 'utf8', input: '', timeout: 30_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
