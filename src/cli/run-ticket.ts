/**
 * The helpdesk side of `triage run --ticket`: the ticket fetched and shown before the intake, its
 * details given to the intake as if typed as flags (so nothing is asked twice), and at the outcome
 * the reply and report posted back, shown and confirmed first at a terminal.
 */
import type { ChalkInstance } from 'chalk';
import type { CaseRecord } from '../core/case-record.js';
import { EXIT, TriageError } from '../core/errors.js';
import { formatTicketRef, HELPDESK_NAMES, parseTicketRef, type HelpdeskClient, type TicketRef } from '../core/helpdesk.js';
import type { RedactionProfile } from '../core/redaction-profiles.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { mergedEnvironment, ticketSummaryLines, type TicketIntake } from '../core/ticket-intake.js';
import { fetchTicketIntake, parsePostKinds, postCaseToTicket, retryCommand, ticketPosts, type FetchedTicket, type PostSummary } from '../app/helpdesk.js';
import { configuredHelpdesks, resolveHelpdeskConnection } from '../app/helpdesk-config.js';
import type { Settings } from '../io/settings-read.js';
import { BACK, type Prompter } from '../io/prompter.js';
import type { CliContext } from './context.js';
import type { RunFlags } from './commands/run.js';

export { parseTicketRef };

export interface OpenTicket {
  readonly ref: TicketRef;
  readonly client: HelpdeskClient;
  readonly fetched: FetchedTicket;
}

/** The client for a helpdesk, from settings, credentials and the environment. */
export async function helpdeskClient(ctx: CliContext, settings: Settings, ref: TicketRef): Promise<HelpdeskClient> {
  const { connection, notice } = resolveHelpdeskConnection(ref.provider, settings, ctx.env);
  if (notice) ctx.streams.stderr.write(`${notice}\n`);
  const { createHelpdeskClient } = await import('../io/helpdesk/index.js');
  return createHelpdeskClient(ref.provider, connection);
}

/** Fetches the ticket and shows it: in full at a terminal, one line in a script. */
export async function openTicket(ctx: CliContext, settings: Settings, ref: TicketRef, show: { interactive: boolean; chalk: ChalkInstance }): Promise<OpenTicket> {
  const client = await helpdeskClient(ctx, settings, ref);
  const fetched = await fetchTicketIntake(client, ref);
  const lines = ticketSummaryLines(fetched.intake, fetched.ticket.webUrl);
  if (show.interactive) ctx.streams.stderr.write(`${show.chalk.bold(lines[0]!)}\n${lines.slice(1).join('\n')}\n\n`);
  else ctx.streams.stderr.write(`${lines[0]} (${fetched.intake.requesterMessages} customer message${fetched.intake.requesterMessages === 1 ? '' : 's'}${fetched.intake.repeatContact ? ', repeat contact' : ''})\n`);
  return { ref, client, fetched };
}

/**
 * The environment from the ticket's text attachments: offered at a terminal (the agent sees which
 * fields), attached in a script; said on stderr either way.
 */
export async function ticketEnvironment(ticket: OpenTicket, screen: { notice(text: string): void }, prompter: Prompter | undefined): Promise<Record<string, string>> {
  const { environments } = ticket.fetched.intake;
  const fields = mergedEnvironment(environments);
  const keys = Object.keys(fields);
  if (keys.length === 0) return {};
  const files = environments.map((e) => e.name).join(', ');
  if (prompter) {
    const shown = keys.length > 4 ? `${keys.slice(0, 4).join(', ')}, …` : keys.join(', ');
    const attach = await prompter.confirm(`Attach the environment from ${files} (${shown}) to the case?`, { allowBack: false, default: true });
    if (attach !== true) return {};
  }
  screen.notice(`Attached the environment from ${files} (ticket ${formatTicketRef(ticket.ref)}).`);
  return fields;
}

