/**
 * Secrets never leave in clear form. Secrets are planted in the description, the customer's name,
 * answers (one of them `secret: true`), what a check prints and a pasted environment; then every
 * output format, every hand-off body, `cases show` and `cases export` are produced, and every
 * file the runs wrote (sessions, the SQLite history with its WAL and FTS tables, caches) is read
 * byte for byte. None of the secrets may appear anywhere. Also: the replay line, --no-redact
 * (it affects that one output, never the history), `triage check`, and a malformed
 * TRIAGE_DATABASE_URL.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, makeHome, triage, type CliResult } from '../helpers/cli.js';

const PLAYBOOKS = join(ROOT, 'test', 'fixtures', 'secrets');

const SECRETS = {
  githubToken: 'ghp_sMehGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8',
  card: '4111111111111111',
  password: 'S3cretPassw0rd',
  /** No recognisable shape: only `secret: true` catches it. */
  secretAnswer: 'zebra-Quartz-71-Lantern',
  slackToken: 'xoxb-2384729384-9823749823-Zk3LmNoPqRsTuVwXyZ123456',
  envPassword: 'Hunter2-Envpaste-Pw',
};
const PLANTED = Object.values(SECRETS);

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function leaks(text: string): string[] {
  return PLANTED.filter((secret) => text.includes(secret));
}

describe('secrets sweep', () => {
  it('finds no planted secret in any output or any file written', { timeout: 240_000 }, () => {
    const home = makeHome();
    const outputs: { what: string; result: CliResult }[] = [];
    const cli = (what: string, args: string[]): CliResult => {
      const result = triage(['--playbooks', PLAYBOOKS, ...args], { home });
      outputs.push({ what, result });
      return result;
    };
    const envFile = join(home, 'pasted-env.txt');
    writeFileSync(envFile, `client: curl 8.5.0\nAPI_TOKEN=${SECRETS.slackToken}\npassword: ${SECRETS.envPassword}\n`);
    const runArgs = (caseId: string): string[] => [
      'run', 'api-key-rejected', '--no-input', '--allow-commands', '--case-id', caseId,
      '--customer', `Ana ${SECRETS.githubToken}`, '--account', 'ana@example.com',
      '--description', `401 since yesterday. token ${SECRETS.githubToken} card ${SECRETS.card} password: ${SECRETS.password}`,
      '--answer', `api_token=${SECRETS.secretAnswer}`,
      '--answer', `notes=my password: ${SECRETS.password} and card ${SECRETS.card}`,
      '--answer', 'which-key-do-they-use=Try the key',
      '--env-file', envFile,
    ];

    let n = 0;
    for (const format of ['markdown', 'text', 'json', 'jira', 'gitlab']) {
      for (const emit of ['both', 'report', 'reply']) {
        const result = cli(`run --format ${format} --emit ${emit}`, [...runArgs(`TRI-SWEEP-${++n}`), '--format', format, '--emit', emit]);
        expect(result.code, result.stderr).toBe(0);
      }
    }
    cli('run --redaction internal', [...runArgs('TRI-SWEEP-INTERNAL'), '--format', 'json', '--redaction', 'internal']);
    // --no-redact shows this one output in clear (that is its point), so only the files are scanned for it.
    const clear = triage(['--playbooks', PLAYBOOKS, ...runArgs('TRI-SWEEP-CLEAR'), '--format', 'json', '--no-redact'], { home });
    expect(clear.code).toBe(0);
    expect(clear.stdout).toContain(SECRETS.githubToken);
    const clearReport = JSON.parse(clear.stdout) as { replay: string };
    expect(leaks(clearReport.replay)).toEqual([]);

    for (const id of ['TRI-SWEEP-1', 'TRI-SWEEP-CLEAR']) {
      for (const to of ['github', 'gitlab', 'jira'] as const) cli(`handoff ${id} --to ${to} --body`, ['handoff', id, '--to', to, '--body']);
      cli(`handoff ${id} jira payload`, ['handoff', id, '--to', 'jira', '--project', 'SUP']);
      for (const as of ['case', 'report', 'reply']) for (const format of ['markdown', 'text', 'json']) cli(`cases show ${id} --as ${as} --format ${format}`, ['cases', 'show', id, '--as', as, '--format', format]);
    }
    for (const format of ['jsonl', 'csv']) cli(`cases export --format ${format}`, ['cases', 'export', '--format', format]);
    cli('cases search', ['cases', 'search', 'yesterday']);
    cli('check', ['check', 'api-key-rejected', '--allow-commands', '--answer', `api_token=${SECRETS.secretAnswer}`]);
    cli('check --json', ['check', 'api-key-rejected', '--allow-commands', '--json', '--answer', `api_token=${SECRETS.secretAnswer}`]);

    const found: string[] = [];
    for (const { what, result } of outputs) {
      for (const secret of leaks(result.stdout + result.stderr)) found.push(`${what}: ${secret}`);
    }
    const files = filesUnder(home).filter((f) => f !== envFile);
    expect(files.some((f) => f.endsWith('cases.db'))).toBe(true);
    for (const file of files) {
      if (statSync(file).size > 50_000_000) continue;
      const bytes = readFileSync(file).toString('latin1');
      for (const secret of leaks(bytes)) found.push(`${file.slice(home.length)}: ${secret}`);
    }
    expect(found).toEqual([]);
    // The internal profile keeps the account email for the team; the default output tokenises it.
    const internal = outputs.find((o) => o.what === 'run --redaction internal')!.result.stdout;
    expect(JSON.parse(internal).customer.account).toBe('ana@example.com');
    const publicJson = outputs.find((o) => o.what === 'run --format json --emit both')!.result.stdout;
    expect(JSON.parse(publicJson).customer.account).toBe('[EMAIL-1]');
  });

  it('a malformed TRIAGE_DATABASE_URL never echoes its password', () => {
    for (const url of ['mysql://u:S3cretDbPw@h/db', 'postgres//u:S3cretDbPw@h/db', 'postgresql:/u:S3cret@DbPw@h/db', 'u:S3cretDbPw@host', 'postgres://u:S3cretDbPw@h:99999/db']) {
      const result = triage(['cases', 'list'], { env: { TRIAGE_DATABASE_URL: url } });
      expect(result.code).not.toBe(0);
      expect(result.stderr).not.toMatch(/S3cret|DbPw/);
      expect(result.stderr).toContain('***');
    }
  });
});
