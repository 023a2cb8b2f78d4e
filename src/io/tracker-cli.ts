/**
 * Runs `gh` or `glab` for `triage handoff --submit`: argv only (execa with `shell: false`, so
 * nothing in a title or body is ever interpreted by a shell), the body on stdin when given,
 * output captured. gh and glab may ask for a login or a repository on stderr; the caller shows
 * that text when they fail.
 */
export interface TrackerRun {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the tool could not be started or was stopped (timeout). */
  readonly failure?: string;
}

export interface TrackerRunOptions {
  readonly input?: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** Seconds `handoff --submit` waits for gh or glab: TRIAGE_SUBMIT_TIMEOUT, default 60. */
export function submitTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.TRIAGE_SUBMIT_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 && seconds <= 3600 ? Math.round(seconds * 1000) : 60_000;
}

/**
 * Through the same runner as check commands: its own process group, ended (with anything it
 * started) when the timeout passes, even when a child of gh or glab still holds the pipes.
 */
export async function runTrackerCli(argv: readonly string[], options: TrackerRunOptions = {}): Promise<TrackerRun> {
  const [file] = argv;
  if (file === undefined) return { exitCode: undefined, stdout: '', stderr: '', failure: 'empty command' };
  const { runCommand } = await import('./run-command.js');
  const timeoutMs = options.timeoutMs ?? submitTimeoutMs(options.env);
  const result = await runCommand(argv, {
    timeoutMs,
    input: options.input ?? '',
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const stdout = result.stdout.replace(/\r?\n$/, '');
  const stderr = result.stderr.replace(/\r?\n$/, '');
  let failure: string | undefined;
  if (result.timedOut) failure = `timed out after ${Math.round(timeoutMs / 1000)} s (TRIAGE_SUBMIT_TIMEOUT sets the seconds)`;
  else if (result.exitCode === undefined) failure = result.error ?? 'was stopped';
  else if (result.error !== undefined && result.exitCode !== 0) failure = result.error;
  return { exitCode: result.exitCode, stdout, stderr, ...(failure ? { failure } : {}) };
}
