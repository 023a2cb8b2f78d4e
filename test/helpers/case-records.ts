/** CaseRecords for case-history tests: a finished case by default, every field overridable. */
import type { CaseRecord } from '../../src/core/case-record.js';
import type { OutcomeKind } from '../../src/core/model.js';

export interface CaseSpec {
  readonly id: string;
  readonly status?: 'open' | 'done';
  readonly playbook?: string;
  readonly customer?: string;
  readonly description?: string;
  readonly outcome?: OutcomeKind;
  readonly outcomeTitle?: string;
  readonly startedAt?: string;
  /** Minutes from start to finish (and to updatedAt). */
  readonly minutes?: number;
  readonly answers?: Readonly<Record<string, string>>;
  readonly reply?: string;
  readonly handoffTo?: string;
  readonly agent?: string;
}

export function caseRecord(spec: CaseSpec): CaseRecord {
  const status = spec.status ?? 'done';
  const startedAt = spec.startedAt ?? '2026-11-01T10:00:00.000Z';
  const durationMs = Math.round((spec.minutes ?? 5) * 60_000);
  const endedAt = new Date(Date.parse(startedAt) + durationMs).toISOString();
  const playbook = spec.playbook ?? 'login-problems';
  const kind = spec.outcome ?? 'resolved';
  const outcomeTitle = spec.outcomeTitle ?? `${kind} at the end of ${playbook}`;
  return {
    id: spec.id,
    status,
    playbook: { id: playbook, version: '1.0.0', title: `Title of ${playbook}`, path: `/playbooks/${playbook}.md` },
    intake: {
      customer: { ...(spec.customer === undefined ? {} : { name: spec.customer }), channel: 'email', mood: 'calm' },
      description: spec.description ?? 'Something does not work',
    },
    ...(spec.agent ? { agent: spec.agent } : {}),
    inputs: [
      { kind: 'probes', playbook, values: { os: 'linux' } },
      ...Object.entries(spec.answers ?? {}).map(([key, value]) => ({ kind: 'ask' as const, node: 'start', key, value })),
      { kind: 'choice', node: 'start', label: 'Yes, it fails' },
    ],
    ...(status === 'done'
      ? {
          outcome: { kind, node: 'end', title: outcomeTitle, playbook },
          report: {
            schema: 'triage.report/v1',
            title: `Report: ${outcomeTitle}`,
            expected: 'It works',
            actual: spec.description ?? 'Something does not work',
            steps_to_reproduce: ['Open the app', 'Sign in'],
          },
          reply: spec.reply ?? 'Hello, thanks for writing in.',
          finishedAt: endedAt,
          durationMs,
        }
      : {}),
    startedAt,
    updatedAt: endedAt,
    handoffs: spec.handoffTo ? [{ to: spec.handoffTo, at: endedAt }] : [],
  };
}
