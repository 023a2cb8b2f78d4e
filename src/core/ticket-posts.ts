/**
 * The bookkeeping that keeps helpdesk posts from being sent twice: one entry per case, kind and
 * ticket on the case record, `pending` before sending and `sent` after; and, for a `pending` one
 * (the process died between sending and recording), whether the ticket already holds that body.
 */
import type { CasePost, CaseRecord } from './case-record.js';
import type { Ticket, TicketPost, TicketRef } from './helpdesk.js';

export function findPost(record: CaseRecord, kind: TicketPost['kind'], ref: TicketRef): CasePost | undefined {
  return (record.posts ?? []).find((p) => p.kind === kind && p.provider === ref.provider && p.ticketId === ref.id);
}

/** The record with this post's entry added or replaced; `updatedAt` never goes back. */
export function withPost(record: CaseRecord, post: CasePost): CaseRecord {
  const others = (record.posts ?? []).filter((p) => !(p.kind === post.kind && p.provider === post.provider && p.ticketId === post.ticketId));
  return { ...record, posts: [...others, post], updatedAt: post.at > record.updatedAt ? post.at : record.updatedAt };
}

/** Whitespace and line endings differ once a helpdesk has stored a body; the words do not. */
function comparable(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The id of the ticket message that already carries this post (same visibility, same text, or
 * the text inside a message a helpdesk wrapped in a quote or signature), if any.
 */
export function postedMessageId(ticket: Ticket, post: TicketPost): string | undefined {
  const body = comparable(post.body);
  if (body === '') return undefined;
  const wantPublic = post.kind === 'reply';
  return ticket.messages.find((m) => m.public === wantPublic && m.author !== 'requester' && comparable(m.text).includes(body))?.id;
}
