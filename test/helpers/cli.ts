/**
 * Runs the built CLI for tests, with isolated config and data directories so tests never touch
 * the developer's. `triage()` runs it in-process (a worker thread loading dist/bin.js, fast);
 * `triageBinary()` and `triageAsync()` spawn `node bin/triage.js` the way a user or script would,
 * for what only a real process shows: streams, signals, exit, start-up.
 */
import { execFile, spawnSync } from 'node:child_process';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'triage.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly input?: string;
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Isolated HOME/XDG dirs; a fresh one per call unless given. */
  readonly home?: string;
  readonly timeoutMs?: number;
}

export function makeHome(): string {
  return mkdtempSync(join(tmpdir(), 'triage-home-'));
}

export function isolatedEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
  };
}

/**
 * The cache directory every triage under test shares in this test run (made by
 * test/helpers/global-setup.ts), unless a test names its own (XDG_CACHE_HOME or TRIAGE_CACHE_DIR
 * in `env`). The cache is only ever a shortcut: results never depend on it (docs/DEVELOPING.md),
 * and a fresh one per command costs each command its cold start.
 */
function sharedCacheDir(): string {
  return inject('sharedCacheDir');
}

/** `TRIAGE_CACHE_DIR` set to the shared cache, unless `extra` names a cache of its own. */
export function sharedCacheUnlessOwn(extra: Record<string, string | undefined>): Record<string, string> {
  return 'XDG_CACHE_HOME' in extra || 'TRIAGE_CACHE_DIR' in extra ? {} : { TRIAGE_CACHE_DIR: sharedCacheDir() };
}

/**
 * The environment a triage under test gets: this process's, minus triage's own settings and
 * colour overrides, in `home` (and the shared cache), with `extra` on top (undefined removes a
 * variable). `forTerminal` also drops CI and the test runner's variables, as a pty run needs.
 */
export function testEnv(home: string, extra: Record<string, string | undefined> = {}, options: { forTerminal?: boolean } = {}): Record<string, string> {
  const env: Record<string, string> = {};
  const dropped = (k: string): boolean =>
    k.startsWith('TRIAGE_') || k === 'FORCE_COLOR' || k === 'NO_COLOR' || (options.forTerminal === true && (k === 'CI' || k.startsWith('VITEST')));
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !dropped(k)) env[k] = v;
  }
  Object.assign(env, isolatedEnv(home), sharedCacheUnlessOwn(extra));
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function spawnEnv(home: string, options: CliOptions): Record<string, string> {
  return testEnv(home, options.env);
}

let cliWorker: { worker: Worker; replies: MessagePort } | undefined;

function startCliWorker(): { worker: Worker; replies: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(join(ROOT, 'test', 'helpers', 'cli-worker.mjs'), { workerData: { root: ROOT, replies: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  return { worker, replies: port1 };
}

/**
 * The CLI run in-process: the same dist/bin.js the binary runs, with its own streams (not a
 * TTY), environment, working directory and stdin, synchronously. A command that outlives the
 * timeout stops the worker (the next call starts a fresh one) and throws.
 */
export function triage(args: readonly string[], options: CliOptions = {}): CliResult {
  const home = options.home ?? makeHome();
  cliWorker ??= startCliWorker();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const timeoutMs = options.timeoutMs ?? 30_000;
  cliWorker.worker.postMessage({ args: [...args], env: spawnEnv(home, options), cwd: options.cwd ?? home, input: options.input ?? '', done });
  if (Atomics.wait(done, 0, 0, timeoutMs) === 'timed-out') {
    void cliWorker.worker.terminate();
    cliWorker = undefined;
    throw new Error(`triage ${args.join(' ')} did not finish within ${timeoutMs} ms`);
  }
  const reply = receiveMessageOnPort(cliWorker.replies);
  if (!reply) throw new Error(`triage ${args.join(' ')}: the test worker finished without an answer`);
  return reply.message as CliResult;
}

/** The built binary in a real process, waited for synchronously. */
export function triageBinary(args: readonly string[], options: CliOptions = {}): CliResult {
  const home = options.home ?? makeHome();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? home,
    env: spawnEnv(home, options),
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `triage` without blocking the test's event loop, so several can run side by side. */
export function triageAsync(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const home = options.home ?? makeHome();
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? home, env: spawnEnv(home, options), encoding: 'utf8', timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
        if (code === undefined) reject(error);
        else resolvePromise({ code, stdout, stderr });
      },
    ).stdin?.end(options.input ?? '');
  });
}
