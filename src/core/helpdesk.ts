/**
 * Helpdesk tickets as triage sees them, whatever the helpdesk: a ticket comes in (requester,
 * channel, the customer's messages, text attachments) and the reply and the report go back out
 * (a public reply and an internal note, optionally a status and tags). Pure data and mapping;
 * the HTTP clients live in src/io/helpdesk/.
 */
import { EXIT, TriageError } from './errors.js';
import type { Channel, OutcomeKind } from './model.js';

export const HELPDESK_PROVIDERS = ['rt', 'zendesk', 'freshdesk'] as const;
export type HelpdeskProvider = (typeof HELPDESK_PROVIDERS)[number];

export const HELPDESK_NAMES: Readonly<Record<HelpdeskProvider, string>> = {
  rt: 'Request Tracker',
  zendesk: 'Zendesk',
  freshdesk: 'Freshdesk',
};

/** `rt:123`, `zendesk:4567`, `freshdesk:89`. */
export interface TicketRef {
  readonly provider: HelpdeskProvider;
  readonly id: string;
}

export interface TicketMessage {
  /** The helpdesk's id for the message (RT transaction id, Zendesk comment id, Freshdesk conversation id). */
  readonly id: string;
  /** Who wrote it: the ticket's requester, an agent (or anyone else), or the helpdesk itself. */
  readonly author: 'requester' | 'agent' | 'system';
  readonly authorName?: string;
  readonly authorEmail?: string;
  /** ISO 8601. */
  readonly at: string;
  /** Plain text (HTML bodies are converted by the client). */
  readonly text: string;
  /** false for internal notes and comments. */
  readonly public: boolean;
}

export interface TicketAttachment {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  /** The content, for text attachments under the client's size limit (environment pastes, logs). */
  readonly text?: string;
}

export interface Ticket {
  readonly ref: TicketRef;
  /** Where an agent opens the ticket in a browser. */
  readonly webUrl?: string;
  readonly subject: string;
  readonly status?: string;
  readonly requester: { readonly name?: string; readonly email?: string };
  /** The contact channel, when the helpdesk records one that maps to email, chat or phone. */
  readonly channel?: Channel;
  /** The customer's account identifier where the helpdesk has one (organization, company). */
  readonly account?: string;
  readonly tags: readonly string[];
  /** Oldest first: customer messages, agent replies and internal notes. */
  readonly messages: readonly TicketMessage[];
  readonly attachments: readonly TicketAttachment[];
}

/** What goes back to the ticket at an outcome. */
export interface TicketPost {
  /** `reply`: public, the customer receives it; `note`: internal, agents only. */
  readonly kind: 'reply' | 'note';
  /** Plain text. */
  readonly body: string;
}

export interface TicketUpdate {
  readonly status?: string;
  /** Tags to add (existing tags are kept). */
  readonly addTags?: readonly string[];
}

/** What an update did, in the helpdesk's own words. */
export interface UpdateReceipt {
  /** The status set, as the helpdesk names it (RT: `resolved` for solved); absent when none was asked. */
  readonly status?: string;
}

/** What the helpdesk answered for a post: its id for the message, and when. */
export interface PostReceipt {
  readonly id: string;
  readonly at: string;
}

/**
 * One helpdesk. Every method rejects with a TriageError that names what failed and which
 * setting to check (401/403/404, timeouts, a server that is down), never with a raw error.
 */
export interface HelpdeskClient {
  readonly provider: HelpdeskProvider;
  fetchTicket(id: string): Promise<Ticket>;
  post(id: string, post: TicketPost): Promise<PostReceipt>;
  update(id: string, update: TicketUpdate): Promise<UpdateReceipt>;
}

const REF = /^(rt|zendesk|freshdesk):#?(\d{1,12})$/i;

/** Reads `rt:123`; anything else is a usage error (exit 2) that shows the form. */
export function parseTicketRef(text: string): TicketRef {
  const match = REF.exec(text.trim());
  if (!match) {
    const provider = /^([a-z-]+):/i.exec(text.trim())?.[1]?.toLowerCase();
    const known = HELPDESK_PROVIDERS.join(', ');
    throw new TriageError(
      'ticket/bad-reference',
      provider && !(HELPDESK_PROVIDERS as readonly string[]).includes(provider)
        ? `Unknown helpdesk "${provider}" in ticket reference "${text}".`
        : `"${text}" is not a ticket reference.`,
      { exitCode: EXIT.usage, hint: `Write <helpdesk>:<ticket number>, e.g. rt:123 or zendesk:4567 (helpdesks: ${known}).` },
    );
  }
  return { provider: match[1]!.toLowerCase() as HelpdeskProvider, id: match[2]! };
}

export function formatTicketRef(ref: TicketRef): string {
  return `${ref.provider}:${ref.id}`;
}

/** From the third message the requester writes on one ticket, the customer is contacting again. */
export const REPEAT_CONTACT_MESSAGES = 3;

/** The status and tags each outcome kind sets when the agent asks for them (`--set-status`). */
export const OUTCOME_TICKET_UPDATES: Readonly<Record<OutcomeKind, { readonly status: 'solved' | 'pending' | 'open'; readonly tags: readonly string[] }>> = {
  resolved: { status: 'solved', tags: ['triage-resolved'] },
  workaround: { status: 'pending', tags: ['triage-workaround'] },
  'works-as-designed': { status: 'solved', tags: ['triage-works-as-designed'] },
  'feature-request': { status: 'pending', tags: ['triage-feature-request'] },
  bug: { status: 'open', tags: ['triage-bug'] },
  escalate: { status: 'open', tags: ['triage-escalated'] },
};
