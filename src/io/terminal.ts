/**
 * The one place that decides what the terminal can do: colour, prompting, spinners.
 * Decided once from the streams, flags and environment, then passed around as data.
 */
import { guardTerminalOutput } from '../core/terminal-text.js';

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

/**
 * A stream whose string writes pass through `guardTerminalOutput` first, so nothing written to
 * stdout or stderr (by a command, a prompt or an error message) carries a clipboard write, a
 * title change, a C1 control or a direction override, on a terminal and in a pipe alike.
 * Everything else (isTTY, columns, events) is the stream's own.
 */
export function guardedStream<S extends NodeJS.WritableStream>(stream: S): S {
  const original = (stream.write as (...args: unknown[]) => boolean).bind(stream);
  const write = (chunk: unknown, ...rest: unknown[]): boolean => original(typeof chunk === 'string' ? guardTerminalOutput(chunk) : chunk, ...rest);
  // A library may wrap `write` (ora does, to keep its spinner below other output); its wrapper
  // calls the guarded write it read, which calls the stream's own.
  let replaced: unknown;
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') return replaced ?? write;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set(target, property, value) {
      if (property === 'write') replaced = value;
      else Reflect.set(target, property, value, target);
      return true;
    },
  });
}
