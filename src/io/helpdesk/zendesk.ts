/**
 * Zendesk Support (API v2): a ticket with its requester and organization sideloaded, its
 * comments page by page, text attachments from Zendesk's own host; comments go back through a
 * ticket update, whose audit names the new comment; tags through Add Tags, status through a
 * ticket update.
 */
import type { HelpdeskClient, PostReceipt, Ticket, TicketAttachment, TicketMessage, TicketPost, TicketUpdate, UpdateReceipt } from '../../core/helpdesk.js';
import { htmlToText } from '../../core/html-text.js';
import type { Channel } from '../../core/model.js';
import { EXIT, TriageError } from '../../core/errors.js';
import { createHelpdeskHttp, settingWithEnv, type HelpdeskConnection, type HelpdeskHttp } from './http.js';
import { MAX_MESSAGE_PAGES, downloadTextAttachments, helpdeskStatus, isoDate, noReceiptError, optional, ticketNumber, type AttachmentLink } from './ticket-parts.js';

export const ZENDESK_SETTINGS = {
  url: 'helpdesk.zendesk.url',
  email: 'helpdesk.zendesk.email',
  token: 'helpdesk.zendesk.token',
} as const;

export interface ZendeskUser {
  readonly id: number;
  readonly name?: string | null;
  readonly email?: string | null;
}

export interface ZendeskOrganization {
  readonly id: number;
  readonly name?: string | null;
  readonly external_id?: string | null;
}

export interface ZendeskTicket {
  readonly id: number;
  readonly subject?: string | null;
  readonly raw_subject?: string | null;
  readonly status?: string | null;
  readonly requester_id?: number | null;
  readonly organization_id?: number | null;
  readonly tags?: readonly string[] | null;
  readonly via?: { readonly channel?: string | null } | null;
}

/** `GET /api/v2/tickets/{id}.json?include=users,organizations` */
export interface ZendeskTicketShow {
  readonly ticket: ZendeskTicket;
  readonly users?: readonly ZendeskUser[];
  readonly organizations?: readonly ZendeskOrganization[];
}

export interface ZendeskAttachment {
  readonly id: number;
  readonly file_name?: string | null;
  readonly content_url?: string | null;
  readonly content_type?: string | null;
  readonly size?: number | null;
}

export interface ZendeskComment {
  readonly id: number;
  readonly author_id?: number | null;
  readonly body?: string | null;
  readonly html_body?: string | null;
  readonly plain_body?: string | null;
  readonly public?: boolean | null;
  readonly created_at?: string | null;
  readonly attachments?: readonly ZendeskAttachment[] | null;
}

/** One page of `GET /api/v2/tickets/{id}/comments.json`: offset (`next_page`) or cursor (`meta`, `links`). */
export interface ZendeskCommentsPage {
  readonly comments?: readonly ZendeskComment[];
  readonly users?: readonly ZendeskUser[];
  readonly next_page?: string | null;
  readonly meta?: { readonly has_more?: boolean | null } | null;
  readonly links?: { readonly next?: string | null } | null;
}

/** The answer to `PUT /api/v2/tickets/{id}.json`: the ticket and the audit of the change. */
export interface ZendeskUpdateResponse {
  readonly audit?: {
    readonly id?: number | null;
    readonly created_at?: string | null;
    readonly events?: readonly { readonly id?: number | null; readonly type?: string | null }[] | null;
  } | null;
}

const CHANNELS: Readonly<Record<string, Channel>> = {
  email: 'email',
  chat: 'chat',
  native_messaging: 'chat',
  messaging: 'chat',
  voice: 'phone',
};

/** Zendesk statuses an agent sets (`new` and `closed` are Zendesk's own to set). */
const STATUSES: Readonly<Record<string, string>> = { open: 'open', pending: 'pending', hold: 'hold', solved: 'solved' };

/** `via.channel` as the case's channel; web forms, the API and the rest have none. */
export function zendeskChannel(channel: string | null | undefined): Channel | undefined {
  return channel ? CHANNELS[channel] : undefined;
}

/** The next page's URL: the cursor link while `meta.has_more`, else the offset `next_page`. */
export function zendeskNextPage(page: ZendeskCommentsPage): string | undefined {
  if (page.meta) return page.meta.has_more && page.links?.next ? page.links.next : undefined;
  return page.next_page ?? undefined;
}

