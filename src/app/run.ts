/**
 * `triage run` and `triage resume`: start (or reload) a case, drive the flow to an outcome with
 * the session saved after every answer, then build the report and reply and record the case.
 */
import { join } from 'node:path';
import type { CaseOrigin, CaseRecord, CaseTicket, Intake } from '../core/case-record.js';
import { applyCheckExpect } from '../core/check-expect.js';
import { EXIT, TriageError } from '../core/errors.js';
import { startFlow, viewFlow } from '../core/flow-engine.js';
import type { AnswerValue, FlowState, PlaybookLibrary } from '../core/flow-types.js';
import type { Playbook } from '../core/model.js';
import type { Prompter } from '../io/prompter.js';
import { openSessionStore, type SessionStore } from '../io/session-store.js';
import { createSecretsOnlyRedactor } from '../core/redaction-profiles.js';
import { driveFlow, type RunUi } from './drive-flow.js';
import { REDACTION_STAND_IN } from '../core/report.js';
import { REDACTED } from '../core/redact.js';
import { CASE_FACT_KEYS, CASE_FACT_PROMPTS, detectCaseFacts, type CaseFacts } from '../core/case-facts.js';
import { finishCase, type FinishedCase, type FinishSettings } from './finish-case.js';
import { assertCommandsAllowed, createTrustCheck } from './trust.js';
import { redactSessionInputs } from './session-redaction.js';
import { noProbes, runProbeCheck, type ProbeDeps } from './probe-check.js';

export interface RunEnvironment {
  readonly library: PlaybookLibrary;
  readonly packageRoot: string;
  readonly dataDir: string;
  readonly trustedDirs: readonly string[];
  readonly allowCommands: boolean;
  readonly prompter?: Prompter;
  readonly ui: RunUi;
  readonly clock: () => Date;
  readonly settings: FinishSettings;
  /** Values attached from --env-file or pasted env: they answer env fields and go in the report. */
  readonly attachedEnv: Readonly<Record<string, string>>;
  /** Probes and checks, at the I/O edge. */
  readonly captureProbes: (fields: Playbook['env'], options: { trusted: boolean }) => Promise<Record<string, string>>;
  readonly runCommand: (argv: readonly string[], options: { timeoutMs: number }) => Promise<import('../core/flow-types.js').CheckResult>;
  /** Built-in probes of `probe:` checks, at the I/O edge. */
  readonly probes?: ProbeDeps;
  /** Told the case id as soon as the case is saved, so an interrupt can name it (`triage resume` picks the latest). */
  readonly onCase?: (caseId: string) => void;
}

export interface RunRequest {
  readonly playbookId: string;
  readonly intake: Intake;
  readonly prefill: Readonly<Record<string, AnswerValue>>;
  readonly caseId?: string;
  /** The case this run replays (`--replay-of`): recorded on the new case; stand-ins accepted. */
  readonly replayOf?: string;
  /** "Go back" at the first question leaves the run (drive-flow's LeftRun), e.g. to pick another playbook. */
  readonly canLeave?: boolean;
  /** When the case began, if before its playbook started (the intake was saved first). */
  readonly startedAt?: string;
  readonly origin?: CaseOrigin;
  /** The helpdesk ticket the case comes from (`--ticket`). */
  readonly ticket?: CaseTicket;
}

/** A value that carries a redaction token (`[EMAIL-1]`, `[REDACTED]`): a replay's stand-in. */
export function isRedactionStandIn(value: AnswerValue | string): boolean {
  const items = Array.isArray(value) ? value : [value];
  return items.some((item) => typeof item === 'string' && REDACTION_STAND_IN.test(item));
}

export function newCaseId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  // Math.random (seeded by V8 from the OS at start-up) is enough for an id that is no secret; Web
  // Crypto's getRandomValues compiles Node's webcrypto module on first use, a few ms of every run.
  const n = Math.floor(Math.random() * 0x10000);
  return `TRI-${day}-${n.toString(16).padStart(4, '0').toUpperCase()}`;
}

/** SOURCE_DATE_EPOCH fixes every timestamp, for byte-for-byte reproducible output. */
export function clockFromEnv(env: NodeJS.ProcessEnv): () => Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    const seconds = Number(epoch);
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new TriageError('env/source-date-epoch', `SOURCE_DATE_EPOCH must be a number of seconds; got "${epoch}".`, {
        hint: 'e.g. SOURCE_DATE_EPOCH=1700000000, or unset it.',
      });
    }
    const fixed = new Date(seconds * 1000);
    return () => new Date(fixed);
  }
  return () => new Date();
}

