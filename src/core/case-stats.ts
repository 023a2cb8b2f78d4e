/**
 * `cases stats` as data. The backends run the same four aggregate queries (counts, first contacts,
 * median rows, escalations); this turns their rows into one report, so both agree to the byte.
 *
 * First-contact resolution (FCR): for each customer and playbook, the first case ever recorded
 * (earliest start) is that customer's first contact about that problem. It counts as resolved on
 * first contact when it is finished with a resolving outcome (resolved, workaround, works as
 * designed) and was not escalated (no `escalate` outcome, no hand-off). FCR rate = such first
 * contacts / finished first contacts. Cases without a customer name cannot be linked to earlier
 * ones, so each is its own first contact. With `--since`, "first" is still judged over the whole
 * history; only first contacts that started inside the window are counted.
 */
import { OUTCOME_KINDS, type OutcomeKind } from './model.js';

/** Rows the backends return (numbers already converted from the driver's types). */
export interface CountRow {
  readonly playbook_id: string;
  readonly playbook_title: string;
  readonly status: 'open' | 'done';
  readonly outcome_kind: OutcomeKind | null;
  readonly escalated: 0 | 1;
  readonly n: number;
}
export interface FirstContactRow {
  readonly playbook_id: string;
  readonly first_contacts: number;
  readonly resolved: number;
}
/** The middle one or two durations per playbook (`playbook_id` null: over all playbooks). */
export interface MedianRow {
  readonly playbook_id: string | null;
  readonly duration_ms: number;
}
export interface EscalationRow {
  readonly playbook_id: string;
  readonly outcome_title: string;
  readonly handoff_to: string | null;
  readonly n: number;
  readonly last_ms: number;
}

export interface FcrStats {
  /** 0..1, or null when there is no finished first contact. */
  readonly rate: number | null;
  readonly resolved: number;
  readonly firstContacts: number;
}

export interface PlaybookStats {
  readonly playbook: string;
  readonly title: string;
  readonly cases: number;
  readonly open: number;
  readonly done: number;
  readonly outcomes: Readonly<Partial<Record<OutcomeKind, number>>>;
  readonly escalated: number;
  readonly fcr: FcrStats;
  readonly medianMs: number | null;
}

export interface CaseStats {
  readonly since?: string;
  readonly cases: number;
  readonly open: number;
  readonly done: number;
  /** Cases with an `escalate` outcome or a hand-off. */
  readonly escalated: number;
  readonly outcomes: Readonly<Record<OutcomeKind, number>>;
  readonly fcr: FcrStats;
  /** Median time from start to outcome over finished cases. */
  readonly medianMs: number | null;
  /** Most cases first, then by playbook id. */
  readonly playbooks: readonly PlaybookStats[];
  readonly topEscalations: readonly {
    readonly playbook: string;
    readonly outcome: string;
    readonly to?: string;
    readonly cases: number;
    readonly lastAt: string;
  }[];
}

export interface StatsRows {
  readonly counts: readonly CountRow[];
  readonly firstContacts: readonly FirstContactRow[];
  readonly medians: readonly MedianRow[];
  readonly escalations: readonly EscalationRow[];
}

function fcr(resolved: number, firstContacts: number): FcrStats {
  return { rate: firstContacts === 0 ? null : resolved / firstContacts, resolved, firstContacts };
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[0]! + sorted[sorted.length - 1]!) / 2);
}

export function buildCaseStats(rows: StatsRows, options: { readonly sinceMs?: number } = {}): CaseStats {
  const outcomes = Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as Record<OutcomeKind, number>;
  const byPlaybook = new Map<
    string,
    { title: string; cases: number; open: number; done: number; outcomes: Partial<Record<OutcomeKind, number>>; escalated: number }
  >();
  let open = 0;
  let done = 0;
  let escalated = 0;
  for (const row of rows.counts) {
    const entry = byPlaybook.get(row.playbook_id) ?? { title: row.playbook_title, cases: 0, open: 0, done: 0, outcomes: {}, escalated: 0 };
    byPlaybook.set(row.playbook_id, entry);
    entry.cases += row.n;
    if (row.status === 'open') {
      entry.open += row.n;
      open += row.n;
    } else {
      entry.done += row.n;
      done += row.n;
    }
    if (row.escalated) {
      entry.escalated += row.n;
      escalated += row.n;
    }
    if (row.outcome_kind) {
      entry.outcomes[row.outcome_kind] = (entry.outcomes[row.outcome_kind] ?? 0) + row.n;
      outcomes[row.outcome_kind] += row.n;
    }
  }
  const firstByPlaybook = new Map(rows.firstContacts.map((r) => [r.playbook_id, r]));
  const mediansByPlaybook = new Map<string | null, number[]>();
  for (const row of rows.medians) {
    const list = mediansByPlaybook.get(row.playbook_id) ?? [];
    list.push(row.duration_ms);
    mediansByPlaybook.set(row.playbook_id, list);
  }
  const playbooks: PlaybookStats[] = [...byPlaybook.entries()]
    .map(([id, entry]) => {
      const first = firstByPlaybook.get(id);
      return {
        playbook: id,
        title: entry.title,
        cases: entry.cases,
        open: entry.open,
        done: entry.done,
        outcomes: entry.outcomes,
        escalated: entry.escalated,
        fcr: fcr(first?.resolved ?? 0, first?.first_contacts ?? 0),
        medianMs: median(mediansByPlaybook.get(id) ?? []),
      };
    })
    .sort((a, b) => b.cases - a.cases || a.playbook.localeCompare(b.playbook));
  let resolved = 0;
  let firstContacts = 0;
  for (const row of rows.firstContacts) {
    resolved += row.resolved;
    firstContacts += row.first_contacts;
  }
  return {
    ...(options.sinceMs === undefined ? {} : { since: new Date(options.sinceMs).toISOString() }),
    cases: open + done,
    open,
    done,
    escalated,
    outcomes,
    fcr: fcr(resolved, firstContacts),
    medianMs: median(mediansByPlaybook.get(null) ?? []),
    playbooks,
    topEscalations: rows.escalations.map((r) => ({
      playbook: r.playbook_id,
      outcome: r.outcome_title,
      ...(r.handoff_to ? { to: r.handoff_to } : {}),
      cases: r.n,
      lastAt: new Date(r.last_ms).toISOString(),
    })),
  };
}
