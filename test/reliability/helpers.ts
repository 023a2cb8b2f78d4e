/**
 * Shared pieces of the reliability tests: temporary workspaces, the built binary run
 * synchronously or as a child process (to kill it, or to run many at once), and the assertions
 * every bad input must pass (a message that says what, where and what to do; the documented exit
 * code; no stack trace; no raw escape sequence).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { BIN, isolatedEnv, makeHome, testEnv, triage, type CliOptions, type CliResult } from '../helpers/cli.js';

export { BIN, isolatedEnv, makeHome, triage };
export type { CliOptions, CliResult };

export const HOSTILE = join(import.meta.dirname, '..', 'fixtures', 'hostile');
export const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };

export function tempDir(prefix = 'triage-rel-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function write(path: string, content: string | Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** A small valid playbook: an env ask, a text ask, a choice, two outcomes echoing the answers. */
export function echoPlaybook(id = 'echo'): string {
  return [
    '---',
    `id: ${id}`,
    'title: Echo',
    'version: 1.0.0',
    'env:',
    '  - key: app_version',
    '    ask: App version?',
    '---',
    '',
    '## Start',
    '',
    '> What happened?',
    '',
    '```ask',
    'key: what',
    'prompt: What happened?',
    'type: multiline',
    '```',
    '',
    '- [It broke](#bug-broken)',
    '- [Fine](#resolved-fine)',
    '',
    '## Bug: Broken',
    '',
    '```report',
    'title: "Broken: {{ answers.what }}"',
    'expected: It works.',
    'actual: "{{ answers.what }}"',
    '```',
    '',
    '```reply',
    'We saw "{{ answers.what }}" on version {{ env.app_version }}. Please restart the app.',
    '```',
    '',
    '## Resolved: Fine',
    '',
    '```reply',
    'Glad it works: {{ answers.what }}. Please restart the app if it happens again.',
    '```',
    '',
  ].join('\n');
}

/** The run flags that answer echoPlaybook completely. */
export function echoAnswers(what: string, choice = 'It broke'): string[] {
  return ['--answer', `what=${what}`, '--answer', 'app_version=1.2.3', '--answer', `start=${choice}`, '--no-input'];
}

/** What every failure must look like: a `triage:` message with a hint, no stack trace. */
export function expectCleanError(result: CliResult, code: number, pattern?: RegExp): void {
  expect(result.code, `exit ${result.code}\nstdout: ${result.stdout.slice(0, 2000)}\nstderr: ${result.stderr.slice(0, 2000)}`).toBe(code);
  expectNoStackTrace(result);
  if (pattern) expect(result.stderr).toMatch(pattern);
}

export function expectNoStackTrace(result: CliResult): void {
  const both = `${result.stdout}\n${result.stderr}`;
  expect(both, both.slice(0, 3000)).not.toMatch(/internal error|\n\s+at [^\n]*:\d+:\d+\)?\n|Error: [^\n]*\n\s+at /);
}

/** The raw ESC byte (and the other C0 controls but tab/newline) never reach the terminal. */
export function expectNoRawControls(result: CliResult): void {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000b-\u001f\u007f]/;
  expect(control.test(result.stdout), `stdout has a raw control character:\n${JSON.stringify(result.stdout.slice(0, 1500))}`).toBe(false);
  expect(control.test(result.stderr), `stderr has a raw control character:\n${JSON.stringify(result.stderr.slice(0, 1500))}`).toBe(false);
}

/** `triage` with a HOME and extra environment; a shorthand used by every file here. */
export function run(args: readonly string[], options: CliOptions = {}): CliResult {
  return triage(args, { timeoutMs: 60_000, ...options });
}

/** The environment `triage()` gives the binary, for processes spawned directly. */
export function childEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return testEnv(home, extra);
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/** The binary as a child process: stdin closed (not a terminal), output collected. */
export function spawnTriage(args: readonly string[], options: { home: string; env?: Record<string, string | undefined>; cwd?: string }): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? options.home, env: childEnv(options.home, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
