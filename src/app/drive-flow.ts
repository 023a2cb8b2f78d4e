/**
 * Drives the pure flow engine to an outcome: answers from flags/files first, machine work
 * (probes, checks) through injected functions, and, only when a person is there, prompts.
 * Interactive and scripted runs share this one loop; without a prompter a missing answer is an
 * input error that names every missing key.
 */
import { TriageError, EXIT } from '../core/errors.js';
import { applyInput, applyPrefilled, back, missingInputs, viewFlow } from '../core/flow-engine.js';
import { ACTION_STATUS_LABELS, parseActionReference, parseAnswer, parseEnvAnswer } from '../core/answer-values.js';
import type { AnswerValue, CheckResult, FlowInput, FlowState, FlowView, Pending, PlaybookLibrary } from '../core/flow-types.js';
import type { AskType, CheckBlock, EnvField, Playbook } from '../core/model.js';
import { NO_EVIDENCE, contradiction, saidBefore, evidenceFrom, mergeEvidence, suggestedAnswer, suggestedChoice, type Evidence } from '../core/evidence.js';
import { BACK, type Back, type Prompter } from '../io/prompter.js';
import { probeLabel } from '../core/probe-checks.js';

export interface RunUi {
  /** Shows the node being asked about (step, breadcrumb, script, guidance). Interactive only. */
  showNode(view: FlowView): void;
  /**
   * Runs work with a spinner (on a TTY) or a one-line notice. `verdict` says how the work ended
   * (a failed check is not a crash: the spinner shows it failed, with what was seen).
   */
  busy<T>(label: string, work: () => Promise<T>, verdict?: (result: T) => { readonly ok: boolean; readonly text?: string }): Promise<T>;
  notice(text: string): void;
}

export interface DriveDeps {
  readonly library: PlaybookLibrary;
  readonly prompter?: Prompter;
  readonly ui: RunUi;
  readonly captureProbes: (fields: readonly EnvField[], playbook: Playbook) => Promise<Record<string, string>>;
  readonly runCheck: (argv: readonly string[], options: { timeoutMs: number; playbook: Playbook; check: CheckBlock }) => Promise<CheckResult>;
  /** Persists the state after every input (the session file). */
  readonly save: (state: FlowState) => void;
  /** Set when continuing a saved case: `triage resume` takes no --answer, so a missing answer says so. */
  readonly resumedCase?: string;
  /** "Go back" at the first question leaves the run (throws LeftRun): the guided intake offers the playbooks again. */
  readonly canLeave?: boolean;
  /** A replay: redaction stand-ins in the given answers are taken as they are (flow-engine's acceptStandIn). */
  readonly acceptStandIn?: (value: string | AnswerValue) => boolean;
  /** Attaches an environment the agent pasted (`:paste` at an environment question) to the case. */
  readonly attach?: (values: Record<string, string>) => void;
  /** The customer's description: what it states is offered as the default of the question asking for it. */
  readonly description?: string;
}

/** What a question is offered with: the answer given before going back, else what the customer said. */
interface AskHints {
  readonly previous?: string;
  readonly evidence: Evidence;
}

/** Typed at an environment question: paste a captured environment instead of one value. */
export const PASTE_COMMAND = ':paste';
const PASTE: unique symbol = Symbol('paste');

/** The agent went back from the first question of a run that allows leaving (`canLeave`). */
export class LeftRun extends Error {
  constructor() {
    super('The agent went back out of the run.');
    this.name = 'LeftRun';
  }
}