export function zendeskWebUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/agent/tickets/${id}`;
}

export interface ZendeskTicketParts {
  readonly baseUrl: string;
  readonly show: ZendeskTicketShow;
  readonly comments: readonly ZendeskComment[];
  /** Users sideloaded with the ticket and with the comments. */
  readonly users: readonly ZendeskUser[];
  /** Downloaded attachment contents by attachment id. */
  readonly attachmentTexts: ReadonlyMap<string, string>;
}

/** The JSON Zendesk answered, as a Ticket. */
export function mapZendeskTicket(parts: ZendeskTicketParts): Ticket {
  const { ticket } = parts.show;
  const users = new Map(parts.users.map((user) => [user.id, user]));
  const requester = ticket.requester_id == null ? undefined : users.get(ticket.requester_id);
  const organization = parts.show.organizations?.find((org) => org.id === ticket.organization_id);
  const id = String(ticket.id);
  return {
    ref: { provider: 'zendesk', id },
    webUrl: zendeskWebUrl(parts.baseUrl, id),
    subject: ticket.subject ?? ticket.raw_subject ?? '',
    ...(ticket.status ? { status: ticket.status } : {}),
    requester: { ...optional('name', requester?.name), ...optional('email', requester?.email) },
    ...optional('channel', zendeskChannel(ticket.via?.channel)),
    ...optional('account', organization?.name || organization?.external_id || undefined),
    tags: [...(ticket.tags ?? [])],
    messages: parts.comments.map((comment) => zendeskMessage(comment, ticket.requester_id, users)),
    attachments: parts.comments.flatMap((comment) => (comment.attachments ?? []).map((a) => zendeskAttachment(a, parts.attachmentTexts))),
  };
}

function zendeskMessage(comment: ZendeskComment, requesterId: number | null | undefined, users: ReadonlyMap<number, ZendeskUser>): TicketMessage {
  const author = comment.author_id == null ? undefined : users.get(comment.author_id);
  return {
    id: String(comment.id),
    author: comment.author_id != null && comment.author_id === requesterId ? 'requester' : 'agent',
    ...optional('authorName', author?.name),
    ...optional('authorEmail', author?.email),
    at: isoDate(comment.created_at),
    text: commentText(comment),
    public: comment.public !== false,
  };
}

function commentText(comment: ZendeskComment): string {
  if (comment.plain_body != null) return comment.plain_body.trim();
  if (comment.body != null) return comment.body.trim();
  return comment.html_body ? htmlToText(comment.html_body) : '';
}

function zendeskAttachment(attachment: ZendeskAttachment, texts: ReadonlyMap<string, string>): TicketAttachment {
  const id = String(attachment.id);
  const text = texts.get(id);
  return {
    id,
    name: attachment.file_name ?? `attachment-${id}`,
    contentType: attachment.content_type ?? 'application/octet-stream',
    size: attachment.size ?? 0,
    ...(text === undefined ? {} : { text }),
  };
}

/** The receipt for a comment added by a ticket update: the audit's Comment event is the comment. */
export function zendeskReceipt(response: ZendeskUpdateResponse | undefined): PostReceipt | undefined {
  const audit = response?.audit;
  const comment = audit?.events?.find((event) => event.type === 'Comment' && event.id != null);
  if (!audit || !comment || !audit.created_at) return undefined;
  return { id: String(comment.id), at: isoDate(audit.created_at) };
}

/**
 * The requests of a status/tags update. Tags go to Add Tags (`PUT …/tags.json`), which keeps the
 * ticket's other tags: `tags` in a ticket update replaces them all, and `additional_tags` works
 * only in bulk updates.
 */
export function zendeskUpdateRequests(id: string, update: TicketUpdate): { path: string; body: unknown }[] {
  const status = update.status === undefined ? undefined : helpdeskStatus('zendesk', update.status, STATUSES);
  const tags = [...new Set(update.addTags ?? [])];
  return [
    ...(tags.length === 0 ? [] : [{ path: `/api/v2/tickets/${id}/tags.json`, body: { tags } }]),
    ...(status === undefined ? [] : [{ path: `/api/v2/tickets/${id}.json`, body: { ticket: { status } } }]),
  ];
}

/** Basic auth with an API token: the user is `{email}/token`, so the e-mail is required. */
function zendeskAuthorization(connection: HelpdeskConnection): string {
  const email = connection.email?.trim();
  if (!email) {
    throw new TriageError('helpdesk/missing-setting', 'Zendesk needs the e-mail address of the agent the API token belongs to.', {
      exitCode: EXIT.usage,
      hint: `Set ${settingWithEnv(ZENDESK_SETTINGS.email)} to the address you sign in to Zendesk with.`,
    });
  }
  return `Basic ${Buffer.from(`${email}/token:${connection.token}`).toString('base64')}`;
}

/** `https://example.zendesk.com`, the agent's e-mail and an API token. */
export function createZendeskClient(connection: HelpdeskConnection): HelpdeskClient {
  const http = createHelpdeskHttp({
    provider: 'zendesk',
    baseUrl: connection.url,
    authorization: zendeskAuthorization(connection),
    credentialSettings: [ZENDESK_SETTINGS.email, ZENDESK_SETTINGS.token],
    timeoutMs: connection.timeoutMs,
    retries: connection.retries,
    backoffMs: connection.backoffMs,
  });
  return {
    provider: 'zendesk',
    fetchTicket: async (id) => fetchZendeskTicket(http, ticketNumber('zendesk', id)),
    post: async (id, post) => postZendeskComment(http, ticketNumber('zendesk', id), post),
    update: async (id, update) => updateZendeskTicket(http, ticketNumber('zendesk', id), update),
  };
}

