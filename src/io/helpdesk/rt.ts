/**
 * Request Tracker 5 through its REST2 API (`/REST/2.0/`).
 *
 * - Credentials: with `helpdesk.rt.user` set, the token setting is that user's password (HTTP
 *   Basic); without it, the token is an RT auth token (`Authorization: token 1-14-…`).
 * - A ticket's messages are its Create, Correspond and Comment transactions. One whose creator is
 *   a requestor is the customer's; RT_System's are the helpdesk's; everyone else is an agent.
 *   Comments are internal. RT keeps no contact channel, so `channel` and `account` stay unset.
 * - Files on those transactions become attachments; text ones up to 64 KB come with their text.
 * - A reply is a Correspond (RT mails it to the requestors), a note is a Comment. RT answers a
 *   post with `201`, a list of messages and `Location: …/transaction/<id>`: that transaction is the
 *   receipt.
 * - Statuses map to RT's default lifecycle (solved → resolved, pending → stalled). RT answers
 *   `200` even when it refuses a status, so the update reads the ticket back to confirm it.
 * - RT has no tags. When the ticket has a custom field named "Tags", added tags become values of
 *   it; otherwise tags are ignored.
 */
import { EXIT, TriageError } from '../../core/errors.js';
import type { HelpdeskClient, PostReceipt, UpdateReceipt, Ticket, TicketAttachment, TicketMessage, TicketPost, TicketUpdate } from '../../core/helpdesk.js';
import { htmlToText } from '../../core/html-text.js';
import { createHelpdeskHttp, type HelpdeskConnection, type HelpdeskHttp } from './http.js';

const TEXT_ATTACHMENT_LIMIT = 64 * 1024;
const PER_PAGE = 100;
/** 2,000 transactions or parts: far beyond a support ticket, and a bound on a runaway one. */
const MAX_PAGES = 20;
const CONTENT_CONCURRENCY = 4;
const MESSAGE_TYPES: ReadonlySet<string> = new Set(['Create', 'Correspond', 'Comment']);
const RT_STATUSES: Readonly<Record<string, string>> = { solved: 'resolved', pending: 'stalled', open: 'open', closed: 'resolved' };
const TAGS_FIELD = 'tags';

interface RtRef {
  readonly id: string;
}

interface RtCustomField extends RtRef {
  readonly name?: string;
  readonly values?: readonly string[];
}

interface RtTicket {
  readonly id: number | string;
  readonly Subject?: string;
  readonly Status?: string;
  readonly Requestor?: readonly RtRef[];
  readonly CustomFields?: readonly RtCustomField[];
}

interface RtUser {
  readonly Name?: string;
  readonly RealName?: string;
  readonly EmailAddress?: string;
}

interface RtTransaction {
  readonly id: string;
  readonly Type: string;
  readonly Created: string;
  readonly Creator: RtRef & RtUser;
}

interface RtPart {
  readonly id: string;
  readonly TransactionId: string | { readonly id: string };
  readonly ContentType: string;
  readonly Filename?: string;
  readonly ContentLength?: string | number;
}

interface RtPage<T> {
  readonly items: readonly T[];
  readonly page: number;
  readonly pages: number;
}

/** Creates the Request Tracker client; throws `helpdesk/bad-url` for a bad address. */
export function createRtClient(connection: HelpdeskConnection): HelpdeskClient {
  const user = connection.user?.trim();
  const http = createHelpdeskHttp({
    provider: 'rt',
    baseUrl: connection.url,
    authorization: user ? `Basic ${Buffer.from(`${user}:${connection.token}`).toString('base64')}` : `token ${connection.token}`,
    secret: connection.token,
    credentialSettings: user ? ['helpdesk.rt.user', 'helpdesk.rt.token'] : ['helpdesk.rt.token'],
    timeoutMs: connection.timeoutMs,
    retries: connection.retries,
    backoffMs: connection.backoffMs,
  });
  return {
    provider: 'rt',
    fetchTicket: (id) => fetchTicket(http, ticketNumber(id)),
    post: (id, post) => postMessage(http, ticketNumber(id), post),
    update: (id, update) => updateTicket(http, ticketNumber(id), update),
  };
}

function ticketNumber(id: string): string {
  if (/^\d{1,12}$/.test(id)) return id;
  throw new TriageError('ticket/bad-reference', `"${id}" is not a Request Tracker ticket number.`, {
    exitCode: EXIT.usage,
    hint: 'Write rt:<ticket number>, e.g. rt:123.',
  });
}

function rest(path: string): string {
  return `/REST/2.0${path}`;
}

function getTicket(http: HelpdeskHttp, id: string): Promise<RtTicket> {
  return http.request<RtTicket>({ path: rest(`/ticket/${id}`), subject: `ticket rt:${id}` }).then((r) => r.body);
}

