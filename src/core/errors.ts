/**
 * Errors that reach the user. Each carries a stable code, a message that says what is wrong,
 * where (when known) and a hint that says what to do. The CLI maps them to exit codes in one place.
 */
import type { Diagnostic } from './model.js';

export const EXIT = {
  ok: 0,
  /** What was checked is bad: lint errors, failing `triage check`, failing playbook tests. */
  checkFailed: 1,
  /** Usage or input error. */
  usage: 2,
  /** `run` reached an outcome listed in `--fail-on`. */
  failOn: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface TriageErrorOptions {
  readonly hint?: string;
  readonly exitCode?: ExitCode;
  /** Where, for errors tied to a file. */
  readonly file?: string;
  readonly line?: number;
  /** Diagnostics to print with the error (e.g. an invalid playbook given to `run`). */
  readonly diagnostics?: readonly Diagnostic[];
  /** A `triage help <topic>` that explains the concept. */
  readonly topic?: string;
  readonly cause?: unknown;
}

/** An error the user can act on: bad input, a missing file, a failed check. Never a bug. */
export class TriageError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: ExitCode;
  readonly file?: string;
  readonly line?: number;
  readonly diagnostics: readonly Diagnostic[];
  readonly topic?: string;

  constructor(code: string, message: string, options: TriageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TriageError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT.usage;
    this.file = options.file;
    this.line = options.line;
    this.diagnostics = options.diagnostics ?? [];
    this.topic = options.topic;
  }
}

/** Raised when the user interrupts (Ctrl-C); the session has been saved. */
export class InterruptedError extends TriageError {
  constructor(message = 'Interrupted.', hint?: string) {
    super('interrupted', message, { exitCode: EXIT.interrupted, hint });
    this.name = 'InterruptedError';
  }
}

export function isTriageError(error: unknown): error is TriageError {
  return error instanceof TriageError;
}
