/**
 * What the Zendesk and Freshdesk clients share when they turn a helpdesk's JSON into a Ticket
 * and a plain-text post into what the helpdesk takes: the rule for which attachments are
 * downloaded, plain text as HTML, status names and tag lists.
 */
import { EXIT, TriageError, isTriageError } from '../../core/errors.js';
import { HELPDESK_NAMES, type HelpdeskProvider } from '../../core/helpdesk.js';
import type { HelpdeskHttp } from './http.js';

/** Text attachments under this size are downloaded (environment pastes, logs); larger ones keep their metadata only. */
export const TEXT_ATTACHMENT_MAX_BYTES = 64 * 1024;

/** Pages of comments or conversations read at most per ticket (100 per page). */
export const MAX_MESSAGE_PAGES = 20;

/** A plain-text post as the HTML Freshdesk expects: escaped, one `<br>` per line break. */
export function plainTextToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return `<div>${escaped.replace(/\r?\n/g, '<br>')}</div>`;
}

export interface AttachmentLink {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly url: string;
}

/**
 * Whether an attachment's content is downloaded: a text type, small, and on the helpdesk's own
 * origin. The download carries the helpdesk credentials, so a URL on any other host (Freshdesk's
 * S3 links, a CDN, whatever a ticket's JSON names) is never followed: the attachment keeps its
 * name, type and size without the text.
 */
export function isDownloadableText(attachment: AttachmentLink, baseUrl: string): boolean {
  return (
    /^text\//i.test(attachment.contentType) &&
    attachment.size >= 0 &&
    attachment.size < TEXT_ATTACHMENT_MAX_BYTES &&
    isSameOrigin(attachment.url, baseUrl)
  );
}

/**
 * The contents of the downloadable text attachments, by attachment id. The text is a bonus to
 * the ticket: a download that fails (a deleted file, a redirect to file storage on another host,
 * which is not followed for the reason above) leaves that attachment with its metadata only.
 */
export async function downloadTextAttachments(http: HelpdeskHttp, attachments: readonly AttachmentLink[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const attachment of attachments.filter((a) => isDownloadableText(a, http.baseUrl))) {
    try {
      const response = await http.request<string>({ path: attachment.url, responseType: 'text', subject: `attachment ${attachment.name}` });
      texts.set(attachment.id, response.body.slice(0, TEXT_ATTACHMENT_MAX_BYTES));
    } catch (error) {
      if (!isTriageError(error)) throw error;
    }
  }
  return texts;
}

export function isSameOrigin(url: string, baseUrl: string): boolean {
  try {
    return new URL(url).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

/** `{ [key]: value }` when the helpdesk gave a value, `{}` for null, undefined or empty: optional Ticket fields stay absent. */
export function optional<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return value === null || value === undefined || value === '' ? {} : ({ [key]: value } as { [P in K]: V });
}

/** The tags after adding `add` to `existing`: existing order kept, no duplicates. */
export function mergeTags(existing: readonly string[], add: readonly string[]): string[] {
  return [...new Set([...existing, ...add])];
}

/**
 * The helpdesk's status value for a status triage asks for (`solved`, `pending`, `open`, or one
 * of the helpdesk's own names); anything else is a usage error that lists what is accepted.
 */
export function helpdeskStatus<T>(provider: HelpdeskProvider, status: string, statuses: Readonly<Record<string, T>>): T {
  const key = status.trim().toLowerCase();
  if (Object.hasOwn(statuses, key)) return statuses[key]!;
  throw new TriageError('helpdesk/bad-status', `"${status}" is not a status ${HELPDESK_NAMES[provider]} tickets can be set to.`, {
    exitCode: EXIT.usage,
    hint: `Use one of: ${Object.keys(statuses).join(', ')}.`,
  });
}

/** A date from the helpdesk as ISO 8601 (Zendesk and Freshdesk send ISO already; this normalises the form). */
export function isoDate(value: string | undefined | null): string {
  if (!value) return '';
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

/**
 * The helpdesk took a post but its answer did not name the new message: posting again could
 * reach the customer twice, so the agent is sent to look first.
 */
export function noReceiptError(provider: HelpdeskProvider, ticketId: string, kind: 'reply' | 'note', webUrl: string): TriageError {
  const what = kind === 'reply' ? 'reply' : 'internal note';
  return new TriageError('helpdesk/no-receipt', `${HELPDESK_NAMES[provider]} took the ${what} for ticket ${provider}:${ticketId} but its answer did not name the new message.`, {
    exitCode: EXIT.checkFailed,
    hint: `Open ${webUrl} to see whether the ${what} is there before posting again.`,
  });
}

/** The ticket number as it goes into a URL path: digits only, anything else is a usage error. */
export function ticketNumber(provider: HelpdeskProvider, id: string): string {
  if (/^\d{1,12}$/.test(id)) return id;
  throw new TriageError('ticket/bad-reference', `"${id}" is not a ${HELPDESK_NAMES[provider]} ticket number.`, {
    exitCode: EXIT.usage,
    hint: `Write ${provider}:<ticket number>, e.g. ${provider}:123.`,
  });
}
