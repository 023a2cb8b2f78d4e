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
import { buildReplayCommand, buildReport, caseTemplateContext } from '../core/report.js';
import { createReportRedactor, createSecretsOnlyRedactor, type MachineIdentity } from '../core/redaction-profiles.js';
import type { RedactionFinding } from '../core/redact.js';
import type { FinishedCase } from '../core/finished-case.js';

export type { FinishedCase };

export interface FinishSettings {
  readonly agentName?: string;
  readonly agentTitle?: string;
  readonly companyName?: string;
  readonly signoff?: string;
  readonly phrases: PhraseBank;
  /** False only with the loud --no-redact. */
  readonly redact: boolean;
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
  let report = buildReport({
    ...contextInput,
    startPlaybook,
    inputs: input.state.inputs,
    reply: reply ?? undefined,
    startedAt: record.startedAt,
    finishedAt,
  });
  let redactions: RedactionFinding[] = [];
  if (settings.redact) {
    // The reply goes to the customer: only secrets come out. The report goes to trackers:
    // secrets and personal data, with consistent tokens so engineers can still follow it.
    const secretValues = view.secretKeys.map((k) => view.answers[k]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
    const replyRedactor = createSecretsOnlyRedactor(secretValues);
    reply = reply === null ? null : replyRedactor.redactText(reply);
    // The replay command is rebuilt from redacted inputs rather than redacted as one string:
    // `--answer 'old-password=Still rejected'` reads like a password assignment to a redactor.
    const redactor = createReportRedactor(settings.machine, secretValues);
    const inputs = redactor.redactDeep(input.state.inputs);
    report = { ...redactor.redactDeep({ ...report, reply, replay: '' }), replay: buildReplayCommand({ ...contextInput, startPlaybook, inputs }) };
    redactions = mergeFindings([...redactor.findings(), ...replyRedactor.findings()]);
  }
  const closed: CaseRecord = {
    ...record,
    status: 'done',
    outcome: { kind: outcome.kind, node: outcomeNode.id, title: outcome.title, playbook: finalPlaybook.id },
    report: report as unknown as Record<string, unknown>,
    reply: reply ?? undefined,
    updatedAt: finishedAt,
    finishedAt,
    durationMs: report.duration_ms,
  };
  return { record: closed, report, reply, outcome: { kind: outcome.kind, title: outcome.title, node: outcomeNode.id }, redactions };
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
