/**
 * The pure flow engine. A run's state is the playbook it started from plus its inputs; everything
 * else (where the run is, answers, environment, path) is derived by replaying the inputs against
 * the playbooks (see flow-types.ts). No I/O, clock or randomness: the same inputs always give the
 * same view, so "back" is dropping inputs and "resume" is loading them.
 */
import { allowedAnswers, formatAnswerValue, matchChoiceLink, parseActionReference, parseActionStatus, parseAnswer, parseEnvAnswer } from './answer-values.js';
import { EXIT, TriageError } from './errors.js';
import type { ActionRecord, AnswerValue, CheckResult, FlowInput, FlowState, FlowView, Pending, PathStep, PlaybookLibrary } from './flow-types.js';
import { closestMatch } from './did-you-mean.js';
import { looksLikeUserAgent, parseUserAgent } from './user-agent.js';
import {
  ACTION_STATUSES,
  findNode,
  hasActionTargets,
  type ActionBlock,
  type ActionStatus,
  type AskBlock,
  type CheckBlock,
  type Choice,
  type EnvField,
  type Outcome,
  type Playbook,
  type PlaybookNode,
} from './model.js';

/** Checks in a row without any user input before the run is stopped as a runaway loop. */
export const MAX_AUTOMATIC_STEPS = 50;
/** Visits of one choice node, answered from prefilled answers, before the run is stopped as a loop. */
export const MAX_PREFILLED_VISITS = 25;

/** A value `applyPrefilled`/`missingInputs` could not find: what the non-interactive runner reports. */
export interface MissingInput {
  /** The `--answer` key: the env key, the ask key, the action key, or the choice node's id. */
  readonly key: string;
  readonly kind: 'env' | 'ask' | 'choice' | 'action';
  readonly prompt: string;
  /** Choice labels, select/multiselect choices, yes/no for a confirm, or an action's results. */
  readonly allowed?: string[];
  /** False for a `required: false` env field or ask (it may be answered with ''). */
  readonly required: boolean;
  /** Id of the playbook that asks for it. */
  readonly playbook: string;
}

export interface PrefillOptions {
  /** Answer a non-required env field or ask that `prefill` does not mention with ''. Default false. */
  readonly fillOptional?: boolean;
  /**
   * Values this returns true for are taken as they are, without the ask's type or pattern check:
   * a replay's redaction stand-ins (`[EMAIL-1]`) for values that passed when the case ran.
   */
  readonly acceptStandIn?: (value: string | AnswerValue) => boolean;
}

/** `apply` validates; a stand-in accepted by `options.acceptStandIn` is stored as given. */
function modeFor(input: FlowInput, options: PrefillOptions): 'apply' | 'replay' {
  if (!options.acceptStandIn || (input.kind !== 'ask' && input.kind !== 'env')) return 'apply';
  return options.acceptStandIn(input.value) ? 'replay' : 'apply';
}

type Prefill = Readonly<Record<string, string | AnswerValue>>;

/** Agent inputs, the unit of "go back"; `probes` and `check` are produced by the machine. */
export function isUserInput(input: FlowInput): boolean {
  return input.kind === 'env' || input.kind === 'ask' || input.kind === 'choice' || input.kind === 'action';
}

export function startFlow(library: PlaybookLibrary, playbookId: string): FlowState {
  const playbook = requirePlaybook(library, playbookId);
  requireNode(playbook, playbook.start);
  return freezeState(playbookId, []);
}

export function viewFlow(library: PlaybookLibrary, state: FlowState): FlowView {
  const cursor = replay(library, state);
  const pending = pendingOf(cursor);
  const atNode = cursor.phase === 'node';
  return {
    pending,
    playbook: cursor.playbook,
    node: atNode ? cursor.node : undefined,
    answers: Object.fromEntries(cursor.answers),
    secretKeys: [...cursor.secretKeys],
    env: Object.fromEntries(cursor.env),
    actions: [...cursor.actions.values()],
    path: cursor.path.map(finishStep),
    step: cursor.path.length + (atNode ? 0 : 1),
    canGoBack: state.inputs.some(isUserInput),
    done: pending.kind === 'outcome',
  };
}

