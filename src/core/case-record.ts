/**
 * A case: one run of triage, from intake to outcome. Saved as a session file while the run is in
 * progress (so Ctrl-C or a crash loses nothing) and stored in the case history when it ends.
 * Everything in a CaseRecord has been redacted before it is written anywhere.
 */
import type { Channel, Mood, OutcomeKind } from './model.js';
import type { FlowInput } from './flow-types.js';
import type { Signal } from './signals.js';
import type { HelpdeskProvider, TicketPost } from './helpdesk.js';

export interface Intake {
  readonly customer: {
    readonly name?: string;
    readonly channel: Channel;
    readonly mood: Mood;
    /** What the customer's situation calls for (repeat contact, a deadline…), as the agent confirmed it. */
    readonly signals?: readonly Signal[];
    /** The customer's account id or account email, as the agent gave it (optional). */
    readonly account?: string;
  };
  readonly description: string;
  /**
   * Scope, frequency and when it started, when the playbook did not ask them: confirmed by the
   * agent before a bug or escalation report was final, or given as answers (case-facts.ts).
   */
  readonly facts?: Partial<Record<'scope' | 'frequency' | 'started', string>>;
}

export interface CaseRecord {
  /** e.g. `TRI-20261127-7F3A`; stable for the life of the case. */
  readonly id: string;
  readonly status: 'open' | 'done';
  readonly playbook: { readonly id: string; readonly version: string; readonly title: string; readonly path: string };
  readonly intake: Intake;
  readonly agent?: string;
  /** Flow inputs in order (secret values already replaced by `[REDACTED]`). */
  readonly inputs: readonly FlowInput[];
  readonly outcome?: { readonly kind: OutcomeKind; readonly node: string; readonly title: string; readonly playbook: string };
  /** The `triage.report/v1` JSON object, when the case has ended. */
  readonly report?: Readonly<Record<string, unknown>>;
  readonly reply?: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  /** Environment attached to the case: `--env-file`, or pasted during the run (`:paste`). Redacted. */
  readonly attachedEnv?: Readonly<Record<string, string>>;
  /** Set when this case was recorded by a replay line (`triage run … --replay-of <case>`). */
  readonly replayOf?: string;
  readonly handoffs: readonly { readonly to: string; readonly url?: string; readonly at: string }[];
  /** The helpdesk ticket the case came from (`triage run --ticket`) or was posted to. */
  readonly ticket?: CaseTicket;
  /** Replies and notes posted to helpdesk tickets, one entry per case, kind and ticket. */
  readonly posts?: readonly CasePost[];
  /**
   * An open case saved before its playbook started: `intake` while the intake is being asked
   * (`intakeAnswered` says which of its questions are answered), `picker` once it is complete and
   * no playbook is chosen yet (`playbook.id` is then ''). `triage resume` continues there.
   */
  readonly stage?: 'intake' | 'picker';
  readonly intakeAnswered?: readonly IntakeQuestion[];
  /** How the run was started, so `triage resume` needs no flags. */
  readonly origin?: CaseOrigin;
}

export interface CaseTicket {
  readonly provider: HelpdeskProvider;
  readonly id: string;
  readonly webUrl?: string;
}

/**
 * A post to a ticket: `pending` is written before it is sent and `sent` (with the helpdesk's id
 * for the message) after, so a post is never sent twice, even after a crash in between.
 */
export interface CasePost {
  readonly kind: TicketPost['kind'];
  readonly provider: HelpdeskProvider;
  readonly ticketId: string;
  readonly status: 'pending' | 'sent';
  /** ISO 8601: when it was last written. */
  readonly at: string;
  readonly remoteId?: string;
}

export type IntakeQuestion = 'customer' | 'channel' | 'mood' | 'description' | 'account' | 'signals';

export interface CaseOrigin {
  /** The `--playbooks` directories, absolute. */
  readonly playbookDirs: readonly string[];
  /** `--allow-commands` was given for this case. */
  readonly allowCommands?: boolean;
}

/** The playbook of a case whose playbook is not chosen yet. */
export const NO_PLAYBOOK_YET: CaseRecord['playbook'] = { id: '', version: '', title: '', path: '' };