export async function runNewCase(request: RunRequest, env: RunEnvironment): Promise<FinishedCase> {
  const playbook = env.library.get(request.playbookId);
  const state = startFlow(env.library, request.playbookId);
  const startedAt = request.startedAt ?? env.clock().toISOString();
  const record: CaseRecord = {
    id: request.caseId ?? newCaseId(env.clock()),
    status: 'open',
    playbook: { id: playbook!.id, version: playbook!.version, title: playbook!.title, path: playbook!.path },
    intake: request.intake,
    agent: env.settings.agentName,
    inputs: [],
    startedAt,
    updatedAt: env.clock().toISOString(),
    handoffs: [],
    ...(request.origin ? { origin: request.origin } : {}),
    ...(request.replayOf ? { replayOf: request.replayOf } : {}),
    ...(request.ticket ? { ticket: request.ticket } : {}),
  };
  return continueCase(record, state, request.prefill, env, { resumed: false, canLeave: Boolean(request.canLeave) });
}

export async function resumeCase(caseId: string | undefined, env: RunEnvironment): Promise<FinishedCase> {
  const sessions = openSessionStore(env.dataDir);
  let record: CaseRecord;
  if (caseId) {
    record = sessions.load(caseId);
  } else {
    const { sessions: open, problems } = sessions.listOpen({ finished: true });
    for (const problem of problems) env.ui.notice(problem);
    if (open.length === 0) {
      throw new TriageError('session/none', 'There is no interrupted case to resume.', { hint: 'Start one with `triage run <playbook>` or just `triage`.' });
    }
    record = open[0]!;
  }
  if (record.status !== 'open') {
    // A finished case whose session is still here never made it into the history (a crash or a
    // kill between the two, or a full disk): hand it back so the caller records and prints it.
    if (record.report && record.outcome) {
      env.ui.notice(`Case ${record.id} had reached an outcome but was not recorded in the history; recording it now.`);
      return {
        record,
        report: record.report as unknown as FinishedCase['report'],
        reply: record.reply ?? null,
        outcome: { kind: record.outcome.kind, title: record.outcome.title, node: record.outcome.node },
        // Redacted when it finished; what was found then is not kept.
        redactions: [],
      };
    }
    throw new TriageError('session/finished', `Case ${record.id} already reached an outcome.`, { hint: `See it with \`triage cases show ${record.id}\`.` });
  }
  if (!env.library.get(record.playbook.id)) {
    throw new TriageError('playbook/unknown', `Case ${record.id} used playbook ${record.playbook.id}, which is no longer loaded.`, {
      hint: 'Add its directory with --playbooks, or start a new case.',
    });
  }
  // Refuse untrusted commands before anything else is decided (or asked) about the case.
  assertRunAllowed(record.playbook.id, env);
  let state: FlowState = { playbook: record.playbook.id, inputs: record.inputs };
  let prefill: Record<string, AnswerValue> = {};
  // Replaying validates the saved inputs against the current playbook version.
  try {
    viewFlow(env.library, state);
    env.ui.notice(`Resuming case ${record.id} (${record.playbook.title}), ${record.inputs.length} answer${record.inputs.length === 1 ? '' : 's'} so far.`);
    ({ state, prefill } = withoutStoredSecrets(env.library, state, env.ui, record.id, Boolean(env.prompter)));
  } catch (error) {
    if (error instanceof TriageError && error.code === 'session/secret-needed') throw error;
    throw new TriageError('session/stale', `Case ${record.id} cannot be resumed: the playbook changed since it was saved (${(error as Error).message}).`, {
      hint: `Start again with \`triage run ${record.playbook.id}\`.`,
    });
  }
  return continueCase(record, state, prefill, env, { resumed: true, canLeave: false });
}

/**
 * A saved session never holds a secret: its answer is `[REDACTED]`, which must not reach a check
 * as if it were the value. Resuming goes back to the first such answer, so it is asked again; the
 * answers given after it are offered again as prefilled answers (they still apply if they fit).
 */
function withoutStoredSecrets(
  library: PlaybookLibrary,
  state: FlowState,
  ui: RunUi,
  caseId: string,
  canAsk: boolean,
): { state: FlowState; prefill: Record<string, AnswerValue> } {
  const view = viewFlow(library, state);
  const secret = new Set(view.secretKeys);
  const cut = state.inputs.findIndex((input) => input.kind === 'ask' && secret.has(input.key) && input.value === REDACTED);
  if (cut < 0) return { state, prefill: {} };
  const prefill: Record<string, AnswerValue> = {};
  for (const input of state.inputs.slice(cut + 1)) {
    if (input.kind === 'ask' && !secret.has(input.key)) prefill[input.key] = input.value;
    else if (input.kind === 'env') prefill[input.key] = input.value;
    else if (input.kind === 'choice') prefill[input.node] = input.label;
  }
  const key = (state.inputs[cut] as { key: string }).key;
  if (!canAsk) {
    // The session stays as it is: nothing is cut back until someone can answer again.
    throw new TriageError('session/secret-needed', `Case ${caseId} needs more answer (${key}): a secret answer is never saved, so it is asked again, and \`triage resume\` asks it only in a terminal.`, {
      exitCode: EXIT.usage,
      hint: `Run \`triage resume ${caseId}\` in a terminal.`,
    });
  }
  ui.notice(`The answer to "${key}" is secret and was not saved; it is asked again.`);
  return { state: { playbook: state.playbook, inputs: state.inputs.slice(0, cut) }, prefill };
}

