/**
 * The one place that decides what the terminal can do: colour, prompting, spinners.
 * Decided once from the streams, flags and environment, then passed around as data.
 */
export interface TerminalStreams {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface TerminalCapabilities {
  /** Colour on stderr/stdout (same decision for both; stdout colour is only used when it is a TTY). */
  readonly colorStdout: boolean;
  readonly colorStderr: boolean;
  /** Interactive prompts are allowed: stdin and stderr are TTYs, not `--no-input`, not CI. */
  readonly canPrompt: boolean;
  /** A spinner may animate on stderr. ora divides by zero when a TTY reports 0 columns. */
  readonly canSpin: boolean;
  readonly stdoutIsTTY: boolean;
}

export interface TerminalOptions {
  /** `--color` true, `--no-color` false, undefined to detect. */
  readonly color?: boolean;
  /** `--no-input`. */
  readonly noInput?: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export function detectTerminal(streams: TerminalStreams, options: TerminalOptions): TerminalCapabilities {
  const { env } = options;
  const stdinTTY = Boolean(streams.stdin.isTTY);
  const stdoutTTY = Boolean(streams.stdout.isTTY);
  const stderrTTY = Boolean(streams.stderr.isTTY);
  // FORCE_COLOR=0 / false means "no colour", as in Node and chalk; any other value forces it.
  const forced = env.FORCE_COLOR === undefined ? undefined : env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const dumb = env.TERM === 'dumb';
  const colorFor = (isTTY: boolean): boolean => {
    if (options.color === false) return false;
    if (env.NO_COLOR !== undefined) return options.color === true;
    if (options.color === true) return true;
    if (forced !== undefined) return forced;
    if (dumb) return false;
    return isTTY;
  };
  const inCI = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
  const canPrompt = stdinTTY && stderrTTY && !options.noInput && !inCI;
  const columns = streams.stderr.columns ?? 0;
  return {
    colorStdout: colorFor(stdoutTTY),
    colorStderr: colorFor(stderrTTY),
    canPrompt,
    // A dumb terminal cannot move the cursor back, so each spinner frame would print a new line.
    canSpin: stderrTTY && columns > 0 && !inCI && !dumb,
    stdoutIsTTY: stdoutTTY,
  };
}