export async function driveFlow(initial: FlowState, prefill: Readonly<Record<string, AnswerValue>>, deps: DriveDeps): Promise<FlowState> {
  const { library } = deps;
  let state = initial;
  // Keys the agent went back over: their prefilled values must not be re-applied, or "go back"
  // could never get past an answer given on the command line.
  const declined = new Set<string>();
  // Environment values the agent pasted during the run answer the questions they fit.
  let pasted: Record<string, AnswerValue> = {};
  const usablePrefill = (): Record<string, AnswerValue> => {
    const usable: Record<string, AnswerValue> = {};
    for (const [k, v] of Object.entries({ ...pasted, ...prefill })) if (!declined.has(k)) usable[k] = v;
    return usable;
  };

  // Answers the agent went back over, offered again (text pre-filled, the cursor on the choice).
  const previous = new Map<string, string>();

  for (;;) {
    const before = state.inputs.length;
    // Without a person to ask, an optional question nobody answered is answered with ''.
    state = applyPrefilled(library, state, usablePrefill(), { fillOptional: !deps.prompter, ...(deps.acceptStandIn ? { acceptStandIn: deps.acceptStandIn } : {}) });
    if (state.inputs.length !== before) deps.save(state);
    const view = viewFlow(library, state);
    const pending = view.pending;
    if (pending.kind === 'outcome') return state;

    if (pending.kind === 'probes') {
      const values = await deps.ui.busy(`Capturing environment for ${pending.playbook.id}`, () => deps.captureProbes(pending.fields, pending.playbook));
      state = commit(state, { kind: 'probes', playbook: pending.playbook.id, values }, deps);
      continue;
    }
    if (pending.kind === 'check') {
      const secrets = new Set(view.secretKeys.map((k) => String(view.answers[k] ?? '')).filter((v) => v !== ''));
      const hide = (arg: string): string => (secrets.has(arg) ? '[REDACTED]' : arg);
      const shown = (pending.check.probe ? probeLabel(pending.argv) : pending.argv).map(hide).join(' ');
      const result = await deps.ui.busy(
        `Checking: ${shown}`,
        () => deps.runCheck(pending.argv, { timeoutMs: pending.check.timeoutMs, playbook: pending.playbook, check: pending.check }),
        (r) => ({ ok: r.passed, ...(r.probe ? { text: `${r.probe.name}: ${r.passed ? r.stdout : (r.error ?? r.stdout)}` } : {}) }),
      );
      state = commit(state, { kind: 'check', node: pending.node.id, result }, deps);
      continue;
    }

    if (!deps.prompter) throw missingAnswersError(library, state, usablePrefill(), deps.resumedCase);
    deps.ui.showNode(view);
    const evidence = evidenceSoFar(library, state, deps.description);
    const pendingKey = pending.kind === 'choice' ? pending.node.id : pending.kind === 'env' ? pending.field.key : pending.kind === 'ask' ? pending.ask.key : undefined;
    const hints: AskHints = { evidence, ...(pendingKey !== undefined && previous.has(pendingKey) ? { previous: previous.get(pendingKey) } : {}) };
    const input = await ask(pending, deps.prompter, view.canGoBack || Boolean(deps.canLeave), hints, deps.ui);
    if (input === PASTE) {
      pasted = { ...pasted, ...(await pasteEnvironment(deps, view)) };
      continue;
    }
    if (input === BACK) {
      if (!view.canGoBack) throw new LeftRun();
      const rewound = back(library, state, 1);
      for (const undone of state.inputs.slice(rewound.inputs.length)) {
        const key = inputKey(undone);
        if (key) declined.add(key);
        const text = answerText(undone);
        if (key && text !== undefined) previous.set(key, text);
        if (undone.kind === 'action') declined.add(`${undone.key}.reference`);
      }
      state = rewound;
      deps.save(state);
      continue;
    }
    // A later answer that contradicts what was said before is pointed out before it is taken.
    const given = answerText(input);
    const conflict = given === undefined ? undefined : contradiction(given, evidence);
    if (conflict) {
      const keep = await deps.prompter.confirm(`${conflict} Keep this answer?`, { allowBack: false, default: false });
      if (keep !== true) continue;
    }
    try {
      state = commit(state, input, deps);
    } catch (error) {
      // The prompts validate first, so this is rare; say why and ask again rather than abort.
      if (error instanceof TriageError) deps.ui.notice(error.message);
      else throw error;
    }
  }
}

function commit(state: FlowState, input: FlowInput, deps: DriveDeps): FlowState {
  const next = applyInput(deps.library, state, input);
  deps.save(next);
  return next;
}

/** An env, ask or choice answer as the agent gave it (lists and secrets excepted). */
function answerText(input: FlowInput): string | undefined {
  if (input.kind === 'choice') return input.label;
  if ((input.kind === 'env' || input.kind === 'ask') && (typeof input.value === 'string' || typeof input.value === 'number')) return String(input.value);
  return undefined;
}

