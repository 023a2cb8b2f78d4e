/**
 * A fetched ticket read as the intake's answers, so nothing the helpdesk already knows is asked
 * again: the requester's name and email, the channel, the problem in the customer's words (their
 * first message; the subject when it is empty), the account, the customer signals (repeat contact
 * from the requester's REPEAT_CONTACT_MESSAGES-th message on, plus what their words show), the
 * customer's later messages (shown to the agent), and text attachments that read as an
 * environment paste.
 */
import { parsePastedEnvironment } from './env-paste.js';
import { REPEAT_CONTACT_MESSAGES, formatTicketRef, type Ticket, type TicketAttachment, type TicketMessage } from './helpdesk.js';
import type { Channel } from './model.js';
import { detectSignals, SIGNALS, type Signal } from './signals.js';
import { sanitizeForTerminal } from './terminal-text.js';

export interface TicketEnvironment {
  /** The attachment's file name, for the agent to recognise it. */
  readonly name: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface TicketIntake {
  /** `rt:123`. */
  readonly ref: string;
  readonly subject: string;
  /** The requester's name; their email when the helpdesk has no name. */
  readonly customer?: string;
  readonly email?: string;
  readonly channel?: Channel;
  /** The customer's account id, else their email: what the intake's "Account" question asks. */
  readonly account?: string;
  readonly description: string;
  /** The requester's public messages after the first, oldest first: shown, not part of the description. */
  readonly laterMessages: readonly TicketMessage[];
  /** How many public messages the requester has written on the ticket. */
  readonly requesterMessages: number;
  readonly repeatContact: boolean;
  /** Repeat contact when the ticket shows it, and the signals the customer's words show. */
  readonly signals: readonly Signal[];
  /** Text attachments that parse as an environment (a `triage env` output, envinfo, a User-Agent). */
  readonly environments: readonly TicketEnvironment[];
}

/** Attachments whose text is worth reading as an environment paste. */
const TEXT_TYPES = /^(?:text\/|application\/(?:json|x-yaml|yaml)$)/i;
const TEXT_NAMES = /\.(?:txt|log|json|ya?ml|md|env)$/i;

export function ticketIntake(ticket: Ticket): TicketIntake {
  const fromRequester = ticket.messages.filter((m) => m.author === 'requester' && m.public);
  const [first, ...later] = fromRequester;
  const clean = (text: string | undefined): string | undefined => {
    const value = text === undefined ? undefined : sanitizeForTerminal(text).trim();
    return value ? value : undefined;
  };
  const subject = clean(ticket.subject) ?? '';
  const description = clean(first?.text) ?? subject;
  const name = clean(ticket.requester.name) ?? clean(first?.authorName);
  const email = clean(ticket.requester.email) ?? clean(first?.authorEmail);
  const account = clean(ticket.account) ?? email;
  const repeatContact = fromRequester.length >= REPEAT_CONTACT_MESSAGES;
  // The customer's own words across all their messages: a later "still broken" counts too.
  const words = [description, ...later.map((m) => m.text)].join('\n\n');
  const detected = new Set<Signal>(detectSignals(words).map((d) => d.signal));
  if (repeatContact) detected.add('repeat-contact');
  const customer = name ?? email;
  return {
    ref: formatTicketRef(ticket.ref),
    subject,
    ...(customer ? { customer } : {}),
    ...(email ? { email } : {}),
    ...(ticket.channel ? { channel: ticket.channel } : {}),
    ...(account ? { account } : {}),
    description,
    laterMessages: later,
    requesterMessages: fromRequester.length,
    repeatContact,
    signals: SIGNALS.filter((s) => detected.has(s)),
    environments: ticket.attachments.flatMap((a) => environmentOf(a)),
  };
}

function environmentOf(attachment: TicketAttachment): TicketEnvironment[] {
  if (attachment.text === undefined || !(TEXT_TYPES.test(attachment.contentType) || TEXT_NAMES.test(attachment.name))) return [];
  const fields = parsePastedEnvironment(attachment.text);
  return Object.keys(fields).length === 0 ? [] : [{ name: sanitizeForTerminal(attachment.name), fields }];
}

/** Every environment attachment's fields in one set; a later attachment wins on a shared key. */
export function mergedEnvironment(environments: readonly TicketEnvironment[]): Record<string, string> {
  return Object.assign({}, ...environments.map((e) => e.fields)) as Record<string, string>;
}

/** Ticket lines for the agent before the intake: where it is from and what the customer added later. */
export function ticketSummaryLines(intake: TicketIntake, webUrl?: string): string[] {
  const who = [intake.customer, intake.email && intake.email !== intake.customer ? `<${intake.email}>` : undefined].filter(Boolean).join(' ');
  return [
    `Ticket ${intake.ref}: ${intake.subject || '(no subject)'}`,
    ...(webUrl ? [`  ${webUrl}`] : []),
    ...(who ? [`  From: ${who}${intake.channel ? ` by ${intake.channel}` : ''}`] : []),
    `  Customer messages: ${intake.requesterMessages}${intake.repeatContact ? ' (repeat contact)' : ''}`,
    ...intake.environments.map((e) => `  Environment attachment: ${e.name} (${Object.keys(e.fields).length} fields)`),
    ...intake.laterMessages.flatMap((m, i) => [`  Later message ${i + 1} (${m.at.slice(0, 16).replace('T', ' ')}):`, ...indent(sanitizeForTerminal(m.text).trim())]),
  ];
}

function indent(text: string): string[] {
  return text.split('\n').map((line) => `    ${line}`.trimEnd());
}
