/**
 * Runs one local command for an env `run:` probe or a playbook check block: argv form only (never a
 * shell), stdin ignored, output capped, and a hard timeout that ends the whole process group, so a
 * command that hangs or ignores SIGTERM costs its timeout and nothing more.
 *
 * Spawning goes through cross-spawn (the part of execa that matters here: on Windows it resolves
 * PATHEXT and `.cmd` shims such as `npm.cmd` and quotes arguments for cmd.exe). Loading execa costs
 * about 30 ms on this project's start-up budget, cross-spawn about 3 ms; see docs/environment.md.
 */
import { spawn as spawnProcess } from 'node:child_process';
import crossSpawn from 'cross-spawn';
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
}

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
const DEFAULT_KILL_GRACE_MS = 300;

/** Process groups still running, killed when this process exits so no probe outlives triage. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) killGroup(group, 'SIGKILL');
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  if (process.platform === 'win32') {
    // No process groups on Windows: taskkill /T ends the tree.
    try {
      const killer = spawnProcess('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
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
 * Runs `argv[0]` with the rest as arguments. Never rejects: a command that cannot start, exits
 * non-zero, times out or floods its output is a result with `passed: false`.
 * `passed` means "exited 0 in time"; a check block's own `expect` is applied by the caller.
 */
export function runCommand(argv: readonly string[], options: RunCommandOptions): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const [command, ...args] = argv;
  if (command === undefined || command === '') {
    return Promise.resolve({ passed: false, stdout: '', stderr: '', timedOut: false, error: 'empty command', durationMs: 0 });
  }
  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

  return new Promise<CheckResult>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const size = { out: 0, err: 0 };
    let settled = false;
    let overflow = false;
    let timer: NodeJS.Timeout | undefined;
    let child: ReturnType<typeof crossSpawn>;

    const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');
    const finish = (result: Omit<CheckResult, 'stdout' | 'stderr' | 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ ...result, stdout: text(out), stderr: text(err), durationMs: elapsed() });
    };

    const stop = (): void => {
      const pid = child.pid;
      if (pid === undefined) return;
      killGroup(pid, 'SIGTERM');
      if (process.platform === 'win32') return;
      const force = setTimeout(() => {
        if (liveGroups.has(pid)) killGroup(pid, 'SIGKILL');
        // A grandchild that left the group may still hold our pipes open; let go of them.
        child.stdout?.destroy();
        child.stderr?.destroy();
        child.unref();
      }, grace);
      force.unref();
    };

    try {
      child = crossSpawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
        // Its own process group, so a timeout can end everything it started.
        detached: process.platform !== 'win32',
      });
    } catch (error) {
      finish({ passed: false, timedOut: false, ...startFailure(command, error) });
      return;
    }
    if (child.pid !== undefined && process.platform !== 'win32') trackGroup(child.pid);

    const collect = (chunks: Buffer[], key: 'out' | 'err') => (chunk: Buffer) => {
      if (overflow) return;
      const room = maxBytes - size[key];
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size[key] = maxBytes;
        overflow = true;
        stop();
        finish({ passed: false, timedOut: false, error: `output exceeded ${formatBytes(maxBytes)}` });
        return;
      }
      chunks.push(chunk);
      size[key] += chunk.length;
    };
    child.stdout?.on('data', collect(out, 'out'));
    child.stderr?.on('data', collect(err, 'err'));

    // cross-spawn turns Windows' "is not recognized" into the same ENOENT error as POSIX.
    child.on('error', (error) => {
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      finish({ passed: false, timedOut: false, ...startFailure(command, error) });
    });
    child.on('exit', () => {
      if (child.pid !== undefined) liveGroups.delete(child.pid);
    });
    child.on('close', (code, signal) => {
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      if (code === null) {
        finish({ passed: false, timedOut: false, error: `killed by ${signal ?? 'a signal'}` });
        return;
      }
      finish({ passed: code === 0, timedOut: false, exitCode: code });
    });

    timer = setTimeout(() => {
      stop();
      finish({ passed: false, timedOut: true, error: `timed out after ${options.timeoutMs} ms` });
    }, options.timeoutMs);
  });
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
 * Why a command failed, in the wording playbook-format.md documents (`timed out after 5000 ms`,
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