async function fetchTicket(http: HelpdeskHttp, requestedId: string): Promise<Ticket> {
  const ticket = await getTicket(http, requestedId);
  // A merged ticket answers as the ticket it was merged into; its history is that one's.
  const id = String(ticket.id);
  const requestorIds = (ticket.Requestor ?? []).map((r) => r.id);
  const [requester, history] = await Promise.all([
    requestorIds[0] === undefined ? Promise.resolve(undefined) : getUser(http, requestorIds[0]),
    readHistory(http, id),
  ]);
  const requestors = new Set([...requestorIds, requester?.EmailAddress].filter(Boolean).map((s) => s!.toLowerCase()));
  return {
    ref: { provider: 'rt', id },
    webUrl: `${http.baseUrl}/Ticket/Display.html?id=${id}`,
    subject: ticket.Subject ?? '',
    status: ticket.Status,
    requester: { name: requester?.RealName || undefined, email: requester?.EmailAddress || requestorIds.find((name) => name.includes('@')) },
    tags: tagsField(ticket)?.values ?? [],
    messages: history.messages.flatMap(({ transaction, text }) => toMessage(transaction, text, requestors)),
    attachments: history.attachments,
  };
}

/** The message transactions with their text, and the files on them (text ones read). */
async function readHistory(http: HelpdeskHttp, id: string): Promise<{ messages: { transaction: RtTransaction; text: string }[]; attachments: TicketAttachment[] }> {
  const [transactions, parts] = await Promise.all([
    allPages<RtTransaction>(http, `/ticket/${id}/history`, { fields: 'Type,Creator,Created', 'fields[Creator]': 'Name,EmailAddress,RealName' }),
    allPages<RtPart>(http, `/ticket/${id}/attachments`, { fields: 'TransactionId,ContentType,Filename,ContentLength' }),
  ]);
  const messageTransactions = transactions.filter((t) => MESSAGE_TYPES.has(t.Type));
  const messageIds = new Set(messageTransactions.map((t) => String(t.id)));
  const bodies = messageTransactions.map((t) => bodyPart(parts, String(t.id)));
  const files = parts.filter((p) => p.Filename && messageIds.has(transactionIdOf(p)));
  const readable = [...bodies.filter((p): p is RtPart => p !== undefined), ...files.filter(isReadableText)];
  const contents = await mapLimited(readable, (part) => partContent(http, part));
  const texts = new Map(readable.map((part, index) => [part.id, contents[index]!]));
  return {
    messages: messageTransactions.map((transaction, index) => ({ transaction, text: texts.get(bodies[index]?.id ?? '') ?? '' })),
    attachments: files.map((p) => toAttachment(p, texts.get(p.id))),
  };
}

async function getUser(http: HelpdeskHttp, name: string): Promise<RtUser | undefined> {
  try {
    return (await http.request<RtUser>({ path: rest(`/user/${encodeURIComponent(name)}`), subject: `the requestor ${name}` })).body;
  } catch (error) {
    // Agents without the right to see users still get the ticket, with the requestor's address only.
    if (error instanceof TriageError && (error.code === 'helpdesk/forbidden' || error.code === 'helpdesk/not-found')) return undefined;
    throw error;
  }
}

async function allPages<T>(http: HelpdeskHttp, path: string, query: Record<string, string>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const { body } = await http.request<RtPage<T>>({ path: rest(path), query: { ...query, per_page: PER_PAGE, page } });
    items.push(...body.items);
    if (page >= body.pages) break;
  }
  return items;
}

function transactionIdOf(part: RtPart): string {
  return typeof part.TransactionId === 'object' ? String(part.TransactionId.id) : String(part.TransactionId);
}

/** The message text of a transaction: its first unnamed text/plain part, else its first unnamed HTML part. */
function bodyPart(parts: readonly RtPart[], transactionId: string): RtPart | undefined {
  const own = parts.filter((p) => transactionIdOf(p) === String(transactionId) && !p.Filename);
  return own.find((p) => p.ContentType === 'text/plain') ?? own.find((p) => p.ContentType === 'text/html');
}

function isReadableText(part: RtPart): boolean {
  const type = part.ContentType.toLowerCase();
  const textual = type.startsWith('text/') || /^application\/(json|xml|x-yaml|yaml)$/.test(type);
  return textual && Number(part.ContentLength ?? 0) <= TEXT_ATTACHMENT_LIMIT;
}

/** RT's attachment record carries its content base64-encoded. */
async function partContent(http: HelpdeskHttp, part: RtPart): Promise<string> {
  const { body } = await http.request<{ Content?: string }>({ path: rest(`/attachment/${part.id}`), subject: `attachment ${part.id}` });
  const text = Buffer.from(body.Content ?? '', 'base64').toString('utf8');
  return part.ContentType === 'text/html' && !part.Filename ? htmlToText(text) : text;
}

async function mapLimited<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONTENT_CONCURRENCY, items.length) }, worker));
  return results;
}