async function fetchZendeskTicket(http: HelpdeskHttp, id: string): Promise<Ticket> {
  const subject = `ticket zendesk:${id}`;
  const show = await http.request<ZendeskTicketShow>({ path: `/api/v2/tickets/${id}.json`, query: { include: 'users,organizations' }, subject });
  const pages = await fetchCommentPages(http, id);
  const comments = pages.flatMap((page) => page.comments ?? []);
  const users = [...(show.body.users ?? []), ...pages.flatMap((page) => page.users ?? [])];
  const attachmentTexts = await downloadTextAttachments(http, attachmentLinks(comments));
  return mapZendeskTicket({ baseUrl: http.baseUrl, show: show.body, comments, users, attachmentTexts });
}

async function fetchCommentPages(http: HelpdeskHttp, id: string): Promise<ZendeskCommentsPage[]> {
  const subject = `the comments of ticket zendesk:${id}`;
  const first = await http.request<ZendeskCommentsPage>({
    path: `/api/v2/tickets/${id}/comments.json`,
    query: { include: 'users', 'page[size]': 100 },
    subject,
  });
  const pages = [first.body];
  for (let next = zendeskNextPage(first.body); next && pages.length < MAX_MESSAGE_PAGES; next = zendeskNextPage(pages.at(-1)!)) {
    pages.push((await http.request<ZendeskCommentsPage>({ path: next, subject })).body);
  }
  return pages;
}

function attachmentLinks(comments: readonly ZendeskComment[]): AttachmentLink[] {
  return comments.flatMap((comment) => comment.attachments ?? []).map((attachment) => ({
    id: String(attachment.id),
    name: attachment.file_name ?? String(attachment.id),
    contentType: attachment.content_type ?? '',
    size: attachment.size ?? -1,
    url: attachment.content_url ?? '',
  }));
}

async function postZendeskComment(http: HelpdeskHttp, id: string, post: TicketPost): Promise<PostReceipt> {
  const response = await http.request<ZendeskUpdateResponse>({
    method: 'PUT',
    path: `/api/v2/tickets/${id}.json`,
    body: { ticket: { comment: { body: post.body, public: post.kind === 'reply' } } },
    subject: `ticket zendesk:${id}`,
    // Each such PUT adds a comment: after a 502 or a dropped connection it may be there already.
    idempotent: false,
  });
  const receipt = zendeskReceipt(response.body);
  if (receipt) return receipt;
  throw noReceiptError('zendesk', id, post.kind, zendeskWebUrl(http.baseUrl, id));
}

async function updateZendeskTicket(http: HelpdeskHttp, id: string, update: TicketUpdate): Promise<UpdateReceipt> {
  for (const { path, body } of zendeskUpdateRequests(id, update)) {
    await http.request({ method: 'PUT', path, body, subject: `ticket zendesk:${id}` });
  }
  return update.status === undefined ? {} : { status: helpdeskStatus('zendesk', update.status, STATUSES) };
}
