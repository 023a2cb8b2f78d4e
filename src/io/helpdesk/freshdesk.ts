/**
 * Freshdesk (API v2): a ticket with its requester and company embedded, the description as the
 * first message, the conversations page by page; replies and private notes go back through their
 * own endpoints; status and tags through a ticket update (Freshdesk replaces the whole tag list,
 * so the current tags are read first).
 */
import type { HelpdeskClient, PostReceipt, Ticket, TicketAttachment, TicketMessage, TicketPost, TicketUpdate, UpdateReceipt } from '../../core/helpdesk.js';
import { htmlToText } from '../../core/html-text.js';
import type { Channel } from '../../core/model.js';
import { createHelpdeskHttp, type HelpdeskConnection, type HelpdeskHttp } from './http.js';
import { MAX_MESSAGE_PAGES, downloadTextAttachments, helpdeskStatus, isoDate, mergeTags, noReceiptError, optional, plainTextToHtml, ticketNumber, type AttachmentLink } from './ticket-parts.js';

export const FRESHDESK_SETTINGS = {
  url: 'helpdesk.freshdesk.url',
  token: 'helpdesk.freshdesk.token',
} as const;

export interface FreshdeskAttachment {
  readonly id: number;
  readonly name?: string | null;
  readonly content_type?: string | null;
  readonly size?: number | null;
  readonly attachment_url?: string | null;
}

/** `GET /api/v2/tickets/{id}?include=requester,company` */
export interface FreshdeskTicket {
  readonly id: number;
  readonly subject?: string | null;
  readonly description?: string | null;
  readonly description_text?: string | null;
  readonly status?: number | null;
  readonly source?: number | null;
  readonly requester_id?: number | null;
  readonly created_at?: string | null;
  readonly tags?: readonly string[] | null;
  readonly attachments?: readonly FreshdeskAttachment[] | null;
  readonly requester?: { readonly id?: number | null; readonly name?: string | null; readonly email?: string | null } | null;
  readonly company?: { readonly id?: number | null; readonly name?: string | null } | null;
}

/** One element of `GET /api/v2/tickets/{id}/conversations`, and the answer to a reply or a note. */
export interface FreshdeskConversation {
  readonly id: number;
  readonly body?: string | null;
  readonly body_text?: string | null;
  readonly incoming?: boolean | null;
  readonly private?: boolean | null;
  readonly user_id?: number | null;
  readonly created_at?: string | null;
  readonly attachments?: readonly FreshdeskAttachment[] | null;
}

/** Freshdesk's `status` numbers by name. */
const STATUS_NAMES: Readonly<Record<number, string>> = { 2: 'open', 3: 'pending', 4: 'resolved', 5: 'closed' };

/** Statuses triage sets, and Freshdesk's own names, as Freshdesk's numbers ("solved" is "resolved" there). */
const STATUSES: Readonly<Record<string, number>> = { open: 2, pending: 3, solved: 4, resolved: 4, closed: 5 };

/** `source` numbers that are a contact channel: 1 email, 3 phone, 7 chat, 10 outbound email (portal, widgets and social have none). */
const CHANNELS: Readonly<Record<number, Channel>> = { 1: 'email', 3: 'phone', 7: 'chat', 10: 'email' };

/** The `source` of a ticket an agent started by writing to the customer. */
const OUTBOUND_EMAIL = 10;

export function freshdeskChannel(source: number | null | undefined): Channel | undefined {
  return source == null ? undefined : CHANNELS[source];
}

export function freshdeskStatusName(status: number | null | undefined): string | undefined {
  return status == null ? undefined : (STATUS_NAMES[status] ?? String(status));
}

