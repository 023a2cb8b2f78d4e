/**
 * Checks that a value read from outside (a `cases import` line) is a CaseRecord the store and the
 * renderers can rely on. Unknown keys are kept (a newer triage may add some); what is checked is
 * what the history indexes and shows.
 */
import * as v from 'valibot';
import type { CaseRecord } from './case-record.js';
import { CHANNELS, MOODS, OUTCOME_KINDS } from './model.js';
import { HELPDESK_PROVIDERS } from './helpdesk.js';

const isoTime = v.pipe(
  v.string(),
  v.check((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time'),
);

const input = v.looseObject({
  kind: v.picklist(['probes', 'env', 'ask', 'choice', 'check']),
});

const caseRecordSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(200, 'is longer than 200 characters')),
  status: v.picklist(['open', 'done']),
  playbook: v.looseObject({ id: v.string(), version: v.string(), title: v.string(), path: v.string() }),
  intake: v.looseObject({
    customer: v.looseObject({ name: v.optional(v.string()), channel: v.picklist(CHANNELS), mood: v.picklist(MOODS) }),
    description: v.string(),
  }),
  agent: v.optional(v.string()),
  inputs: v.array(input),
  outcome: v.optional(v.looseObject({ kind: v.picklist(OUTCOME_KINDS), node: v.string(), title: v.string(), playbook: v.string() })),
  report: v.optional(v.record(v.string(), v.unknown())),
  reply: v.optional(v.string()),
  startedAt: isoTime,
  updatedAt: isoTime,
  finishedAt: v.optional(isoTime),
  durationMs: v.optional(v.pipe(v.number(), v.minValue(0))),
  handoffs: v.array(v.looseObject({ to: v.string(), url: v.optional(v.string()), at: v.string() })),
  ticket: v.optional(v.looseObject({ provider: v.picklist(HELPDESK_PROVIDERS), id: v.string(), webUrl: v.optional(v.string()) })),
  posts: v.optional(
    v.array(
      v.looseObject({
        kind: v.picklist(['reply', 'note']),
        provider: v.picklist(HELPDESK_PROVIDERS),
        ticketId: v.string(),
        status: v.picklist(['pending', 'sent']),
        at: isoTime,
        remoteId: v.optional(v.string()),
      }),
    ),
  ),
});

export type CaseValidation = { readonly ok: true; readonly record: CaseRecord } | { readonly ok: false; readonly problem: string };

export function validateCaseRecord(value: unknown): CaseValidation {
  const result = v.safeParse(caseRecordSchema, value);
  if (result.success) return { ok: true, record: result.output as unknown as CaseRecord };
  const issue = result.issues[0];
  const path = v.getDotPath(issue) ?? '(the record)';
  return { ok: false, problem: `${path}: ${issue.message}` };
}