/** The state with `input` appended, after checking it fits what the run needs now. */
export function applyInput(library: PlaybookLibrary, state: FlowState, input: FlowInput): FlowState {
  const cursor = replay(library, state);
  const accepted = consume(library, cursor, input, 'apply');
  return freezeState(state.playbook, [...state.inputs, accepted]);
}

/**
 * Goes back `steps` user inputs: each step drops trailing automatic inputs (probes, check
 * results) and then one user input. Going back past the first user input changes nothing.
 */
export function back(_library: PlaybookLibrary, state: FlowState, steps = 1): FlowState {
  let end = state.inputs.length;
  for (let i = 0; i < steps; i++) {
    let j = end - 1;
    while (j >= 0 && !isUserInput(state.inputs[j] as FlowInput)) j--;
    if (j < 0) break;
    end = j;
  }
  return end === state.inputs.length ? state : freezeState(state.playbook, state.inputs.slice(0, end));
}

/**
 * Applies inputs from `prefill` (keyed by env key, ask key, action key or choice node id; an
 * action's reference as `<key>.reference`) for as long as the
 * run needs something `prefill` has. Stops at the first need it lacks, and at probes, checks and
 * outcomes (the caller runs those). A value that does not fit throws `answer/invalid`.
 */
export function applyPrefilled(library: PlaybookLibrary, state: FlowState, prefill: Prefill, options: PrefillOptions = {}): FlowState {
  const cursor = replay(library, state);
  const inputs = [...state.inputs];
  for (;;) {
    const input = prefilledInput(cursor, pendingOf(cursor), prefill, options);
    if (input === undefined) break;
    inputs.push(consume(library, cursor, input, modeFor(input, options)));
  }
  return inputs.length === state.inputs.length ? state : freezeState(state.playbook, inputs);
}

/**
 * What `prefill` lacks, walking forward from `state` as far as it can: every env field and ask
 * without a value is listed (the walk goes on past them), and a choice without a value is listed
 * last (the path beyond it is unknown). Probes are walked past (their values do not steer the
 * run); the walk ends at a check or an outcome. Empty when nothing is missing before that point.
 */
