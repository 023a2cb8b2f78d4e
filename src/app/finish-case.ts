/**
 * At the outcome: compose the reply, build the report, redact both, and close the case record.
 * Pure apart from what it is given; the clock reading comes in as `finishedAt`.
 */
import type { CaseRecord } from '../core/case-record.js';
import { viewFlow } from '../core/flow-engine.js';
import type { FlowState, PlaybookLibrary } from '../core/flow-types.js';
import { OUTCOME_KINDS, type OutcomeKind } from '../core/model.js';
import type { PhraseBank } from '../core/phrases.js';
import { composeReply } from '../core/reply.js';
import { buildReplayCommand, buildReport, caseTemplateContext, type Report } from '../core/report.js';
import {
  createProfileRedactor,
  createSecretsOnlyRedactor,
  DEFAULT_PROFILE,
  type MachineIdentity,
  type RedactionProfile,
} from '../core/redaction-profiles.js';
import type { RedactionFinding } from '../core/redact.js';
import { renderTemplate } from '../core/templates.js';
import type { FinishedCase } from '../core/finished-case.js';

export type { FinishedCase };

export interface FinishSettings {
  readonly agentName?: string;
  readonly agentTitle?: string;
  readonly companyName?: string;
  readonly signoff?: string;
  readonly phrases: PhraseBank;
  /** False only with the loud --no-redact: it affects the printed output, never the history. */
  readonly redact: boolean;
  /** The profile of the printed output (default `public`); the history always gets `internal`. */
  readonly profile?: RedactionProfile;
  /** This machine's home path and hostname, removed from reports. */
  readonly machine?: MachineIdentity;
}

/** Customer-facing outcomes get a reply even without a reply block: the wrapping alone. */
const REPLY_KINDS: readonly OutcomeKind[] = OUTCOME_KINDS;

export interface FinishInput {
  readonly record: CaseRecord;
  readonly state: FlowState;
  readonly library: PlaybookLibrary;
  readonly settings: FinishSettings;
  readonly finishedAt: Date;
  readonly attachedEnv: Readonly<Record<string, string>>;
}

export function finishCase(input: FinishInput): FinishedCase {
  const { record, settings } = input;
  const view = viewFlow(input.library, input.state);
  if (view.pending.kind !== 'outcome') throw new Error('finishCase called before the run reached an outcome');
  const { playbook: finalPlaybook, node: outcomeNode, outcome } = view.pending;
  const startPlaybook = input.library.get(input.state.playbook) ?? finalPlaybook;
  // Attached environment (--env-file) fills in what the playbooks did not capture themselves.
  const env = { ...input.attachedEnv, ...view.env };
  const reportSettings = { agentName: settings.agentName, agentTitle: settings.agentTitle, companyName: settings.companyName, signoff: settings.signoff };
  const contextInput = { caseId: record.id, finalPlaybook, outcomeNode, view: { ...view, env }, intake: record.intake, settings: reportSettings };

  let reply: string | null = null;
  if (REPLY_KINDS.includes(outcome.kind)) {
    reply = composeReply({
      kind: outcome.kind,
      block: outcomeNode.reply
        ? { template: outcomeNode.reply.template, full: outcomeNode.reply.full, timeline: outcomeNode.reply.timeline, line: outcomeNode.reply.line }
        : undefined,
      context: caseTemplateContext(contextInput),
      channel: record.intake.customer.channel,
      mood: record.intake.customer.mood,
      phrases: settings.phrases,
      signoff: settings.signoff,
      file: finalPlaybook.path,
    });
  }
  const finishedAt = input.finishedAt.toISOString();
  const raw = buildReport({
    ...contextInput,
    startPlaybook,
    inputs: input.state.inputs,
    reply: reply ?? undefined,
    ...(record.replayOf ? { replayOf: record.replayOf } : {}),
    reproLine: (step, context) => {
      const node = input.library.get(step.playbook)?.nodes.find((n) => n.id === step.node);
      const repro = node?.repro;
      if (repro === undefined) return undefined;
      return renderTemplate(repro.template, context, { file: input.library.get(step.playbook)?.path, line: repro.line, what: 'repro line' });
    },
    startedAt: record.startedAt,
    finishedAt,
  });
  // Secrets never leave in clear, whatever the profile (or --no-redact): the reply goes to the
  // customer with secrets removed; the replay line is rebuilt from redacted intake and inputs.
  const secretValues = view.secretKeys.map((k) => view.answers[k]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
  const replyRedactor = createSecretsOnlyRedactor(secretValues);
  const safeReply = reply === null ? null : replyRedactor.redactText(reply);
  const redactFor = (profile: RedactionProfile): { report: Report; intake: CaseRecord['intake']; findings: RedactionFinding[] } => {
    const redactor = createProfileRedactor(profile, { machine: settings.machine, secretValues, account: record.intake.customer.account });
    const intake = redactor.redactDeep(record.intake);
    // Rebuilt rather than redacted as one string: `--answer 'old-password=Still rejected'` reads
    // like a password assignment to a redactor.
    const inputs = redactor.redactDeep(input.state.inputs);
    const redacted = { ...redactor.redactDeep({ ...raw, reply: safeReply, replay: '' }), replay: buildReplayCommand({ ...contextInput, intake, startPlaybook, inputs }) };
    return { report: redacted, intake, findings: redactor.findings() };
  };
  const stored = redactFor(DEFAULT_PROFILE.history);
  let report: Report;
  let redactions: RedactionFinding[] = [];
  let profile: RedactionProfile | 'none';
  if (settings.redact) {
    profile = settings.profile ?? DEFAULT_PROFILE.output;
    const out = profile === DEFAULT_PROFILE.history ? stored : redactFor(profile);
    report = out.report;
    reply = safeReply;
    redactions = mergeFindings([...out.findings, ...replyRedactor.findings()]);
  } else {
    // --no-redact: this one output in clear, except the replay line (it is a command to share).
    profile = 'none';
    report = { ...raw, replay: stored.report.replay };
  }
  // The history gets the internal profile whatever was printed (--no-redact included).
  const closed: CaseRecord = {
    ...record,
    intake: stored.intake,
    inputs: redactSecretInputs(record.inputs, secretValues),
    status: 'done',
    outcome: { kind: outcome.kind, node: outcomeNode.id, title: outcome.title, playbook: finalPlaybook.id },
    report: stored.report as unknown as Record<string, unknown>,
    reply: safeReply ?? undefined,
    updatedAt: finishedAt,
    finishedAt,
    durationMs: report.duration_ms,
  };
  return { record: closed, report, reply, outcome: { kind: outcome.kind, title: outcome.title, node: outcomeNode.id }, redactions, profile };
}

/** Session inputs are already secret-free; a check that echoed a secret value is caught here too. */
function redactSecretInputs(inputs: CaseRecord['inputs'], secretValues: readonly string[]): CaseRecord['inputs'] {
  if (secretValues.length === 0) return inputs;
  return createSecretsOnlyRedactor(secretValues).redactDeep(inputs);
}

/** One line per distinct thing removed (the reply and report redactors may both see it). */
function mergeFindings(findings: readonly RedactionFinding[]): RedactionFinding[] {
  const byKey = new Map<string, RedactionFinding>();
  for (const f of findings) {
    const key = `${f.kind}\u0000${f.preview}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, count: Math.max(seen.count, f.count) } : f);
  }
  return [...byKey.values()];
}
