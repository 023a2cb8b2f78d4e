/**
 * The `triage.report/v1` object: what a run found, in a shape bug trackers and tier-2 engineers
 * can act on without having spoken to the customer. Pure: the caller passes the timestamps, the
 * reply and the flow's derived view; the builder never reads a clock or a file.
 *
 * Choices documented in docs (report section):
 * - `playbook` is the playbook the outcome is in (its title makes the default report title);
 *   `started_in` names the playbook the run started in, which `replay` runs.
 * - `severity` is the report block's, else the playbook's default for `bug` and `escalate`
 *   outcomes, else null: a feature request or a resolved question has no fault to rate.
 * - `replay` leaves out `detect`/`run` env values and check results: they are captured again on
 *   the machine that replays, which is the point of replaying.
 */
import type { Intake } from './case-record.js';
import { formatAnswerValue } from './answer-values.js';
import type { AnswerValue, FlowInput, FlowView } from './flow-types.js';
import type { ActionStatus, Channel, Mood, OutcomeKind, Playbook, PlaybookNode, Severity } from './model.js';
import { buildTemplateContext, present, redactAnswers, REDACTED, type TemplateContext } from './template-context.js';
import { renderTemplate } from './templates.js';
import { escapeRegExp } from './escape-regexp.js';
import { detectSignals, type Signal } from './signals.js';
import { isUncertainOs, reconcileOs, statedOperatingSystem } from './user-agent.js';

export const REPORT_SCHEMA = 'triage.report/v1';

export interface ReportPathStep {
  readonly playbook: string;
  readonly node: string;
  readonly title: string;
  readonly said: string;
  readonly answer: string;
}

/** An action the agent confirmed during the run (its latest result). */
export interface ReportAction {
  readonly key: string;
  /** The instruction the agent was given. */
  readonly do: string;
  readonly status: ActionStatus;
  readonly reference: string | null;
}

/** Field order here is the order of the JSON output. */
export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly case: { readonly id: string };
  readonly playbook: { readonly id: string; readonly version: string; readonly title: string; readonly path: string };
  readonly started_in: { readonly id: string; readonly version: string };
  readonly outcome: { readonly kind: OutcomeKind; readonly node: string; readonly title: string };
  readonly title: string;
  readonly severity: Severity | null;
  readonly component: string | null;
  readonly labels: readonly string[];
  readonly customer: {
    readonly name: string | null;
    readonly channel: Channel;
    readonly mood: Mood;
    readonly account: string | null;
    readonly signals: readonly Signal[];
  };
  readonly agent: string | null;
  readonly description: string;
  /** From the reserved keys `scope` / `frequency` / `started` (answers or env) when known; else null. */
  readonly scope: string | null;
  readonly frequency: string | null;
  readonly started: string | null;
  readonly environment: Readonly<Record<string, string>>;
  readonly answers: Readonly<Record<string, AnswerValue>>;
  /** What the agent was asked to do on the way and what they confirmed; [] when nothing. */
  readonly actions: readonly ReportAction[];
  readonly path: readonly ReportPathStep[];
  readonly steps_to_reproduce: readonly string[];
  readonly expected: string | null;
  readonly actual: string;
  readonly reply: string | null;
  readonly replay: string;
  /** The case this one replays (recorded by `--replay-of`), else null. */
  readonly replay_of: string | null;
  readonly started_at: string;
  readonly finished_at: string;
  readonly duration_ms: number;
}

export interface ReportSettings {
  readonly agentName?: string;
  readonly agentTitle?: string;
  readonly companyName?: string;
  readonly signoff?: string;
}

export interface ReportInput {
  readonly caseId: string;
  /** The playbook the run started in (replay runs it). */
  readonly startPlaybook: Pick<Playbook, 'id' | 'version' | 'env'>;
  /** The playbook the outcome is in. */
  readonly finalPlaybook: Playbook;
  readonly outcomeNode: PlaybookNode;
  readonly view: Pick<FlowView, 'answers' | 'env' | 'path' | 'secretKeys'> & Partial<Pick<FlowView, 'actions'>>;
  readonly inputs: readonly FlowInput[];
  readonly intake: Intake;
  readonly settings: ReportSettings;
  readonly reply?: string;
  /** Set when this run is a replay of another case. */
  readonly replayOf?: string;
  /**
   * A node's reproduction line (its `repro` block, rendered), when it has one: the steps to
   * reproduce use it instead of the question and answer.
   */
  readonly reproLine?: (step: { readonly playbook: string; readonly node: string }, context: TemplateContext) => string | undefined;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
}