export function freshdeskWebUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/a/tickets/${id}`;
}

/** The `rel="next"` URL of a `Link` header, the only sign Freshdesk gives of another page. */
export function nextLink(header: string | null): string | undefined {
  for (const part of header?.split(',') ?? []) {
    const match = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (match && /\brel="?next"?/i.test(match[2]!)) return match[1];
  }
  return undefined;
}

export interface FreshdeskTicketParts {
  readonly baseUrl: string;
  readonly ticket: FreshdeskTicket;
  readonly conversations: readonly FreshdeskConversation[];
  /** Downloaded attachment contents by attachment id. */
  readonly attachmentTexts: ReadonlyMap<string, string>;
}

/** The JSON Freshdesk answered, as a Ticket. */
export function mapFreshdeskTicket(parts: FreshdeskTicketParts): Ticket {
  const { ticket } = parts;
  const id = String(ticket.id);
  return {
    ref: { provider: 'freshdesk', id },
    webUrl: freshdeskWebUrl(parts.baseUrl, id),
    subject: ticket.subject ?? '',
    ...optional('status', freshdeskStatusName(ticket.status)),
    requester: { ...optional('name', ticket.requester?.name), ...optional('email', ticket.requester?.email) },
    ...optional('channel', freshdeskChannel(ticket.source)),
    ...optional('account', ticket.company?.name),
    tags: [...(ticket.tags ?? [])],
    messages: [descriptionMessage(ticket), ...parts.conversations.map((c) => conversationMessage(c, ticket))],
    attachments: allAttachments(ticket, parts.conversations).map((a) => freshdeskAttachment(a, parts.attachmentTexts)),
  };
}

/**
 * The description is the first message; Freshdesk keeps it on the ticket, not in the
 * conversations. An agent wrote it when the ticket is an outbound email, the requester otherwise.
 */
function descriptionMessage(ticket: FreshdeskTicket): TicketMessage {
  const byAgent = ticket.source === OUTBOUND_EMAIL;
  return {
    id: `${ticket.id}-description`,
    author: byAgent ? 'agent' : 'requester',
    ...(byAgent ? {} : requesterNames(ticket)),
    at: isoDate(ticket.created_at),
    text: ticket.description_text?.trim() ?? (ticket.description ? htmlToText(ticket.description) : ''),
    public: true,
  };
}

function conversationMessage(conversation: FreshdeskConversation, ticket: FreshdeskTicket): TicketMessage {
  const byRequester = conversation.user_id != null && conversation.user_id === ticket.requester_id;
  return {
    id: String(conversation.id),
    author: byRequester ? 'requester' : 'agent',
    ...(byRequester ? requesterNames(ticket) : {}),
    at: isoDate(conversation.created_at),
    text: conversation.body_text?.trim() ?? (conversation.body ? htmlToText(conversation.body) : ''),
    public: conversation.private !== true,
  };
}

function requesterNames(ticket: FreshdeskTicket): { authorName?: string; authorEmail?: string } {
  return { ...optional('authorName', ticket.requester?.name), ...optional('authorEmail', ticket.requester?.email) };
}

function allAttachments(ticket: FreshdeskTicket, conversations: readonly FreshdeskConversation[]): FreshdeskAttachment[] {
  return [...(ticket.attachments ?? []), ...conversations.flatMap((c) => c.attachments ?? [])];
}

function freshdeskAttachment(attachment: FreshdeskAttachment, texts: ReadonlyMap<string, string>): TicketAttachment {
  const id = String(attachment.id);
  const text = texts.get(id);
  return {
    id,
    name: attachment.name ?? `attachment-${id}`,
    contentType: attachment.content_type ?? 'application/octet-stream',
    size: attachment.size ?? 0,
    ...(text === undefined ? {} : { text }),
  };
}

/** The endpoint and body of a post: replies go to `/reply`, internal notes to `/notes` as private. */
export function freshdeskPostRequest(id: string, post: TicketPost): { path: string; body: { body: string; private?: boolean } } {
  const body = plainTextToHtml(post.body);
  return post.kind === 'reply'
    ? { path: `/api/v2/tickets/${id}/reply`, body: { body } }
    : { path: `/api/v2/tickets/${id}/notes`, body: { body, private: true } };
}

/** Freshdesk's status number for a status triage asks for; an unknown one is a usage error. */
export function freshdeskStatusNumber(status: string): number {
  return helpdeskStatus('freshdesk', status, STATUSES);
}

/** The update body for the current tags; undefined when there is nothing to change. */
export function freshdeskUpdateBody(status: number | undefined, addTags: readonly string[], currentTags: readonly string[]): { status?: number; tags?: string[] } | undefined {
  const tags = mergeTags(currentTags, addTags);
  const tagsChange = tags.length !== currentTags.length;
  if (status === undefined && !tagsChange) return undefined;
  return { ...(status === undefined ? {} : { status }), ...(tagsChange ? { tags } : {}) };
}

/** Basic auth with the API key as the user name and any password (`X`, as Freshdesk's reference shows). */
function freshdeskAuthorization(connection: HelpdeskConnection): string {
  return `Basic ${Buffer.from(`${connection.token}:X`).toString('base64')}`;
}

/** `https://example.freshdesk.com` and the agent's API key (in `token`). */
export function createFreshdeskClient(connection: HelpdeskConnection): HelpdeskClient {
  const http = createHelpdeskHttp({
    provider: 'freshdesk',
    baseUrl: connection.url,
    authorization: freshdeskAuthorization(connection),
    credentialSettings: [FRESHDESK_SETTINGS.token],
    timeoutMs: connection.timeoutMs,
    retries: connection.retries,
    backoffMs: connection.backoffMs,
  });
  return {
    provider: 'freshdesk',
    fetchTicket: async (id) => fetchFreshdeskTicket(http, ticketNumber('freshdesk', id)),
    post: async (id, post) => postFreshdesk(http, ticketNumber('freshdesk', id), post),
    update: async (id, update) => updateFreshdeskTicket(http, ticketNumber('freshdesk', id), update),
  };
}

