/**
 * Working inside a helpdesk: a ticket fetched as the intake, and at the outcome the reply posted
 * as a public reply and the report as an internal note, each recorded on the case so that it is
 * sent once, whatever fails or is repeated (`pending` before sending, `sent` after; a `pending`
 * one is looked for on the ticket before anything is sent again).
 *
 * The reply is redacted as printed (secrets out, the customer's own details kept: it goes to the
 * customer); the note gets the report with the profile of the printed output (default public).
 */
import type { CasePost, CaseRecord, CaseTicket } from '../core/case-record.js';
import { EXIT, isTriageError, TriageError } from '../core/errors.js';
import { formatTicketRef, HELPDESK_NAMES, OUTCOME_TICKET_UPDATES, type HelpdeskClient, type Ticket, type TicketPost, type TicketRef } from '../core/helpdesk.js';
import { createProfileRedactor, createSecretsOnlyRedactor, DEFAULT_PROFILE, type RedactionProfile } from '../core/redaction-profiles.js';
import { redactReport } from '../core/report.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { ticketIntake, type TicketIntake } from '../core/ticket-intake.js';
import { findPost, postedMessageId, withPost } from '../core/ticket-posts.js';
import type { CaseStore } from '../io/case-store.js';
import { renderReportText } from '../render/report-text.js';
import { reportOf } from './handoff.js';

export const POST_KINDS = ['reply', 'note'] as const;
export type PostKind = (typeof POST_KINDS)[number];

/** `--post reply|note|both` as the kinds to post, in posting order. */
export function parsePostKinds(value: string | true | undefined): PostKind[] {
  if (value === undefined || value === true || value === 'both') return ['reply', 'note'];
  if (value === 'reply' || value === 'note') return [value];
  throw new TriageError('helpdesk/bad-post', `--post takes reply, note or both; got "${value}".`, {
    hint: 'e.g. --post both (the default), or --post note for an internal note only. A playbook id goes before --post: `triage run <playbook> --ticket rt:123 --post`.',
  });
}

export interface FetchedTicket {
  readonly ticket: Ticket;
  readonly intake: TicketIntake;
  /** What the case records about the ticket. */
  readonly caseTicket: CaseTicket;
}

export async function fetchTicketIntake(client: HelpdeskClient, ref: TicketRef): Promise<FetchedTicket> {
  const ticket = await client.fetchTicket(ref.id);
  return { ticket, intake: ticketIntake(ticket), caseTicket: { provider: ref.provider, id: ref.id, ...(ticket.webUrl ? { webUrl: ticket.webUrl } : {}) } };
}

/**
 * The bodies that would be posted for a case, redacted: what the agent confirms before posting.
 * A case whose outcome has no reply posts no reply.
 */
export function ticketPosts(record: CaseRecord, kinds: readonly PostKind[], profile: RedactionProfile = DEFAULT_PROFILE.output): TicketPost[] {
  return kinds.flatMap((kind): TicketPost[] => {
    if (kind === 'reply') {
      if (record.reply === undefined || record.reply.trim() === '') return [];
      // Stored replies have their secrets removed already; once more costs nothing and is safe.
      return [{ kind, body: sanitizeForTerminal(createSecretsOnlyRedactor().redactText(record.reply)) }];
    }
    const report = redactReport(reportOf(record), createProfileRedactor(profile, { account: record.intake.customer.account }));
    return [{ kind, body: sanitizeForTerminal(renderReportText(report)) }];
  });
}

export interface PostRequest {
  readonly record: CaseRecord;
  readonly ref: TicketRef;
  readonly kinds: readonly PostKind[];
  /** Apply OUTCOME_TICKET_UPDATES (status and tags) after posting. */
  readonly setStatus?: boolean;
  readonly profile?: RedactionProfile;
}

export interface PostDependencies {
  readonly client: HelpdeskClient;
  readonly store: CaseStore;
  readonly now: () => Date;
}

export interface PostResult {
  readonly kind: PostKind;
  /** `sent` now; `already-sent` by an earlier run; `found` on the ticket after an interrupted run; `none`: nothing to post (no reply for this outcome). */
  readonly status: 'sent' | 'already-sent' | 'found' | 'none';
  readonly remoteId?: string;
}

export interface PostSummary {
  readonly record: CaseRecord;
  readonly results: readonly PostResult[];
  /** The status set on the ticket with `setStatus`, in the helpdesk's own words (RT: `resolved` for solved). */
  readonly status?: string;
}