function toMessage(transaction: RtTransaction, content: string, requestors: ReadonlySet<string>): TicketMessage[] {
  const text = content.trimEnd();
  if (text.trim() === '') return [];
  const creator = transaction.Creator;
  const isRequestor = [creator.id, creator.Name, creator.EmailAddress].some((v) => v && requestors.has(v.toLowerCase()));
  return [
    {
      id: String(transaction.id),
      author: isRequestor ? 'requester' : creator.id === 'RT_System' ? 'system' : 'agent',
      authorName: creator.RealName || creator.Name || undefined,
      authorEmail: creator.EmailAddress || undefined,
      at: transaction.Created,
      text,
      public: transaction.Type !== 'Comment',
    },
  ];
}

function toAttachment(part: RtPart, text: string | undefined): TicketAttachment {
  return {
    id: String(part.id),
    name: part.Filename ?? '',
    contentType: part.ContentType,
    size: Number(part.ContentLength ?? 0),
    ...(text === undefined ? {} : { text }),
  };
}

function tagsField(ticket: RtTicket): RtCustomField | undefined {
  return (ticket.CustomFields ?? []).find((field) => field.name?.toLowerCase() === TAGS_FIELD);
}

async function postMessage(http: HelpdeskHttp, id: string, post: TicketPost): Promise<PostReceipt> {
  if (post.body.trim() === '') {
    throw new TriageError('helpdesk/empty-post', `Nothing to post to ticket rt:${id}: the ${post.kind} is empty.`, {
      exitCode: EXIT.usage,
      hint: `Write the ${post.kind} text first.`,
    });
  }
  const action = post.kind === 'reply' ? 'correspond' : 'comment';
  const response = await http
    .request({ method: 'POST', path: rest(`/ticket/${id}/${action}`), body: { Content: post.body, ContentType: 'text/plain' }, subject: `the ${post.kind} on ticket rt:${id}` })
    .catch((error: unknown) => rethrowMissingTicket(http, id, error));
  const transactionId = /\/transaction\/(\d+)\/?$/.exec(response.headers.get('location') ?? '')?.[1];
  if (transactionId === undefined) {
    throw new TriageError('helpdesk/bad-response', `Request Tracker at ${http.host} took the ${post.kind} on ticket rt:${id} but did not say which transaction it made.`, {
      exitCode: EXIT.checkFailed,
      hint: `Check the ticket in RT (${http.baseUrl}/Ticket/Display.html?id=${id}) before posting again.`,
    });
  }
  return { id: transactionId, at: await transactionTime(http, transactionId) };
}

/** RT answers a post to a missing ticket with 400 "could not be recorded"; say not found instead. */
async function rethrowMissingTicket(http: HelpdeskHttp, id: string, error: unknown): Promise<never> {
  if (error instanceof TriageError && error.code === 'helpdesk/rejected') await getTicket(http, id);
  throw error;
}

/** When RT recorded the transaction; the post has happened, so a failed read falls back to now. */
async function transactionTime(http: HelpdeskHttp, transactionId: string): Promise<string> {
  try {
    const { body } = await http.request<{ Created?: string }>({ path: rest(`/transaction/${transactionId}`) });
    return body.Created ?? new Date().toISOString();
  } catch {
    return new Date().toISOString();
  }
}

/** RT's name for a triage status: its default lifecycle's, or the status as given. */
function rtStatus(status: string): string {
  return RT_STATUSES[status.toLowerCase()] ?? status;
}

async function updateTicket(http: HelpdeskHttp, id: string, update: TicketUpdate): Promise<UpdateReceipt> {
  const ticket = await getTicket(http, id);
  const change: Record<string, unknown> = {};
  const status = update.status === undefined ? undefined : rtStatus(update.status);
  const receipt: UpdateReceipt = status === undefined ? {} : { status };
  if (status !== undefined && status !== ticket.Status) change.Status = status;
  const field = tagsField(ticket);
  const newTags = (update.addTags ?? []).filter((tag) => !(field?.values ?? []).includes(tag));
  if (field && newTags.length > 0) change.CustomFields = { [field.id]: [...(field.values ?? []), ...newTags] };
  if (Object.keys(change).length === 0) return receipt;
  const { body } = await http.request<unknown>({ method: 'PUT', path: rest(`/ticket/${id}`), body: change, subject: `the update of ticket rt:${id}` });
  if (status === undefined || change.Status === undefined) return receipt;
  const after = await getTicket(http, id);
  if (after.Status !== status) {
    const said = Array.isArray(body) ? body.filter((m): m is string => typeof m === 'string').join(' ') : '';
    throw new TriageError('helpdesk/rejected', `Request Tracker at ${http.host} did not set ticket rt:${id} to "${status}"${said ? `: ${said}` : ''}.`, {
      exitCode: EXIT.checkFailed,
      hint: "Use a status of the ticket's lifecycle in RT (new, open, stalled, resolved, rejected by default).",
    });
  }
  return receipt;
}
