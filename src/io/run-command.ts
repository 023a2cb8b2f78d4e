/**
 * Runs one local command for an env `run:` probe or a playbook check block: argv form only (never a
 * shell), stdin ignored, output capped, and a hard timeout that ends the whole process group, so a
 * command that hangs or ignores SIGTERM costs its timeout and nothing more.
 *
 * Spawning goes through execa, loaded on first use (about 30 ms), so only commands that spawn pay.
 */
import { createRequire } from 'node:module';
import type { CheckResult } from '../core/flow-types.js';

export interface RunCommandOptions {
  readonly timeoutMs: number;
  readonly cwd?: string;
  /** The child's whole environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Per stream; the command is stopped when either stream exceeds it. Default 1 MiB. */
  readonly maxOutputBytes?: number;
  /** Between SIGTERM and SIGKILL after a timeout. Default 300 ms. */
  readonly killGraceMs?: number;
  /** Written to the command's stdin (default: no stdin). */
  readonly input?: string;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
const DEFAULT_KILL_GRACE_MS = 300;

/**
 * Process groups still running, killed on every way out of triage so no command outlives it:
 * a normal exit, and SIGINT, SIGTERM and SIGHUP (a signal skips `exit` handlers, and execa's own
 * cleanup does not cover detached children).
 */
const liveGroups = new Set<number>();
let hooksInstalled = false;
const FATAL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killLiveGroups(): void {
  for (const group of liveGroups) killGroup(group, 'SIGKILL');
  liveGroups.clear();
}

function onFatalSignal(signal: NodeJS.Signals): void {
  killLiveGroups();
  // Another handler (`run` saves the session on Ctrl-C) decides how triage ends; alone, end the
  // way the signal would have ended it.
  if (process.listenerCount(signal) > 1) return;
  for (const s of FATAL_SIGNALS) process.removeListener(s, onFatalSignal);
  process.kill(process.pid, signal);
}

/** Before the first spawn, so a signal that arrives while a command starts is caught too. */
function installHooks(): void {
  if (hooksInstalled || process.platform === 'win32') return;
  hooksInstalled = true;
  process.once('exit', killLiveGroups);
  for (const signal of FATAL_SIGNALS) process.on(signal, onFatalSignal);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  if (process.platform === 'win32') {
    // No process groups on Windows: taskkill /T ends the tree.
    try {
      // Required here, not imported: every `run` loads this module, and child_process (with net
      // and dgram) is a few milliseconds of its start-up that only this Windows path needs.
      const { spawn } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
      const killer = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
      killer.on('error', () => undefined);
      killer.unref();
    } catch {
      // Already gone.
    }
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs `argv[0]` with the rest as arguments through execa (argv form, `shell: false`; on Windows
 * it resolves PATHEXT and `.cmd` shims). Never rejects: a command that cannot start, exits
 * non-zero, times out or floods its output is a result with `passed: false`.
 * `passed` means "exited 0 in time"; a check block's own `expect` is applied by evaluateCheck().
 * execa is imported here, on first use, so commands that never spawn do not pay for loading it.
 */
export async function runCommand(argv: readonly string[], options: RunCommandOptions): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const [command, ...args] = argv;
  if (command === undefined || command === '') {
    return { passed: false, stdout: '', stderr: '', timedOut: false, error: 'empty command', durationMs: 0 };
  }
  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  installHooks();
  const { execa } = await import('execa');

  const subprocess = execa(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    extendEnv: false,
    shell: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    reject: false,
    windowsHide: true,
    stripFinalNewline: false,
    maxBuffer: maxBytes,
    // Its own process group, so a timeout can end everything it started.
    detached: process.platform !== 'win32',
    cleanup: true,
  });
  const pid = subprocess.pid;
  if (pid !== undefined && process.platform !== 'win32') liveGroups.add(pid);

  let timedOut = false;
  let overflow = false;
  const stopGroup = (): void => {
    if (pid === undefined) return;
    killGroup(pid, 'SIGTERM');
    const force = setTimeout(() => {
      if (liveGroups.has(pid)) killGroup(pid, 'SIGKILL');
      // A grandchild that left the group may still hold our pipes open; let go of them.
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
    }, grace);
    force.unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stopGroup();
  }, options.timeoutMs);
  // execa stops buffering at maxBuffer; the whole group is stopped here, at once.
  const sizes = { out: 0, err: 0 };
  const watch = (key: 'out' | 'err') => (chunk: Buffer | string) => {
    sizes[key] += chunk.length;
    if (sizes[key] > maxBytes && !overflow) {
      overflow = true;
      stopGroup();
    }
  };
  subprocess.stdout?.on('data', watch('out'));
  subprocess.stderr?.on('data', watch('err'));

  const result = await subprocess;
  clearTimeout(timer);
  if (pid !== undefined) {
    // Whatever the command left running in its group (`daemon &`) ends with it.
    if (process.platform !== 'win32') killGroup(pid, 'SIGKILL');
    liveGroups.delete(pid);
  }
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  const base = { stdout, stderr, durationMs: elapsed() };
  if (timedOut && !overflow) return { ...base, passed: false, timedOut: true, error: `timed out after ${options.timeoutMs} ms` };
  if (overflow || result.isMaxBuffer) return { ...base, passed: false, timedOut: false, error: `output exceeded ${formatBytes(maxBytes)}` };
  const cause = (result as { cause?: unknown }).cause;
  if (result.exitCode === undefined && cause !== undefined) return { ...base, passed: false, timedOut: false, ...startFailure(command, cause) };
  if (result.exitCode === undefined) return { ...base, passed: false, timedOut: false, error: `killed by ${result.signal ?? 'a signal'}` };
  return { ...base, passed: result.exitCode === 0, timedOut: false, exitCode: result.exitCode };
}

function startFailure(command: string, error: unknown): { exitCode?: number; error: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return { exitCode: 127, error: `command not found: ${command}` };
  if (code === 'EACCES') return { exitCode: 126, error: `permission denied: ${command}` };
  const message = error instanceof Error ? error.message : String(error);
  return { error: `could not start ${command}: ${message}` };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/**
 * Why a command failed, in the wording docs/playbook-format.md documents (`timed out after 5000 ms`,
 * `exited 127: command not found`); undefined when it exited 0 in time.
 */
export function describeFailure(result: CheckResult): string | undefined {
  if (result.timedOut) return result.error ?? 'timed out';
  if (result.exitCode === 127 && result.error?.startsWith('command not found')) return 'exited 127: command not found';
  if (result.exitCode === 126 && result.error?.startsWith('permission denied')) return 'exited 126: permission denied';
  if (result.error) return result.error;
  if (result.exitCode === undefined || result.exitCode === 0) return undefined;
  const reason = firstLine(result.stderr) || firstLine(result.stdout);
  return reason ? `exited ${result.exitCode}: ${reason}` : `exited ${result.exitCode}`;
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const trimmed = line.trim();
  return trimmed.length > 160 ? `${trimmed.slice(0, 157)}...` : trimmed;
}

/** An env `run:` probe's value: the trimmed stdout, or why there is none. */
export function probeValue(result: CheckResult): string {
  return describeFailure(result) ?? result.stdout.trim();
}