type TrustInputs = Pick<RunEnvironment, 'library' | 'packageRoot' | 'trustedDirs' | 'allowCommands'>;

function trustCheckFor(env: TrustInputs): (playbook: Playbook) => boolean {
  return createTrustCheck({ bundledDir: join(env.packageRoot, 'playbooks'), trustedDirs: env.trustedDirs, allowCommands: env.allowCommands });
}

/**
 * Exit 2 when the playbook (or one it links to) would run commands from an untrusted directory.
 * The terminal side calls this before the intake, so the agent does not type it all in vain.
 */
export function assertRunAllowed(playbookId: string, env: TrustInputs): void {
  const start = env.library.get(playbookId);
  if (start) assertCommandsAllowed(env.library, start, trustCheckFor(env));
}

async function continueCase(
  record: CaseRecord,
  state: FlowState,
  prefill: Readonly<Record<string, AnswerValue>>,
  env: RunEnvironment,
  options: { resumed: boolean; canLeave: boolean },
): Promise<FinishedCase> {
  const start = env.library.get(state.playbook)!;
  const isTrusted = trustCheckFor(env);
  assertCommandsAllowed(env.library, start, isTrusted);
  const sessions: SessionStore = openSessionStore(env.dataDir);
  // What --env-file gave, what an earlier session had pasted, and what is pasted now.
  let attached: Record<string, string> = { ...env.attachedEnv, ...record.attachedEnv };
  let current = state;
  const save = (next: FlowState): void => {
    current = next;
    const attachedEnv = Object.keys(attached).length > 0 ? { attachedEnv: createSecretsOnlyRedactor().redactDeep(attached) } : {};
    record = { ...record, ...attachedEnv, inputs: redactSessionInputs(env.library, next), updatedAt: env.clock().toISOString() };
    // The intake (description, name) is kept in memory as typed; on disk without secrets.
    sessions.save({ ...record, intake: createSecretsOnlyRedactor().redactDeep(record.intake) });
  };
  save(state);
  env.onCase?.(record.id);
  const finalState = await driveFlow(state, { ...attached, ...prefill }, {
    library: env.library,
    prompter: env.prompter,
    ui: env.ui,
    captureProbes: (fields, playbook) => env.captureProbes(fields, { trusted: isTrusted(playbook) }),
    // The runner knows "exited 0 in time"; the check block's `expect` decides pass or fail.
    runCheck: async (argv, checkOptions) =>
      checkOptions.check.probe
        ? runProbeCheck(checkOptions.check, argv, env.probes ?? noProbes)
        : applyCheckExpect(checkOptions.check, await env.runCommand(argv, { timeoutMs: checkOptions.timeoutMs })),
    save,
    attach: (values) => {
      attached = { ...attached, ...values };
      save(current);
    },
    ...(options.resumed ? { resumedCase: record.id } : {}),
    ...(record.replayOf ? { acceptStandIn: isRedactionStandIn } : {}),
    canLeave: options.canLeave,
    description: record.intake.description,
  });
  const facts = await askCaseFacts(record, finalState, prefill, { ...attached, ...prefill }, env);
  if (facts !== undefined) record = { ...record, intake: { ...record.intake, facts } };
  const finished = finishCase({ record, state: finalState, library: env.library, settings: env.settings, finishedAt: env.clock(), attachedEnv: attached });
  sessions.save(finished.record);
  return finished;
}

/**
 * Before a bug or escalation report is final: scope, frequency and when it started, when the
 * playbook did not ask them. Interactive: asked once each, skippable (Enter), with what the
 * description suggests offered for confirmation. Non-interactive: only what the answers give.
 */
async function askCaseFacts(
  record: CaseRecord,
  state: FlowState,
  prefill: Readonly<Record<string, AnswerValue>>,
  given: Readonly<Record<string, AnswerValue>>,
  env: RunEnvironment,
): Promise<CaseFacts | undefined> {
  const view = viewFlow(env.library, state);
  if (view.pending.kind !== 'outcome' || (view.pending.outcome.kind !== 'bug' && view.pending.outcome.kind !== 'escalate')) return undefined;
  const facts: CaseFacts = { ...record.intake.facts };
  const suggested = detectCaseFacts(record.intake.description);
  let asked = false;
  for (const key of CASE_FACT_KEYS) {
    const known = view.answers[key] ?? view.env[key] ?? facts[key];
    if (known !== undefined && String(known).trim() !== '') continue;
    const value = given[key] ?? prefill[key];
    if (value !== undefined && String(value).trim() !== '') {
      facts[key] = String(value).trim();
      continue;
    }
    if (!env.prompter) continue;
    if (!asked) env.ui.notice('Before the report is final (Enter skips a question):');
    asked = true;
    const answer = await env.prompter.text(CASE_FACT_PROMPTS[key], { allowBack: false, ...(suggested[key] ? { default: suggested[key], hint: 'from the description; clear it to leave it out' } : { hint: 'optional' }) });
    if (typeof answer === 'string' && answer.trim() !== '') facts[key] = answer.trim();
  }
  return Object.keys(facts).length > 0 ? facts : undefined;
}