/** What the description and the answers so far state, the latest winning. */
function evidenceSoFar(library: PlaybookLibrary, state: FlowState, description: string | undefined): Evidence {
  let evidence = description ? evidenceFrom(description) : NO_EVIDENCE;
  const playbook = library.get(state.playbook);
  for (const input of state.inputs) {
    const text = answerText(input);
    if (text === undefined) continue;
    const node = 'node' in input ? (playbook?.nodes.find((n) => n.id === input.node) ?? undefined) : undefined;
    const field = input.kind === 'env' ? playbook?.env.find((f) => f.key === input.key) : undefined;
    const from =
      input.kind === 'ask' ? (node?.asks.find((a) => a.key === input.key)?.prompt ?? input.key) : input.kind === 'env' ? (field?.source.kind === 'ask' ? field.source.prompt : input.key) : (node?.title ?? input.kind);
    evidence = mergeEvidence(evidence, evidenceFrom(text, from.replace(/\s*\(.*$/, '')));
  }
  return evidence;
}

function inputKey(input: FlowInput): string | undefined {
  switch (input.kind) {
    case 'env':
    case 'ask':
    case 'action':
      return input.key;
    case 'choice':
      return input.node;
    default:
      return undefined;
  }
}

async function ask(
  pending: Exclude<Pending, { kind: 'outcome' | 'probes' | 'check' }>,
  prompter: Prompter,
  allowBack: boolean,
  hints: AskHints,
  ui: RunUi,
): Promise<FlowInput | Back | typeof PASTE> {
  /** The default for a typed answer, and a word on where it came from. */
  const typedDefault = (question: { key: string; prompt: string; type?: AskType }): { default?: string; from?: string } => {
    if (hints.previous !== undefined) return { default: hints.previous };
    const fact = suggestedAnswer(question, hints.evidence);
    return fact ? { default: fact.value, from: `Enter keeps what ${fact.from === 'the description' ? 'the description' : 'was answered before'} says` } : {};
  };
  const choiceDefault = (labels: readonly string[]): string | undefined => {
    if (hints.previous !== undefined && labels.includes(hints.previous)) return hints.previous;
    const suggested = suggestedChoice(labels, hints.evidence);
    if (suggested) ui.notice(`The cursor is on "${suggested.label}": ${saidBefore(suggested.fact).replace(/^The/, 'the')}.`);
    return suggested?.label;
  };
  switch (pending.kind) {
    case 'env': {
      const { field } = pending;
      if (field.source.kind !== 'ask') throw new Error(`env field ${field.key} is not asked`);
      const offered = typedDefault({ key: field.key, prompt: field.source.prompt });
      const value = await prompter.text(field.source.prompt, {
        allowBack,
        ...(offered.default !== undefined ? { default: offered.default } : {}),
        // Playbooks often say "paste the User-Agent" in the prompt already; don't say it twice.
        hint: [
          offered.from,
          field.source.parse === 'user-agent' && !/user.?agent/i.test(field.source.prompt) ? 'or paste the User-Agent' : undefined,
          field.source.required ? undefined : 'optional',
          `${PASTE_COMMAND} pastes a whole environment`,
        ]
          .filter(Boolean)
          .join('; '),
        validate: (raw) => {
          if (raw.trim() === PASTE_COMMAND) return undefined;
          const parsed = parseEnvAnswer(field, raw);
          return parsed.ok ? undefined : parsed.message;
        },
      });
      if (value === BACK) return BACK;
      if (value.trim() === PASTE_COMMAND) return PASTE;
      return { kind: 'env', key: field.key, value: value.trim() };
    }
    case 'ask': {
      const { ask: block, node } = pending;
      const validate = (raw: string): string | undefined => {
        const parsed = parseAnswer(block, raw);
        return parsed.ok ? undefined : parsed.message;
      };
      let value: AnswerValue | Back;
      switch (block.type) {
        case 'select': {
          const selected = choiceDefault(block.choices ?? []);
          value = await prompter.choose(block.prompt, (block.choices ?? []).map((c) => ({ label: c, value: c })), { allowBack, ...(selected ? { default: selected } : {}) });
          break;
        }
        case 'multiselect':
          value = await prompter.chooseMany(block.prompt, (block.choices ?? []).map((c) => ({ label: c, value: c })), { allowBack });
          break;
        case 'confirm':
          value = await prompter.confirm(block.prompt, { allowBack });
          break;
        default: {
          const offered = block.secret ? {} : typedDefault({ key: block.key, prompt: block.prompt, type: block.type });
          const raw = await prompter.text(block.prompt, {
            allowBack,
            validate,
            secret: block.secret,
            multiline: block.type === 'multiline',
            ...(offered.default !== undefined ? { default: offered.default } : {}),
            hint: [block.required ? undefined : 'optional', offered.from].filter(Boolean).join('; ') || undefined,
          });
          if (raw === BACK) return BACK;
          const parsed = parseAnswer(block, raw);
          value = parsed.ok ? parsed.value : raw;
        }
      }
      if (value === BACK) return BACK;
      return { kind: 'ask', node: node.id, key: block.key, value };
    }
    case 'action':
      return askAction(pending, prompter, allowBack);
    case 'choice': {
      const selected = choiceDefault(pending.choices.map((c) => c.label));
      const label = await prompter.choose(
        pending.node.script.length > 0 ? 'What did the customer say?' : pending.node.title,
        pending.choices.map((c) => ({ label: c.label, value: c.label })),
        { allowBack, ...(selected ? { default: selected } : {}) },
      );
      if (label === BACK) return BACK;
      return { kind: 'choice', node: pending.node.id, label };
    }
  }
}

/**
 * An action: the instruction, then what happened (Done / Couldn't do it / Not needed), then, after
 * "Done", the reference the playbook asks for (optional: Enter skips it). Going back from the
 * reference asks the result again.
 */
async function askAction(pending: Extract<Pending, { kind: 'action' }>, prompter: Prompter, allowBack: boolean): Promise<FlowInput | Back> {
  const { action, node, statuses } = pending;
  for (;;) {
    const status = await prompter.choose(
      `Do this now: ${action.do}`,
      statuses.map((s) => ({ label: ACTION_STATUS_LABELS[s], value: s })),
      { allowBack },
    );
    if (status === BACK) return BACK;
    const chosen = statuses.find((s) => s === status) ?? 'done';
    if (chosen !== 'done' || action.reference === undefined) return { kind: 'action', node: node.id, key: action.key, status: chosen };
    const reference = await prompter.text(action.reference, {
      allowBack: true,
      hint: 'optional: Enter skips it',
      validate: (raw) => {
        const parsed = parseActionReference(raw);
        return parsed.ok ? undefined : parsed.message;
      },
    });
    if (reference === BACK) continue;
    const text = reference.trim();
    return { kind: 'action', node: node.id, key: action.key, status: 'done', ...(text === '' ? {} : { reference: text }) };
  }
}

/**
 * Exit 2 naming every missing key, what it asks, and for choices the allowed labels. For a resumed
 * case (`resumedCase`), which cannot take --answer, the hint says to resume in a terminal.
 */
export function missingAnswersError(library: PlaybookLibrary, state: FlowState, prefill: Readonly<Record<string, AnswerValue>>, resumedCase?: string): TriageError {
  const missing = missingInputs(library, state, prefill, { fillOptional: true });
  const lines = missing.map((m) => {
    const allowed = m.allowed && m.allowed.length > 0 ? ` — one of: ${m.allowed.map((a) => JSON.stringify(a)).join(', ')}` : '';
    return resumedCase ? `  ${m.key}   ${m.prompt}${allowed}` : `  --answer ${m.key}=…   ${m.prompt}${allowed}`;
  });
  const keys = missing.map((m) => m.key).join(', ');
  if (resumedCase) {
    return new TriageError(
      'answer/missing',
      `Case ${resumedCase} needs more answer${missing.length === 1 ? '' : 's'} (${keys || 'the next step'}), and \`triage resume\` asks them only in a terminal:\n${lines.join('\n')}`,
      {
        exitCode: EXIT.usage,
        hint: `Run \`triage resume ${resumedCase}\` in a terminal, or start over without prompts: \`triage run <playbook> --answer key=value ...\`.`,
        topic: 'answers',
      },
    );
  }
  return new TriageError('answer/missing', `Missing answer${missing.length === 1 ? '' : 's'} for ${keys || 'the next step'} (not prompting: stdin is not a terminal, or --no-input):\n${lines.join('\n')}`, {
    exitCode: EXIT.usage,
    hint: 'Give them with --answer key=value (repeatable) or --answers answers.yaml; run in a terminal to be asked.',
    topic: 'answers',
  });
}

/**
 * `:paste` at an environment question: the agent pastes what the customer sent (`triage env
 * --json`, `npx envinfo` output, a User-Agent, key: value lines). Everything recognised is
 * attached to the case; values that fit this playbook's environment questions answer them.
 */
async function pasteEnvironment(deps: DriveDeps, view: FlowView): Promise<Record<string, string>> {
  const prompter = deps.prompter!;
  const text = await prompter.text('Paste the environment the customer sent', { allowBack: true, multiline: true, hint: 'triage env --json, envinfo output, a User-Agent or key: value lines' });
  if (text === BACK || text.trim() === '') return {};
  const { parsePastedEnvironment } = await import('../core/env-paste.js');
  const values = parsePastedEnvironment(text);
  const keys = Object.keys(values);
  if (keys.length === 0) {
    deps.ui.notice('Nothing in that paste looks like environment details; answer the question instead.');
    return {};
  }
  deps.attach?.(values);
  const fitting: Record<string, string> = {};
  for (const field of view.playbook.env) {
    const value = values[field.key];
    if (value !== undefined && field.source.kind === 'ask' && parseEnvAnswer(field, value).ok) fitting[field.key] = value;
  }
  deps.ui.notice(`Attached ${keys.length} environment detail${keys.length === 1 ? '' : 's'} to the case${Object.keys(fitting).length > 0 ? `; answered: ${Object.keys(fitting).join(', ')}` : ''}.`);
  return fitting;
}