export type CaseContextInput = Pick<ReportInput, 'caseId' | 'finalPlaybook' | 'outcomeNode' | 'view' | 'intake' | 'settings'>;

function outcomeOf(node: PlaybookNode) {
  if (node.outcome === undefined) throw new Error(`node "${node.id}" is not an outcome`);
  return node.outcome;
}

/** The template variables for a finished case: the same for the reply and the report fields. */
export function caseTemplateContext(input: CaseContextInput): TemplateContext {
  return buildTemplateContext({
    caseId: input.caseId,
    intake: input.intake,
    agent: { name: input.settings.agentName, title: input.settings.agentTitle },
    company: { name: input.settings.companyName },
    playbook: input.finalPlaybook,
    outcome: outcomeOf(input.outcomeNode),
    answers: input.view.answers,
    env: input.view.env,
    secretKeys: input.view.secretKeys,
    actions: input.view.actions ?? [],
  });
}

// ---------------------------------------------------------------------------------------------
// Text helpers

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Ends a sentence with a full stop unless it already ends in punctuation. */
function sentence(text: string): string {
  const t = oneLine(text);
  return t === '' || /[.!?:…)"”']$/.test(t) ? t : `${t}.`;
}

/** Values of secret answers, to blank them from free text (path answers, scripts). */
function secretValues(answers: Readonly<Record<string, AnswerValue>>, secretKeys: readonly string[]): string[] {
  const values: string[] = [];
  for (const key of secretKeys) {
    const value = answers[key];
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = String(item);
      // Very short values ("1", "no") would blank unrelated text; they are redacted by key below.
      if (text.length >= 4 && text !== REDACTED) values.push(text);
    }
  }
  return values.sort((a, b) => b.length - a.length);
}

function redactText(text: string, secrets: readonly string[], secretKeys: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join(REDACTED);
  // The engine records an ask as `key: value`; blank the value of a secret key whatever its length.
  for (const key of secretKeys) {
    result = result.replace(new RegExp(`(^|[;,\\n]\\s*)(${escapeRegExp(key)}): (?!\\[REDACTED\\])[^;,\\n]*`, 'g'), `$1$2: ${REDACTED}`);
  }
  return result;
}

/** `path` of a playbook relative to its directory, with `/` separators: the same on every machine. */
export function portablePath(path: string, dir: string): string {
  const file = path.replace(/\\/g, '/');
  const base = dir.replace(/\\/g, '/').replace(/\/+$/, '');
  if (base !== '' && file.startsWith(`${base}/`)) return file.slice(base.length + 1);
  const parts = file.split('/');
  return parts[parts.length - 1] ?? file;
}

// ---------------------------------------------------------------------------------------------
// Replay

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX shell quoting: safe words as they are, everything else in single quotes. */
export function shellQuote(arg: string, always = false): string {
  if (!always && SHELL_SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A shell word as `shellQuote` writes it: `'…'` (with `'\\''` for a quote inside) or a bare word. */
const SHELL_WORD = /'[^']*'(?:\\''[^']*')*|[^\s']+/g;

/**
 * A replay line with the value of each word redacted and quoted again. Redacting the line as one
 * string would leave a bare `--account [EMAIL-1]`: a glob to the shell (zsh stops on it). Quoted
 * words stay quoted, so `--answer` values keep their form.
 */