/** A recorded case's ticket, to post to at the end of `triage resume`: the client only, nothing fetched. */
export async function reopenTicket(ctx: CliContext, settings: Settings, ticket: { provider: TicketRef['provider']; id: string }): Promise<PostTarget | undefined> {
  const ref: TicketRef = { provider: ticket.provider, id: ticket.id };
  try {
    return { ref, client: await helpdeskClient(ctx, settings, ref) };
  } catch (error) {
    if (!(error instanceof TriageError)) throw error;
    ctx.streams.stderr.write(`Not posted to ${formatTicketRef(ref)}: ${error.message}\n`);
    return undefined;
  }
}

/**
 * The intake flags with what the ticket knows filled in; flags given on the command line win.
 * Without a person to confirm them, the ticket's signals are taken as they are; at a terminal
 * they are offered ticked (askIntake's `suggestedSignals`).
 */
export function withTicketIntake(flags: RunFlags, intake: TicketIntake, interactive: boolean): RunFlags {
  return {
    ...flags,
    ...(flags.customer === undefined && intake.customer ? { customer: intake.customer } : {}),
    ...(flags.channel === undefined && intake.channel ? { channel: intake.channel } : {}),
    ...(flags.account === undefined && intake.account ? { account: intake.account } : {}),
    ...(flags.description === undefined && intake.description ? { description: intake.description } : {}),
    ...(flags.signal === undefined && !interactive ? { signal: intake.signals.join(',') || 'none' } : {}),
  };
}

/**
 * The guided intake's first question when a helpdesk is configured; Enter skips it. A ticket that
 * cannot be fetched (a wrong number, the helpdesk down) is said, and the question asked again.
 */
export async function askForTicket(prompter: Prompter, ctx: CliContext, settings: Settings, chalk: ChalkInstance): Promise<OpenTicket | undefined> {
  for (;;) {
    const ref = await askTicketRef(prompter, ctx, settings, chalk);
    if (ref === undefined) return undefined;
    try {
      return await openTicket(ctx, settings, ref, { interactive: true, chalk });
    } catch (error) {
      if (!(error instanceof TriageError)) throw error;
      ctx.streams.stderr.write(`${chalk.yellow(error.message)}${error.hint ? `\n  ${chalk.dim(error.hint)}` : ''}\n`);
    }
  }
}

async function askTicketRef(prompter: Prompter, ctx: CliContext, settings: Settings, chalk: ChalkInstance): Promise<TicketRef | undefined> {
  const configured = configuredHelpdesks(settings, ctx.env);
  if (configured.length === 0) return undefined;
  const answer = await prompter.text(`Ticket (e.g. ${configured[0]}:123, Enter to skip)`, {
    allowBack: false,
    validate: (value) => {
      if (value.trim() === '') return undefined;
      try {
        parseTicketRef(value);
        return undefined;
      } catch (error) {
        return error instanceof TriageError ? `${error.message} ${error.hint ?? ''}`.trim() : String(error);
      }
    },
  });
  if (answer === BACK || answer.trim() === '') return undefined;
  ctx.streams.stderr.write(chalk.dim(`Fetching ${answer.trim()}…\n`));
  return parseTicketRef(answer);
}

/** `--post` and `--set-status` need a ticket and a history to record the posts in: refused before the run. */
export function checkPostFlags(flags: RunFlags, hasTicket: boolean, interactive: boolean): void {
  if (flags.post === undefined && !flags.setStatus) return;
  if (!hasTicket) {
    throw new TriageError('run/post-needs-ticket', `${flags.post !== undefined ? '--post' : '--set-status'} posts to the ticket the case came from, and no --ticket was given.`, {
      exitCode: EXIT.usage,
      hint: 'Add --ticket <helpdesk>:<number>, e.g. --ticket rt:123; a recorded case is posted with `triage handoff <case> --to rt --ticket rt:123`.',
    });
  }
  if (flags.history === false) {
    throw new TriageError('run/post-needs-history', '--post records each post on the case so nothing is posted twice, and --no-history records nothing.', {
      exitCode: EXIT.usage,
      hint: 'Leave out --no-history, or leave out --post and copy the reply yourself.',
    });
  }
  if (flags.post !== undefined) parsePostKinds(flags.post);
  if (flags.setStatus && flags.post === undefined && !interactive) {
    // A script posts nothing without --post, so the status would silently stay as it is.
    throw new TriageError('run/set-status-needs-post', '--set-status sets the ticket\'s status when the posts go out, and without --post a script posts nothing.', {
      exitCode: EXIT.usage,
      hint: 'Add --post (or --post note); a recorded case is posted and its status set with `triage handoff <case> --to <helpdesk> --set-status`.',
    });
  }
}

