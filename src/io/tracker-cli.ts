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

export async function runTrackerCli(argv: readonly string[], options: TrackerRunOptions = {}): Promise<TrackerRun> {
  const [file, ...args] = argv;
  if (file === undefined) return { exitCode: undefined, stdout: '', stderr: '', failure: 'empty command' };
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    shell: false,
    reject: false,
    input: options.input ?? '',
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.env === undefined,
    timeout: options.timeoutMs ?? 120_000,
    stripFinalNewline: true,
    windowsHide: true,
  });
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  let failure: string | undefined;
  if (result.timedOut) failure = `timed out after ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s`;
  else if (result.exitCode === undefined) failure = result.shortMessage || result.message;
  return { exitCode: result.exitCode, stdout, stderr, ...(failure ? { failure } : {}) };
}
