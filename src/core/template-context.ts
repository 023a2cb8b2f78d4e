/**
 * The variables a reply block, report field or phrase can use. Built once per case from data the
 * caller already has; secrets are replaced before any template can see them.
 */
import type { Intake } from './case-record.js';
import type { ActionRecord, AnswerValue } from './flow-types.js';
import type { ActionStatus, Channel, Mood, OutcomeKind } from './model.js';
import type { Signal } from './signals.js';

/** What a secret looks like in every output. */
export const REDACTED = '[REDACTED]';

export interface TemplateContextInput {
  readonly caseId: string;
  readonly intake: Intake;
  readonly agent: { readonly name?: string; readonly title?: string };
  readonly company: { readonly name?: string };
  readonly playbook: { readonly id: string; readonly title: string; readonly version: string };
  readonly outcome: { readonly kind: OutcomeKind; readonly title: string };
  readonly answers: Readonly<Record<string, AnswerValue>>;
  readonly env: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  /** Results of the actions confirmed on the way (absent: none). */
  readonly actions?: readonly Pick<ActionRecord, 'key' | 'status' | 'reference'>[];
}

/**
 * What `actions.<key>` holds. Only confirmed actions are present, so `{% if actions.x.done %}` is
 * false for an action the run never reached. Keep in step with ACTION_TEMPLATE_PROPERTIES.
 */
export interface ActionTemplateValue {
  readonly status: ActionStatus;
  readonly done: boolean;
  readonly failed: boolean;
  readonly not_needed: boolean;
  readonly reference?: string;
}

/**
 * Names that may be unknown are absent rather than '' so both `{% if customer.name %}` and
 * `| default:` work (in Liquid '' is truthy). The lint's list of known variables lives in
 * template-variables.ts (TEMPLATE_OBJECTS).
 */
export interface TemplateContext {
  readonly customer: {
    readonly name?: string;
    /** The first word of the name, for "Hi Dana," greetings (see firstName). */
    readonly first_name?: string;
    readonly mood: Mood;
    readonly channel: Channel;
    readonly description: string;
    /** Confirmed signals (`{% if customer.signals contains "deadline" %}`); [] when none. */
    readonly signals: readonly Signal[];
    /** The account id or email the agent recorded, when known. */
    readonly account?: string;
  };
  readonly agent: { readonly name?: string; readonly title?: string };
  readonly company: { readonly name?: string };
  readonly case: { readonly id: string };
  readonly playbook: { readonly id: string; readonly title: string; readonly version: string };
  readonly outcome: { readonly kind: OutcomeKind; readonly title: string };
  /**
   * Answers by key, secrets as `[REDACTED]`. Lists stay lists (so `{% for %}` and `contains`
   * work) and print joined with ", "; booleans print as yes/no (see templates.ts).
   */
  readonly answers: Readonly<Record<string, AnswerValue>>;
  readonly env: Readonly<Record<string, string>>;
  /** Confirmed actions by key: `{{ actions.refund.reference }}`, `{% if actions.refund.done %}`. */
  readonly actions: Readonly<Record<string, ActionTemplateValue>>;
}

/** A trimmed non-empty string, or undefined (for optional names and settings). */
export function present(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

/** Answers with every secret key's value replaced by `[REDACTED]`. */
export function redactAnswers(
  answers: Readonly<Record<string, AnswerValue>>,
  secretKeys: readonly string[],
): Record<string, AnswerValue> {
  const secret = new Set(secretKeys);
  const result: Record<string, AnswerValue> = {};
  for (const [key, value] of Object.entries(answers)) {
    result[key] = secret.has(key) ? REDACTED : Array.isArray(value) ? [...value] : value;
  }
  return result;
}

const HONORIFIC = /^(mr|mrs|ms|miss|mx|dr|prof|sir|dame|fr|rev)\.?$/i;

/**
 * What to call someone in "Hi …,": the first word of the name, unless that would read wrong
 * ("Hi Dr.,", "Hi Whitfield,"): then the whole name.
 */
export function firstName(name: string): string {
  const first = name.split(/\s+/)[0] ?? name;
  return HONORIFIC.test(first) || name.includes(',') ? name : first;
}

/** Drops undefined properties so a context holds only what is known (own, plain data). */
function known<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function buildTemplateContext(input: TemplateContextInput): TemplateContext {
  const name = present(input.intake.customer.name);
  return {
    customer: known({
      name,
      first_name: name === undefined ? undefined : firstName(name),
      mood: input.intake.customer.mood,
      channel: input.intake.customer.channel,
      description: input.intake.description.trim(),
      signals: [...(input.intake.customer.signals ?? [])],
      account: present(input.intake.customer.account),
    }),
    agent: known({ name: present(input.agent.name), title: present(input.agent.title) }),
    company: known({ name: present(input.company.name) }),
    case: { id: input.caseId },
    playbook: { id: input.playbook.id, title: input.playbook.title, version: input.playbook.version },
    outcome: { kind: input.outcome.kind, title: input.outcome.title },
    answers: redactAnswers(input.answers, input.secretKeys),
    env: { ...input.env },
    actions: actionValues(input.actions ?? []),
  };
}

export function actionValues(actions: readonly Pick<ActionRecord, 'key' | 'status' | 'reference'>[]): Record<string, ActionTemplateValue> {
  const values: Record<string, ActionTemplateValue> = {};
  for (const action of actions) {
    values[action.key] = known({
      status: action.status,
      done: action.status === 'done',
      failed: action.status === 'failed',
      not_needed: action.status === 'not-needed',
      reference: present(action.reference),
    });
  }
  return values;
}