/** Where posts go: the ticket and a client for its helpdesk. */
export interface PostTarget {
  readonly ref: TicketRef;
  readonly client: HelpdeskClient;
}

export interface PostAtOutcome {
  readonly ticket: PostTarget;
  readonly record: CaseRecord;
  readonly flags: RunFlags;
  readonly interactive: boolean;
  readonly prompter: Prompter | undefined;
  readonly chalk: ChalkInstance;
  readonly dataDir: string;
}

/**
 * At the outcome: in a script, posts only with an explicit --post; at a terminal, shows exactly
 * what would be posted (redacted) and asks first. Every post is recorded on the case.
 */
export async function postAtOutcome(ctx: CliContext, options: PostAtOutcome): Promise<void> {
  const { ticket, record, flags, chalk } = options;
  const where = formatTicketRef(ticket.ref);
  const later = `\`${retryCommand(record.id, ticket.ref)}\``;
  if (!options.interactive && flags.post === undefined) {
    ctx.streams.stderr.write(`Nothing was posted to ${where} (add --post to post); post case ${record.id} later with ${later}.\n`);
    return;
  }
  const kinds = parsePostKinds(flags.post);
  const profile: RedactionProfile = flags.redaction ?? 'public';
  const posts = ticketPosts(record, kinds, profile);
  if (posts.length === 0) {
    ctx.streams.stderr.write(`This outcome has no reply to post to ${where}.\n`);
    return;
  }
  if (options.interactive && options.prompter) {
    for (const post of posts) {
      const title = post.kind === 'reply' ? `Public reply to ${where} (the customer receives it)` : `Internal note on ${where} (agents only; ${profile} redaction)`;
      ctx.streams.stderr.write(`\n${chalk.bold(title)}\n${chalk.dim('─'.repeat(60))}\n${sanitizeForTerminal(post.body).trimEnd()}\n${chalk.dim('─'.repeat(60))}\n`);
    }
    const what = posts.map((p) => (p.kind === 'reply' ? 'the reply' : 'the note')).join(' and ');
    const go = await options.prompter.confirm(`Post ${what} to ${HELPDESK_NAMES[ticket.ref.provider]} ticket ${where}?`, { allowBack: false, default: true });
    if (go !== true) {
      ctx.streams.stderr.write(`Not posted. Post case ${record.id} later with ${later}.\n`);
      return;
    }
  }
  const { openCaseStore } = await import('../io/case-store.js');
  const store = await openCaseStore({ dataDir: options.dataDir, env: ctx.env });
  try {
    const summary = await postCaseToTicket(
      { record, ref: ticket.ref, kinds, setStatus: Boolean(flags.setStatus), profile },
      { client: ticket.client, store, now: () => new Date() },
    );
    reportPosts(ctx, summary, where);
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** One line per post: sent now, sent before, or found on the ticket after an interrupted post. */
export function reportPosts(ctx: CliContext, summary: PostSummary, where: string): void {
  for (const result of summary.results) {
    const what = result.kind === 'reply' ? 'the reply' : 'the internal note';
    const id = result.remoteId ? ` (message ${result.remoteId})` : '';
    const line =
      result.status === 'sent'
        ? `Posted ${what} to ${where}${id}.`
        : result.status === 'already-sent'
          ? `${capitalise(what)} was already posted to ${where}${id}; not posted again.`
          : result.status === 'found'
            ? `${capitalise(what)} was already on ${where}${id}: an earlier post was interrupted after sending it; recorded, not posted again.`
            : `This case has no ${result.kind === 'reply' ? 'reply' : 'report'} to post.`;
    ctx.streams.stderr.write(`${line}\n`);
  }
  if (summary.status) ctx.streams.stderr.write(`Set ${where} to ${summary.status}.\n`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