async function fetchFreshdeskTicket(http: HelpdeskHttp, id: string): Promise<Ticket> {
  const subject = `ticket freshdesk:${id}`;
  const ticket = await http.request<FreshdeskTicket>({ path: `/api/v2/tickets/${id}`, query: { include: 'requester,company' }, subject });
  const conversations = await fetchConversations(http, id);
  const attachmentTexts = await downloadTextAttachments(http, attachmentLinks(allAttachments(ticket.body, conversations)));
  return mapFreshdeskTicket({ baseUrl: http.baseUrl, ticket: ticket.body, conversations, attachmentTexts });
}

async function fetchConversations(http: HelpdeskHttp, id: string): Promise<FreshdeskConversation[]> {
  const subject = `the conversations of ticket freshdesk:${id}`;
  let response = await http.request<FreshdeskConversation[]>({ path: `/api/v2/tickets/${id}/conversations`, query: { per_page: 100 }, subject });
  const conversations = [...(response.body ?? [])];
  for (let page = 1, next = nextLink(response.headers.get('link')); next && page < MAX_MESSAGE_PAGES; page += 1) {
    response = await http.request<FreshdeskConversation[]>({ path: next, subject });
    conversations.push(...(response.body ?? []));
    next = nextLink(response.headers.get('link'));
  }
  return conversations;
}

function attachmentLinks(attachments: readonly FreshdeskAttachment[]): AttachmentLink[] {
  return attachments.map((attachment) => ({
    id: String(attachment.id),
    name: attachment.name ?? String(attachment.id),
    contentType: attachment.content_type ?? '',
    size: attachment.size ?? -1,
    url: attachment.attachment_url ?? '',
  }));
}

async function postFreshdesk(http: HelpdeskHttp, id: string, post: TicketPost): Promise<PostReceipt> {
  const { path, body } = freshdeskPostRequest(id, post);
  const response = await http.request<FreshdeskConversation | undefined>({ method: 'POST', path, body, subject: `ticket freshdesk:${id}` });
  if (response.body?.id == null || !response.body.created_at) throw noReceiptError('freshdesk', id, post.kind, freshdeskWebUrl(http.baseUrl, id));
  return { id: String(response.body.id), at: isoDate(response.body.created_at) };
}

async function updateFreshdeskTicket(http: HelpdeskHttp, id: string, update: TicketUpdate): Promise<UpdateReceipt> {
  const subject = `ticket freshdesk:${id}`;
  const status = update.status === undefined ? undefined : freshdeskStatusNumber(update.status);
  const addTags = update.addTags ?? [];
  const current = addTags.length > 0 ? ((await http.request<FreshdeskTicket>({ path: `/api/v2/tickets/${id}`, subject })).body.tags ?? []) : [];
  const body = freshdeskUpdateBody(status, addTags, current);
  if (body) await http.request({ method: 'PUT', path: `/api/v2/tickets/${id}`, body, subject });
  return status === undefined ? {} : { status: STATUS_NAMES[status] ?? String(status) };
}