export function missingInputs(library: PlaybookLibrary, state: FlowState, prefill: Prefill, options: PrefillOptions = {}): MissingInput[] {
  const cursor = replay(library, state);
  const missing: MissingInput[] = [];
  for (;;) {
    const pending = pendingOf(cursor);
    const input = prefilledInput(cursor, pending, prefill, options);
    if (input !== undefined) {
      consume(library, cursor, input, modeFor(input, options));
      continue;
    }
    const playbook = pending.playbook.id;
    switch (pending.kind) {
      case 'probes':
        consume(library, cursor, { kind: 'probes', playbook, values: {} }, 'replay');
        continue;
      case 'env': {
        const { field } = pending;
        const source = field.source.kind === 'ask' ? field.source : undefined;
        missing.push({ key: field.key, kind: 'env', prompt: source?.prompt ?? field.key, required: source?.required ?? true, playbook });
        consume(library, cursor, { kind: 'env', key: field.key, value: '' }, 'replay');
        continue;
      }
      case 'ask': {
        const { ask, node } = pending;
        const allowed = allowedAnswers(ask);
        missing.push({ key: ask.key, kind: 'ask', prompt: ask.prompt, ...(allowed ? { allowed } : {}), required: ask.required, playbook });
        consume(library, cursor, { kind: 'ask', node: node.id, key: ask.key, value: '' }, 'replay');
        continue;
      }
      case 'action': {
        const { action, node, statuses } = pending;
        missing.push({ key: action.key, kind: 'action', prompt: action.do, allowed: [...statuses], required: true, playbook });
        // Where a steering action leads depends on the missing result: the walk ends here.
        if (hasActionTargets(action)) return missing;
        consume(library, cursor, { kind: 'action', node: node.id, key: action.key, status: 'not-needed' }, 'replay');
        continue;
      }
      case 'choice':
        missing.push({
          key: pending.node.id,
          kind: 'choice',
          prompt: pending.node.title,
          allowed: pending.choices.map((c) => c.label),
          required: true,
          playbook,
        });
        return missing;
      case 'check':
      case 'outcome':
        return missing;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Replay

interface StepDraft {
  readonly playbook: string;
  readonly node: string;
  readonly title: string;
  readonly said: string;
  readonly answers: string[];
  /** Keys of the actions confirmed during this visit (an action met again is asked again). */
  readonly actionKeys: string[];
  readonly outcome?: Outcome;
}

/** Where a replay is. Mutable, but never leaves this module: states and views are new objects. */
interface Cursor {
  playbook: Playbook;
  /** `enter`: capturing the env of `playbook` before showing `node`; `node`: at `node`. */
  phase: 'enter' | 'node';
  node: PlaybookNode;
  readonly answers: Map<string, AnswerValue>;
  readonly secretKeys: string[];
  readonly env: Map<string, string>;
  readonly actions: Map<string, ActionRecord>;
  readonly path: StepDraft[];
  /** Check results since the last user input. */
  autoSteps: number;
}

function replay(library: PlaybookLibrary, state: FlowState): Cursor {
  const playbook = requirePlaybook(library, state.playbook);
  const cursor: Cursor = {
    playbook,
    phase: 'enter',
    node: requireNode(playbook, playbook.start),
    answers: new Map(),
    secretKeys: [],
    env: new Map(),
    actions: new Map(),
    path: [],
    autoSteps: 0,
  };
  settle(cursor);
  state.inputs.forEach((input, index) => {
    try {
      consume(library, cursor, input, 'replay');
    } catch (error) {
      if (error instanceof TriageError && error.code === 'answer/invalid') {
        throw new TriageError(
          'flow/replay',
          `Saved input ${index + 1} of ${state.inputs.length} (${describeInput(input)}) no longer fits playbook "${cursor.playbook.id}" ${cursor.playbook.version}: ${error.message}`,
          { hint: 'The playbook changed since this run was saved. Start the run again.', file: cursor.playbook.path, cause: error },
        );
      }
      throw error;
    }
  });
  return cursor;
}

/** Moves from "entering a playbook" to its node once the playbook's env needs nothing more. */
function settle(cursor: Cursor): void {
  if (cursor.phase === 'enter' && probeFields(cursor).length === 0 && nextEnvAsk(cursor) === undefined) {
    cursor.phase = 'node';
    arrive(cursor, cursor.node);
  }
}

function arrive(cursor: Cursor, node: PlaybookNode): void {
  cursor.node = node;
  cursor.path.push({
    playbook: cursor.playbook.id,
    node: node.id,
    title: node.title,
    said: node.script.join('\n\n'),
    answers: [],
    actionKeys: [],
    ...(node.outcome ? { outcome: node.outcome } : {}),
  });
}

function probeFields(cursor: Cursor): EnvField[] {
  return cursor.playbook.env.filter((f) => f.source.kind !== 'ask' && !cursor.env.has(f.key));
}

function nextEnvAsk(cursor: Cursor): EnvField | undefined {
  return cursor.playbook.env.find((f) => f.source.kind === 'ask' && !cursor.env.has(f.key));
}

function pendingOf(cursor: Cursor): Pending {
  const { playbook } = cursor;
  if (cursor.phase === 'enter') {
    const fields = probeFields(cursor);
    if (fields.length > 0) return { kind: 'probes', playbook, fields };
    const field = nextEnvAsk(cursor);
    if (field !== undefined) return { kind: 'env', playbook, field };
    // settle() runs after every input, so an entered playbook with nothing to capture is never here.
    throw new Error('flow engine: entering a playbook with nothing to capture');
  }
  const node = cursor.node;
  const ask = node.asks.find((a) => !cursor.answers.has(a.key));
  if (ask !== undefined) return { kind: 'ask', playbook, node, ask };
  const done = cursor.path[cursor.path.length - 1]?.actionKeys ?? [];
  const action = node.actions?.find((a) => !done.includes(a.key));
  if (action !== undefined) return { kind: 'action', playbook, node, action, statuses: actionStatuses(action) };
  if (node.outcome) return { kind: 'outcome', playbook, node, outcome: node.outcome };
  if (node.check) {
    if (cursor.autoSteps >= MAX_AUTOMATIC_STEPS) {
      throw new TriageError(
        'flow/runaway',
        `Stopped after ${MAX_AUTOMATIC_STEPS} checks in a row without any input: the checks in playbook "${playbook.id}" keep leading to each other (now at "${node.title}").`,
        {
          hint: 'Make the pass/fail targets of these checks reach a question, a choice or an outcome; `triage lint` shows the flow.',
          file: playbook.path,
          line: node.check.line,
        },
      );
    }
    const values = { answers: Object.fromEntries(cursor.answers), env: Object.fromEntries(cursor.env) };
    // A probe's argv is its name and target candidates; the first non-empty one is probed.
    const { probe } = node.check;
    const argv = probe ? [probe.name, ...substituteArgv(probe.targets, values)] : substituteArgv(node.check.run, values, commandGuard(node.check, playbook.path));
    return { kind: 'check', playbook, node, check: node.check, argv };
  }
  if (node.choices.length > 0) return { kind: 'choice', playbook, node, choices: node.choices };
  throw new TriageError('flow/dead-end', `Node "${node.title}" (#${node.id}) in playbook "${playbook.id}" leads nowhere.`, {
    hint: 'Give the node a choice list, a check block, or make it an outcome; `triage lint` finds these.',
    file: playbook.path,
    line: node.line,
  });
}

/** The results an action accepts: "not needed" only where it leads somewhere (or nothing is steered). */
export function actionStatuses(action: ActionBlock): ActionStatus[] {
  if (!hasActionTargets(action)) return [...ACTION_STATUSES];
  return ACTION_STATUSES.filter((status) => action.targets[status] !== undefined);
}

const WHOLE_PLACEHOLDER = /^\s*\{\{\s*(answers|env)\.([A-Za-z0-9_-]+)\s*\}\}\s*$/;

/** The option rule of a check's command (see substituteArgv). */
export function commandGuard(check: Pick<CheckBlock, 'allowOptions' | 'line'>, file: string): OptionGuard {
  return { allowOptions: check.allowOptions ?? [], file, line: check.line };
}

export interface OptionGuard {
  readonly allowOptions: readonly string[];
  readonly file?: string;
  readonly line?: number;
}

/**
 * A check's argv with each whole-element `{{answers.x}}` / `{{ env.x }}` replaced by the value as
 * one element (lists joined with `, `, a missing value as ''). Never shell-parsed; an element
 * that merely contains a placeholder amid other text is left as written.
 *
 * With `guard` (a command's argv): a value starting with `-` would be read as an option of the
 * command (`--output=/tmp/x`, `-rf`), so it is refused (exit 2, naming the key) unless an earlier
 * element is `--` (the end of options) or the check lists the key under `allow-options`.
 */
export function substituteArgv(
  argv: readonly string[],
  values: { readonly answers: Readonly<Record<string, AnswerValue>>; readonly env: Readonly<Record<string, string>> },
  guard?: OptionGuard,
): string[] {
  const endOfOptions = argv.indexOf('--');
  return argv.map((element, index) => {
    const match = WHOLE_PLACEHOLDER.exec(element);
    if (!match) return element;
    const [, scope = 'answers', key = ''] = match;
    const source: Readonly<Record<string, AnswerValue>> = scope === 'env' ? values.env : values.answers;
    const raw = Object.hasOwn(source, key) ? source[key] : undefined;
    const value = raw === undefined ? '' : Array.isArray(raw) ? raw.join(', ') : String(raw);
    if (guard === undefined || !value.startsWith('-')) return value;
    const allowed = (endOfOptions !== -1 && endOfOptions < index) || guard.allowOptions.some((k) => k === key || k === `${scope}.${key}`);
    if (allowed) return value;
    throw new TriageError(
      'check/option-value',
      `The ${scope === 'env' ? 'environment value' : 'answer'} for "${key}" starts with "-", so the check command would read it as an option; it was not run.`,
      {
        exitCode: EXIT.usage,
        ...(guard.file === undefined ? {} : { file: guard.file, ...(guard.line === undefined ? {} : { line: guard.line }) }),
        hint: `Give "${key}" a value that does not start with "-". If the command should accept it, the playbook can put \`--\` before the placeholder in \`run\` or list the key under \`allow-options\`.`,
      },
    );
  });
}

type Mode = 'apply' | 'replay';

/**
 * Checks `input` against what `cursor` needs, advances the cursor, and returns the input as it
 * is stored. `apply` validates and normalises values; `replay` trusts stored values (they were
 * validated when applied, and secrets may be stored redacted) but still requires them to fit.
 */
function consume(library: PlaybookLibrary, cursor: Cursor, input: FlowInput, mode: Mode): FlowInput {
  const pending = pendingOf(cursor);
  let stored: FlowInput;
  switch (input.kind) {
    case 'probes': {
      if (pending.kind !== 'probes' || pending.playbook.id !== input.playbook) throw misfit(pending, input);
      const values: Record<string, string> = {};
      for (const field of pending.fields) {
        const value = Object.hasOwn(input.values, field.key) ? input.values[field.key] : undefined;
        values[field.key] = value ?? '';
        cursor.env.set(field.key, value ?? '');
      }
      stored = { kind: 'probes', playbook: input.playbook, values: Object.freeze(mode === 'apply' ? values : { ...input.values }) };
      settle(cursor);
      break;
    }
    case 'env': {
      if (pending.kind !== 'env' || pending.field.key !== input.key) throw misfit(pending, input);
      const value = mode === 'apply' ? validEnv(pending.field, input.value) : input.value;
      const { source } = pending.field;
      if (source.kind === 'ask' && source.parse === 'user-agent' && looksLikeUserAgent(value)) {
        // A pasted User-Agent becomes <key> (browser and version), <key>_os and <key>_device;
        // the input keeps the raw string so a replay parses it the same way.
        const ua = parseUserAgent(value);
        cursor.env.set(input.key, ua.browser);
        cursor.env.set(`${input.key}_os`, ua.os);
        cursor.env.set(`${input.key}_device`, ua.device);
      } else {
        cursor.env.set(input.key, value);
      }
      cursor.autoSteps = 0;
      stored = { kind: 'env', key: input.key, value };
      settle(cursor);
      break;
    }
    case 'ask': {
      if (pending.kind !== 'ask' || pending.node.id !== input.node || pending.ask.key !== input.key) throw misfit(pending, input);
      const { ask } = pending;
      const value = mode === 'apply' ? validAnswer(ask, input.value) : input.value;
      cursor.answers.set(ask.key, value);
      if (ask.secret && !cursor.secretKeys.includes(ask.key)) cursor.secretKeys.push(ask.key);
      const shown = ask.secret ? '[REDACTED]' : formatAnswerValue(value);
      // A skipped optional question says nothing in the path ("told: " reads as a gap).
      if (shown.trim() !== '') currentStep(cursor).answers.push(`${ask.key}: ${shown}`);
      cursor.autoSteps = 0;
      stored = { kind: 'ask', node: input.node, key: input.key, value: Array.isArray(value) ? Object.freeze([...value]) : value };
      break;
    }
    case 'choice': {
      if (pending.kind !== 'choice' || pending.node.id !== input.node) throw misfit(pending, input);
      const choice = findChoice(pending.choices, input.label);
      if (choice === undefined) throw invalidChoice(pending.playbook, pending.node, input.label);
      currentStep(cursor).answers.push(choice.label);
      cursor.autoSteps = 0;
      follow(library, cursor, choice);
      stored = { kind: 'choice', node: input.node, label: choice.label };
      break;
    }
    case 'action': {
      if (pending.kind !== 'action' || pending.node.id !== input.node || pending.action.key !== input.key) throw misfit(pending, input);
      const { action, node, playbook } = pending;
      const status = mode === 'apply' ? validActionStatus(action, pending.statuses, input.status) : input.status;
      if (!pending.statuses.includes(status)) throw invalidActionStatus(action, pending.statuses, status);
      const given = status === 'done' && input.reference !== undefined ? (mode === 'apply' ? validReference(action, input.reference) : input.reference) : undefined;
      const reference = given === undefined || given === '' ? undefined : given;
      cursor.actions.delete(action.key);
      cursor.actions.set(action.key, { key: action.key, do: action.do, status, ...(reference === undefined ? {} : { reference }), playbook: playbook.id, node: node.id });
      const step = currentStep(cursor);
      step.actionKeys.push(action.key);
      step.answers.push(`${action.key}: ${status}${reference === undefined ? '' : ` (${reference})`}`);
      cursor.autoSteps = 0;
      stored = { kind: 'action', node: input.node, key: action.key, status, ...(reference === undefined ? {} : { reference }) };
      const targetId = action.targets[status];
      if (targetId !== undefined) {
        const target = findNode(playbook, targetId);
        if (target === undefined) throw brokenTarget(playbook, node, `#${targetId}`, action.line);
        arrive(cursor, target);
      }
      break;
    }
    case 'check': {
      if (pending.kind !== 'check' || pending.node.id !== input.node) throw misfit(pending, input);
      const { check, node, playbook } = pending;
      const result: CheckResult = Object.freeze({ ...input.result });
      if (check.capture !== undefined) cursor.answers.set(check.capture, result.stdout.trim());
      currentStep(cursor).answers.push(checkAnswer(check, result));
      cursor.autoSteps += 1;
      const targetId = result.passed ? check.pass : check.fail;
      const target = findNode(playbook, targetId);
      if (target === undefined) throw brokenTarget(playbook, node, `#${targetId}`, check.line);
      arrive(cursor, target);
      stored = { kind: 'check', node: input.node, result };
      break;
    }
  }
  return Object.freeze(stored);
}

function follow(library: PlaybookLibrary, cursor: Cursor, choice: Choice): void {
  const from = cursor.playbook;
  const resolved = library.resolveLink(from, choice.target);
  if (resolved === undefined) throw brokenTarget(from, cursor.node, linkText(choice), choice.line);
  const target = requireNode(resolved.playbook, resolved.nodeId);
  if (resolved.playbook.id === from.id) {
    arrive(cursor, target);
    return;
  }
  // Entering another playbook: capture its env first (what is already known is not asked again).
  cursor.playbook = resolved.playbook;
  cursor.phase = 'enter';
  cursor.node = target;
  settle(cursor);
}

function currentStep(cursor: Cursor): StepDraft {
  const step = cursor.path[cursor.path.length - 1];
  if (step === undefined) throw new Error('flow engine: an answer before any node');
  return step;
}

function finishStep(step: StepDraft): PathStep {
  return {
    playbook: step.playbook,
    node: step.node,
    title: step.title,
    said: step.said,
    answer: step.answers.join('; '),
    ...(step.outcome ? { outcome: step.outcome } : {}),
  };
}

function checkAnswer(check: CheckBlock, result: CheckResult): string {
  if (result.probe) return result.passed ? `${result.probe.name}: ${result.stdout}` : `${result.probe.name} failed: ${result.error ?? result.stdout}`;
  if (result.passed) return 'check passed';
  if (result.timedOut) return 'check failed (timed out)';
  if (result.error) return `check failed (${result.error})`;
  const expectedExit = check.expect.exit ?? 0;
  if (result.exitCode !== undefined && result.exitCode !== expectedExit) return `check failed (exit ${result.exitCode})`;
  if (check.expect.stdout !== undefined) return 'check failed (stdout did not match)';
  return result.exitCode !== undefined ? `check failed (exit ${result.exitCode})` : 'check failed';
}

/** Exact label first, then the same label ignoring case. */
function findChoice(choices: readonly Choice[], label: string): Choice | undefined {
  return choices.find((c) => c.label === label) ?? choices.find((c) => c.label.toLowerCase() === label.trim().toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Prefill

function has(prefill: Prefill, key: string): boolean {
  return Object.hasOwn(prefill, key) && prefill[key] !== undefined && prefill[key] !== null;
}

function prefilledInput(cursor: Cursor, pending: Pending, prefill: Prefill, options: PrefillOptions): FlowInput | undefined {
  switch (pending.kind) {
    case 'env': {
      const { field } = pending;
      if (has(prefill, field.key)) {
        const raw = prefill[field.key] as string | AnswerValue;
        return { kind: 'env', key: field.key, value: options.acceptStandIn?.(raw) ? String(raw).trim() : validEnv(field, raw) };
      }
      if (options.fillOptional && field.source.kind === 'ask' && !field.source.required) return { kind: 'env', key: field.key, value: '' };
      return undefined;
    }
    case 'ask': {
      const { ask, node } = pending;
      if (has(prefill, ask.key)) return { kind: 'ask', node: node.id, key: ask.key, value: prefill[ask.key] as AnswerValue };
      if (options.fillOptional && !ask.required) return { kind: 'ask', node: node.id, key: ask.key, value: '' };
      return undefined;
    }
    case 'choice': {
      const { node, playbook } = pending;
      if (!has(prefill, node.id)) return undefined;
      const raw = prefill[node.id] as string | AnswerValue;
      const choice = typeof raw === 'string' || typeof raw === 'number' ? matchChoiceLink(pending.choices, raw) : undefined;
      if (choice === undefined) throw invalidChoice(playbook, node, formatAnswerValue(raw));
      const visits = cursor.path.filter((s) => s.playbook === playbook.id && s.node === node.id).length;
      if (visits > MAX_PREFILLED_VISITS) {
        throw new TriageError(
          'flow/runaway',
          `The given answers make the run loop: "${node.title}" (${node.id}) in playbook "${playbook.id}" was reached ${visits} times, answered "${choice.label}" each time.`,
          { hint: `Change the answer for ${node.id}, or run interactively.`, file: playbook.path, line: node.line },
        );
      }
      return { kind: 'choice', node: node.id, label: choice.label };
    }
    case 'action': {
      const { action, node } = pending;
      if (!has(prefill, action.key)) return undefined;
      const status = validActionStatus(action, pending.statuses, prefill[action.key] as string | AnswerValue);
      const referenceKey = `${action.key}.reference`;
      const reference = has(prefill, referenceKey) ? formatAnswerValue(prefill[referenceKey] as AnswerValue) : undefined;
      return { kind: 'action', node: node.id, key: action.key, status, ...(reference === undefined ? {} : { reference }) };
    }
    case 'probes':
    case 'check':
    case 'outcome':
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation and errors

function validEnv(field: EnvField, raw: string | AnswerValue): string {
  const parsed = parseEnvAnswer(field, raw);
  if (!parsed.ok) throw invalidAnswer(field.key, parsed.message, undefined);
  return parsed.value;
}

function validAnswer(ask: AskBlock, raw: string | AnswerValue): AnswerValue {
  const parsed = parseAnswer(ask, raw);
  if (!parsed.ok) throw invalidAnswer(ask.key, parsed.message, allowedAnswers(ask));
  return parsed.value;
}

function validActionStatus(action: ActionBlock, statuses: readonly ActionStatus[], raw: string | AnswerValue): ActionStatus {
  const parsed = parseActionStatus(raw, statuses);
  if (!parsed.ok) throw invalidAnswer(action.key, parsed.message, statuses);
  return parsed.value;
}

function validReference(action: ActionBlock, raw: string): string {
  const parsed = parseActionReference(raw);
  if (!parsed.ok) throw invalidAnswer(`${action.key}.reference`, parsed.message, undefined);
  return parsed.value;
}

function invalidActionStatus(action: ActionBlock, statuses: readonly ActionStatus[], status: string): TriageError {
  return invalidAnswer(action.key, `"${status}" is not a result this action accepts.`, statuses);
}

function invalidAnswer(key: string, message: string, allowed: readonly string[] | undefined): TriageError {
  const allowedText = allowed && allowed.length > 0 ? ` Allowed: ${allowed.join(', ')}.` : '';
  return new TriageError('answer/invalid', `Invalid answer for "${key}": ${message}${allowedText}`, {
    hint: `Give a valid value for ${key} (e.g. --answer ${key}=...).`,
    topic: 'answers',
  });
}

function invalidChoice(playbook: Playbook, node: PlaybookNode, given: string): TriageError {
  const labels = node.choices.map((c) => c.label);
  return new TriageError(
    'answer/invalid',
    `Invalid answer for "${node.id}" (${node.title}): "${given}" is not one of its choices. Allowed: ${labels.join(', ')}.`,
    {
      hint: `Answer with a label (any case), its number 1-${labels.length}, or its target node id, e.g. --answer ${node.id}="${labels[0] ?? ''}".`,
      topic: 'answers',
      file: playbook.path,
      line: node.line,
    },
  );
}

function describePending(pending: Pending): string {
  switch (pending.kind) {
    case 'probes':
      return `the environment probes of playbook "${pending.playbook.id}"`;
    case 'env':
      return `env "${pending.field.key}"${pending.field.source.kind === 'ask' ? ` (${pending.field.source.prompt})` : ''}`;
    case 'ask':
      return `"${pending.ask.key}" (${pending.ask.prompt}) at "${pending.node.title}"`;
    case 'choice':
      return `a choice at "${pending.node.title}" (${pending.node.id}), one of: ${pending.choices.map((c) => c.label).join(', ')}`;
    case 'action':
      return `the result of action "${pending.action.key}" at "${pending.node.title}", one of: ${pending.statuses.join(', ')}`;
    case 'check':
      return `the result of the check at "${pending.node.title}" (${pending.node.id})`;
    case 'outcome':
      return `nothing: the run has ended at "${pending.node.title}"`;
  }
}

function describeInput(input: FlowInput): string {
  switch (input.kind) {
    case 'probes':
      return `probes for playbook "${input.playbook}"`;
    case 'env':
      return `env "${input.key}"`;
    case 'ask':
      return `answer "${input.key}" at ${input.node}`;
    case 'choice':
      return `choice "${input.label}" at ${input.node}`;
    case 'action':
      return `action "${input.key}" ${input.status} at ${input.node}`;
    case 'check':
      return `check result at ${input.node}`;
  }
}

function misfit(pending: Pending, input: FlowInput): TriageError {
  return new TriageError('answer/invalid', `The run needs ${describePending(pending)}, not ${describeInput(input)}.`, {
    hint: 'Answer what the run asks for now.',
  });
}

function linkText(choice: Choice): string {
  const { file, node } = choice.target;
  return `${file ?? ''}${node ? `#${node}` : ''}` || '(empty link)';
}

function brokenTarget(playbook: Playbook, node: PlaybookNode, target: string, line: number): TriageError {
  return new TriageError('flow/broken-link', `"${node.title}" (#${node.id}) in playbook "${playbook.id}" leads to ${target}, which is not loaded.`, {
    hint: 'Fix the link or load the playbook it points to; `triage lint` checks every link.',
    file: playbook.path,
    line,
  });
}

function requirePlaybook(library: PlaybookLibrary, id: string): Playbook {
  const playbook = library.get(id);
  if (playbook !== undefined) return playbook;
  const suggestion = closestMatch(
    id,
    library.all().map((p) => p.id),
  );
  throw new TriageError('playbook/unknown', `No playbook with id "${id}".`, {
    hint: suggestion
      ? `Did you mean "${suggestion}"? \`triage list\` shows every playbook.`
      : '`triage list` shows every playbook; `triage search <words>` finds one by description.',
  });
}

function requireNode(playbook: Playbook, id: string): PlaybookNode {
  const node = findNode(playbook, id);
  if (node !== undefined) return node;
  throw new TriageError('flow/broken-link', `Playbook "${playbook.id}" has no node #${id}.`, {
    hint: 'Fix the playbook (`start` or the link); `triage lint` checks every link.',
    file: playbook.path,
  });
}

function freezeState(playbook: string, inputs: readonly FlowInput[]): FlowState {
  return Object.freeze({ playbook, inputs: Object.freeze([...inputs]) });
}