/** Posts the case's reply and/or note to the ticket, each at most once; records every step on the case. */
export async function postCaseToTicket(request: PostRequest, deps: PostDependencies): Promise<PostSummary> {
  const { ref } = request;
  const start: CaseRecord = request.record.ticket ? request.record : { ...request.record, ticket: { provider: ref.provider, id: ref.id } };
  const posts = ticketPosts(start, request.kinds, request.profile);
  const results: PostResult[] = request.kinds.filter((k) => !posts.some((p) => p.kind === k)).map((kind) => ({ kind, status: 'none' as const }));
  const state: PostState = { record: start, ref, deps };
  for (const post of posts) results.push(await postOnce(state, post));
  let status: string | undefined;
  if (request.setStatus && state.record.outcome) {
    const update = OUTCOME_TICKET_UPDATES[state.record.outcome.kind];
    const receipt = await helpdeskCall(state.record.id, ref, () => deps.client.update(ref.id, { status: update.status, addTags: update.tags }));
    status = receipt.status;
  }
  const ordered = [...results].sort((a, b) => request.kinds.indexOf(a.kind) - request.kinds.indexOf(b.kind));
  return { record: state.record, results: ordered, ...(status ? { status } : {}) };
}

/** The case as recorded so far, and the ticket once fetched (read at most once per hand-off). */
interface PostState {
  record: CaseRecord;
  ticket?: Ticket;
  readonly ref: TicketRef;
  readonly deps: PostDependencies;
}

/** One post: skipped when sent before, recorded when found on the ticket, else sent between `pending` and `sent`. */
async function postOnce(state: PostState, post: TicketPost): Promise<PostResult> {
  const { ref, deps } = state;
  const entry = (status: CasePost['status'], remoteId?: string): CasePost => ({ kind: post.kind, provider: ref.provider, ticketId: ref.id, status, at: deps.now().toISOString(), ...(remoteId ? { remoteId } : {}) });
  const save = async (next: CasePost): Promise<void> => {
    const record = withPost(state.record, next);
    await saveOrStop(deps.store, record, ref);
    state.record = record;
  };
  const earlier = findPost(state.record, post.kind, ref);
  if (earlier?.status === 'sent') return { kind: post.kind, status: 'already-sent', ...(earlier.remoteId ? { remoteId: earlier.remoteId } : {}) };
  if (earlier?.status === 'pending') {
    // Sent or not? The process stopped between sending and recording: the ticket knows.
    state.ticket ??= await helpdeskCall(state.record.id, ref, () => deps.client.fetchTicket(ref.id));
    const found = postedMessageId(state.ticket, post);
    if (found !== undefined) {
      await save(entry('sent', found));
      return { kind: post.kind, status: 'found', remoteId: found };
    }
  }
  await save(entry('pending'));
  const receipt = await helpdeskCall(state.record.id, ref, () => deps.client.post(ref.id, post));
  await save(entry('sent', receipt.id));
  return { kind: post.kind, status: 'sent', remoteId: receipt.id };
}

/** The command that posts a recorded case again (the case knows its ticket): every helpdesk error ends with it. */
export function retryCommand(caseId: string, ref: TicketRef): string {
  return `triage handoff ${caseId} --to ${ref.provider}`;
}

/** A helpdesk call whose failure keeps the client's message and says the case is kept and how to retry. */
async function helpdeskCall<T>(caseId: string, ref: TicketRef, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const retry = `The case ${caseId} is recorded; once that is fixed, post it with \`${retryCommand(caseId, ref)}\` (nothing is posted twice).`;
    if (isTriageError(error)) throw new TriageError(error.code, error.message, { exitCode: error.exitCode, hint: `${error.hint ? `${error.hint} ` : ''}${retry}`, cause: error });
    throw new TriageError('helpdesk/failed', `${HELPDESK_NAMES[ref.provider]} ticket ${formatTicketRef(ref)}: ${(error as Error).message}.`, { exitCode: EXIT.checkFailed, hint: retry, cause: error });
  }
}

/** Nothing is sent unless its `pending` entry is in the history: without it a retry could send it twice. */
async function saveOrStop(store: CaseStore, record: CaseRecord, ref: TicketRef): Promise<void> {
  try {
    await store.upsertCase(record);
  } catch (error) {
    throw new TriageError('helpdesk/not-recorded', `Could not record the post to ${formatTicketRef(ref)} on case ${record.id} (${isTriageError(error) ? error.message : (error as Error).message}), so nothing more was posted.`, {
      exitCode: EXIT.checkFailed,
      hint: `Fix the case history (\`triage cases list\` shows where it is), then post with \`${retryCommand(record.id, ref)}\`.`,
      cause: error,
    });
  }
}