export function redactShellWords(line: string, redact: (value: string) => string): string {
  return line.replace(SHELL_WORD, (word) => {
    const quoted = word.startsWith("'");
    const value = quoted ? word.slice(1, -1).replace(/'\\''/g, "'") : word;
    const redacted = redact(value);
    return redacted === value ? word : shellQuote(redacted, quoted);
  });
}

/** The stored report redacted for another profile: every text, and the replay line word by word. */
export function redactReport(report: Report, redactor: { redactDeep<T>(value: T): T; redactText(text: string): string }): Report {
  return { ...redactor.redactDeep({ ...report, replay: '' }), replay: redactShellWords(report.replay, (value) => redactor.redactText(value)) };
}

/** How `--answer` spells a value (the forms answer-values.ts parses back). */
function answerArg(value: AnswerValue): string {
  if (Array.isArray(value)) return value.join(',');
  return formatAnswerValue(value);
}

/** What a redacted value looks like: a replay line carries these where the real value was removed. */
export const REDACTION_STAND_IN = /\[(?:REDACTED|EMAIL-\d+|IP-\d+|PHONE-\d+|ACCOUNT-\d+|HOST)\]/;

/**
 * A `triage run` command that replays the run on any machine with the same playbooks: the intake
 * and every agent input in order, as given (the caller passes redacted inputs and intake; secret
 * answers become `[REDACTED]`). It never names this case's id: `--replay-of` records a new case
 * linked to this one, and tells run that redaction stand-ins (`[EMAIL-1]`, `[REDACTED]`) stand for
 * values that passed the playbook's checks when the case ran.
 */
export function buildReplayCommand(input: Pick<ReportInput, 'caseId' | 'startPlaybook' | 'inputs' | 'intake' | 'view'>): string {
  const secret = new Set(input.view.secretKeys);
  const args = ['triage', 'run', shellQuote(input.startPlaybook.id), '--no-input', '--replay-of', shellQuote(input.caseId)];
  const { customer, description } = input.intake;
  const name = present(customer.name);
  if (name !== undefined) args.push('--customer', shellQuote(name));
  const account = present(customer.account);
  if (account !== undefined) args.push('--account', shellQuote(account));
  args.push('--channel', customer.channel, '--mood', customer.mood);
  if (description.trim()) args.push('--description', shellQuote(description.trim()));
  // The confirmed signals, not what the description suggests: `none` when the agent cleared them.
  const signals = customer.signals ?? [];
  if (signals.length > 0) args.push('--signal', signals.join(','));
  else if (customer.signals !== undefined && detectSignals(description).length > 0) args.push('--signal', 'none');
  for (const item of input.inputs) {
    let pair: string | undefined;
    if (item.kind === 'env') pair = `${item.key}=${item.value}`;
    else if (item.kind === 'ask') pair = `${item.key}=${secret.has(item.key) ? REDACTED : answerArg(item.value)}`;
    else if (item.kind === 'choice') pair = `${item.node}=${item.label}`;
    else if (item.kind === 'action') {
      args.push('--answer', shellQuote(`${item.key}=${item.status}`, true));
      if (item.reference !== undefined) pair = `${item.key}.reference=${item.reference}`;
    }
    if (pair !== undefined) args.push('--answer', shellQuote(pair, true));
  }
  return args.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Steps to reproduce

/** A step without a repro line: the question and the answer (`Which format fails? PDF.`). */
function describeStep(step: ReportPathStep): string {
  const title = oneLine(step.title);
  const answer = oneLine(step.answer);
  if (answer === '') return sentence(title);
  if (title.endsWith('?')) return `${title} ${sentence(answer)}`;
  return `${title.replace(/[.:;,]+$/, '')}: ${sentence(answer)}`;
}

/**
 * Numbered-list items an engineer can follow: the environment as a precondition, then each
 * visited node as an action (its repro line when the node has one, else the question and the
 * answer), then what was observed at the outcome. The agent's script stays in the path table.
 */
export function buildStepsToReproduce(
  environment: Readonly<Record<string, string>>,
  path: readonly ReportPathStep[],
  outcomeNode: string,
  actual: string,
  repro: (step: ReportPathStep, index: number) => string | undefined = () => undefined,
): string[] {
  const steps: string[] = [];
  const env = Object.entries(environment).filter(([, value]) => value.trim() !== '');
  if (env.length > 0) steps.push(`Environment: ${env.map(([key, value]) => `${key} = ${oneLine(value)}`).join(', ')}.`);
  for (const [index, step] of path.entries()) {
    if (step.node === outcomeNode && index === path.length - 1) continue;
    const line = repro(step, index);
    steps.push(line !== undefined && line.trim() !== '' ? sentence(line) : describeStep(step));
  }
  steps.push(`Observe: ${sentence(actual)}`);
  return steps;
}

// ---------------------------------------------------------------------------------------------

/**
 * Environment in a stable order whatever order probes finished in: the playbooks' declared fields
 * (a User-Agent field followed by its `_os`/`_device` parts), then anything else by key.
 */
function orderEnvironment(env: Readonly<Record<string, string>>, playbooks: readonly Pick<Playbook, 'env'>[]): Record<string, string> {
  const ordered: Record<string, string> = {};
  const take = (key: string): void => {
    const value = env[key];
    if (value !== undefined && !Object.hasOwn(ordered, key)) ordered[key] = value;
  };
  for (const playbook of playbooks) {
    for (const field of playbook.env) {
      take(field.key);
      take(`${field.key}_os`);
      take(`${field.key}_device`);
    }
  }
  for (const key of Object.keys(env).sort()) take(key);
  return ordered;
}

/**
 * A User-Agent's OS (`<key>_os`) that it cannot settle (Windows 10 or 11, a frozen macOS) gives
 * way to what the customer stated: an `os` answer or env value, else their description.
 */
function withStatedOs(env: Record<string, string>, answers: Readonly<Record<string, AnswerValue>>, description: string): Record<string, string> {
  const statedAnswer = answers.os ?? answers.operating_system;
  const stated = (statedAnswer !== undefined ? formatAnswerValue(statedAnswer) : undefined) || env.os || env.operating_system || statedOperatingSystem(description);
  if (stated === undefined || stated.trim() === '') return env;
  const result = { ...env };
  for (const [key, value] of Object.entries(env)) {
    if (key.endsWith('_os') && isUncertainOs(value)) result[key] = reconcileOs(value, stated);
  }
  return result;
}

function durationMs(startedAt: string, finishedAt: string): number {
  const start = Date.parse(startedAt);
  const end = Date.parse(finishedAt);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new Error(`invalid timestamps: ${startedAt} / ${finishedAt}`);
  return Math.max(0, end - start);
}

/** A reserved key (`scope`, `frequency`, `started`): an answer, else an env value, else unknown. */
function answerText(answers: Readonly<Record<string, AnswerValue>>, key: string, env: Readonly<Record<string, string>> = {}): string | null {
  const value = answers[key] ?? env[key];
  if (value === undefined) return null;
  const text = formatAnswerValue(value).trim();
  return text === '' ? null : text;
}

export function buildReport(input: ReportInput): Report {
  const { finalPlaybook: playbook, outcomeNode: node, intake } = input;
  const outcome = outcomeOf(node);
  const block = node.report;
  const context = caseTemplateContext(input);
  const render = (template: string | undefined, field: string): string | null => {
    if (template === undefined) return null;
    const text = renderTemplate(template, context, { file: playbook.path, line: block?.line, what: `report ${field}` }).trim();
    return text === '' ? null : text;
  };

  const secrets = secretValues(input.view.answers, input.view.secretKeys);
  const clean = (text: string): string => redactText(text, secrets, input.view.secretKeys);
  const answers = redactAnswers(input.view.answers, input.view.secretKeys);
  const environment = withStatedOs(orderEnvironment(input.view.env, [input.startPlaybook, playbook]), answers, intake.description);
  const path = input.view.path.map((step) => ({
    playbook: step.playbook,
    node: step.node,
    title: step.title,
    said: clean(step.said),
    answer: clean(step.answer),
  }));
  const title = oneLine(render(block?.title, 'title') ?? '') || `${playbook.title}: ${outcome.title}`;
  const expected = render(block?.expected, 'expected');
  const actual = render(block?.actual, 'actual') ?? outcome.title;
  const severity = block?.severity ?? (outcome.kind === 'bug' || outcome.kind === 'escalate' ? playbook.severity : null);

  return {
    schema: REPORT_SCHEMA,
    case: { id: input.caseId },
    playbook: { id: playbook.id, version: playbook.version, title: playbook.title, path: portablePath(playbook.path, playbook.dir) },
    started_in: { id: input.startPlaybook.id, version: input.startPlaybook.version },
    outcome: { kind: outcome.kind, node: node.id, title: outcome.title },
    title: clean(title),
    severity,
    component: block?.component?.trim() || null,
    labels: [...(block?.labels ?? [])],
    customer: {
      name: present(intake.customer.name) ?? null,
      channel: intake.customer.channel,
      mood: intake.customer.mood,
      account: present(intake.customer.account) ?? null,
      signals: [...(intake.customer.signals ?? [])],
    },
    agent: context.agent.name ?? null,
    description: clean(intake.description.trim()),
    scope: answerText(answers, 'scope', environment) ?? (intake.facts?.scope?.trim() ? clean(intake.facts.scope.trim()) : null),
    frequency: answerText(answers, 'frequency', environment) ?? (intake.facts?.frequency?.trim() ? clean(intake.facts.frequency.trim()) : null),
    started: answerText(answers, 'started', environment) ?? (intake.facts?.started?.trim() ? clean(intake.facts.started.trim()) : null),
    environment,
    answers,
    actions: (input.view.actions ?? []).map((action) => ({
      key: action.key,
      do: action.do,
      status: action.status,
      reference: action.reference === undefined ? null : clean(action.reference),
    })),
    path,
    steps_to_reproduce: buildStepsToReproduce(environment, path, node.id, clean(actual), (step) => {
      const line = input.reproLine?.(step, context);
      return line === undefined ? undefined : clean(line);
    }),
    expected: expected === null ? null : clean(expected),
    actual: clean(actual),
    reply: input.reply === undefined || input.reply.trim() === '' ? null : clean(input.reply),
    replay: buildReplayCommand(input),
    replay_of: input.replayOf ?? null,
    started_at: input.startedAt,
    finished_at: input.finishedAt,
    duration_ms: durationMs(input.startedAt, input.finishedAt),
  };
}
