/**
 * Types of the pure flow engine (src/core/flow-engine.ts).
 *
 * A run is event-sourced: its state is the playbook it started from plus the list of inputs
 * given so far. Everything else (current node, answers, environment, path) is derived by
 * replaying the inputs, so going back is dropping inputs, resuming is loading them, and the
 * same inputs always give the same path.
 */
import type { ActionBlock, ActionStatus, AskBlock, CheckBlock, Choice, EnvField, Outcome, Playbook, PlaybookNode } from './model.js';

export type AnswerValue = string | number | boolean | readonly string[];

export interface CheckResult {
  readonly passed: boolean;
  /** Exit code, when the command ran to completion. */
  readonly exitCode?: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Why it could not start, e.g. `command not found: foo`. */
  readonly error?: string;
  readonly durationMs: number;
  /** For a built-in probe (`probe:` in the check block): what it looked at and what it saw. */
  readonly probe?: ProbeOutcome;
}

/** A built-in probe's result beside the command-shaped fields (`stdout` is its observed value). */
export interface ProbeOutcome {
  readonly name: string;
  /** The target it probed; '' when none was given. */
  readonly target: string;
  /** What it saw, in one line (`HTTP 200 in 41 ms`). */
  readonly observed: string;
  /** A stable failure name (`tls/expired`); absent when it passed. */
  readonly failure?: string;
  /** The failure in the customer's words; absent when it passed. */
  readonly customer?: string;
  readonly values: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/**
 * One input to a run. `probes` and `check` are automatic (produced by the machine, not the
 * agent); the others are user inputs, the unit of "go back".
 */
export type FlowInput =
  | { readonly kind: 'probes'; readonly playbook: string; readonly values: Readonly<Record<string, string>> }
  | { readonly kind: 'env'; readonly key: string; readonly value: string }
  | { readonly kind: 'ask'; readonly node: string; readonly key: string; readonly value: AnswerValue }
  | { readonly kind: 'choice'; readonly node: string; readonly label: string }
  /** The agent's result for an `action` block; `reference` only with `done` (e.g. a refund id). */
  | { readonly kind: 'action'; readonly node: string; readonly key: string; readonly status: ActionStatus; readonly reference?: string }
  | { readonly kind: 'check'; readonly node: string; readonly result: CheckResult };

export interface FlowState {
  /** Id of the playbook the run started in. */
  readonly playbook: string;
  readonly inputs: readonly FlowInput[];
}

/** What the run needs next. Exactly one thing at a time. */
export type Pending =
  /** Entering a playbook whose `detect`/`run` env fields are not captured yet: capture them all. */
  | { readonly kind: 'probes'; readonly playbook: Playbook; readonly fields: readonly EnvField[] }
  /** An `ask` env field of the current playbook that has no value yet. */
  | { readonly kind: 'env'; readonly playbook: Playbook; readonly field: EnvField }
  | { readonly kind: 'ask'; readonly playbook: Playbook; readonly node: PlaybookNode; readonly ask: AskBlock }
  | { readonly kind: 'choice'; readonly playbook: Playbook; readonly node: PlaybookNode; readonly choices: readonly Choice[] }
  /** An action for the agent to do and confirm; `statuses` are the results it accepts. */
  | {
      readonly kind: 'action';
      readonly playbook: Playbook;
      readonly node: PlaybookNode;
      readonly action: ActionBlock;
      readonly statuses: readonly ActionStatus[];
    }
  /** `argv` has `{{answers.x}}`/`{{env.x}}` whole-element placeholders already substituted. */
  | {
      readonly kind: 'check';
      readonly playbook: Playbook;
      readonly node: PlaybookNode;
      readonly check: CheckBlock;
      readonly argv: readonly string[];
    }
  | { readonly kind: 'outcome'; readonly playbook: Playbook; readonly node: PlaybookNode; readonly outcome: Outcome };

/** One visited node, as the report's `path` shows it. */
export interface PathStep {
  readonly playbook: string;
  readonly node: string;
  readonly title: string;
  /** The node's script (blockquotes) joined with blank lines; '' when none. */
  readonly said: string;
  /**
   * What was answered there: the choice label, `key: value` for asks, `key: done (RF-1234)` for
   * actions, `check passed`/`check failed (...)`; several joined with `; `.
   */
  readonly answer: string;
  readonly outcome?: Outcome;
}

/** An action's latest result in the run (an action met again is asked again; the last result counts). */
export interface ActionRecord {
  readonly key: string;
  /** The instruction the agent was given. */
  readonly do: string;
  readonly status: ActionStatus;
  readonly reference?: string;
  readonly playbook: string;
  readonly node: string;
}

/** Everything derived from a state. */
export interface FlowView {
  readonly pending: Pending;
  readonly playbook: Playbook;
  readonly node?: PlaybookNode;
  /** Ask answers and check captures by key. */
  readonly answers: Readonly<Record<string, AnswerValue>>;
  /** Keys of answers given to `secret: true` asks. */
  readonly secretKeys: readonly string[];
  /** Env values by key (asked, detected, run). */
  readonly env: Readonly<Record<string, string>>;
  /** Action results, in the order the actions were first confirmed. */
  readonly actions: readonly ActionRecord[];
  readonly path: readonly PathStep[];
  /** 1-based number of the node being shown (path length, counting the current node). */
  readonly step: number;
  /** Whether `back` can undo anything. */
  readonly canGoBack: boolean;
  readonly done: boolean;
}

/** Looks playbooks up for the engine: by id and by a link written in another playbook. */
export interface PlaybookLibrary {
  get(id: string): Playbook | undefined;
  /** Resolves `[x](other.md#node)` written in `from`; undefined when the target is not loaded. */
  resolveLink(from: Playbook, target: { readonly file?: string; readonly node?: string }): { playbook: Playbook; nodeId: string } | undefined;
  all(): readonly Playbook[];
}
