/** `triage handoff [case] --to github|gitlab|jira`: a finished case, straight into a tracker. */
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { examples, writeErr, writeOut, runs } from './shared.js';
import { formatTicketRef, HELPDESK_NAMES, HELPDESK_PROVIDERS, parseTicketRef, type HelpdeskProvider } from '../../core/helpdesk.js';

interface HandoffFlags {
  to: 'github' | 'gitlab' | 'jira' | HelpdeskProvider;
  /** Helpdesks: the ticket, when the case did not come from one (`rt:123`). */
  ticket?: string;
  /** Helpdesks: reply, note or both (true: both). */
  post?: string | true;
  setStatus?: boolean;
  repo?: string;
  project?: string;
  issueType: string;
  submit?: boolean;
  url?: boolean;
  body?: boolean;
  copy?: boolean;
  redaction?: 'internal' | 'public';
}

export function registerHandoffCommand(program: Command, ctx: CliContext): void {
  examples(
    program
      .command('handoff')
      .description('hand a finished case to GitHub, GitLab or Jira (the gh/glab command, a prefilled issue link, a Jira payload), or post it to its helpdesk ticket')
      .argument('[case]', 'case id or unique prefix (default: the latest finished case)')
      .addOption(new Option('--to <tracker>', 'where the report goes').choices(['github', 'gitlab', 'jira', ...HELPDESK_PROVIDERS]).makeOptionMandatory())
      .option('--ticket <ref>', 'rt, zendesk, freshdesk: the ticket to post to (default: the ticket the case came from)')
      .option('--post [what]', 'rt, zendesk, freshdesk: reply (public), note (internal) or both (default both)')
      .option('--set-status', 'rt, zendesk, freshdesk: also set the ticket status and tags by outcome')
      .option('--repo <repo>', 'GitHub owner/name or GitLab group/project (or the URL of a self-hosted one)')
      .option('--submit', 'create the issue now with gh or glab and print its URL')
      .option('--url', 'print a prefilled new-issue link even when gh or glab is installed')
      .option('--project <key>', 'Jira project key, e.g. SUP')
      .option('--issue-type <type>', 'Jira issue type', 'Bug')
      .option('--body', 'print only the issue body in the tracker\'s format (records nothing)')
      .option('--copy', 'also copy the issue body to the clipboard')
      .addOption(new Option('--redaction <profile>', 'internal keeps account id and emails; public tokenises personal data (default: internal for jira, public for github/gitlab)').choices(['internal', 'public']))
      .addHelpText('after', '\nThe hand-off is recorded in the case history (`triage cases show <case>`). See docs/handoff.md and, for helpdesks, docs/helpdesk.md.'),
    [
      'triage handoff --to github --repo acme/web-app',
      'triage handoff TRI-20261127-7F3A --to github --submit',
      'triage handoff --to gitlab --repo acme/support/web-app --url --copy',
      'triage handoff TRI-20261127-7F3A --to rt',
      "triage handoff --to jira --project SUP | curl -u \"$JIRA_USER:$JIRA_TOKEN\" -H 'Content-Type: application/json' --data @- https://acme.atlassian.net/rest/api/2/issue",
    ],
  ).action(runs(async (caseId: string | undefined, flags: HandoffFlags) => {
    if (isHelpdesk(flags.to)) return handOffToHelpdesk(ctx, caseId, { ...flags, to: flags.to });
    const to = flags.to;
    const { handOff } = await import('../../app/handoff.js');
    const { withCaseStore } = await import('../../app/cases.js');
    const { findOnPath } = await import('../../io/probes.js');
    const { runTrackerCli } = await import('../../io/tracker-cli.js');
    const result = await withCaseStore({ env: ctx.env, nowMs: Date.now() }, (store) =>
      handOff(
        {
          to,
          caseId,
          repo: flags.repo,
          project: flags.project,
          issueType: flags.issueType,
          submit: flags.submit,
          preferUrl: flags.url,
          bodyOnly: flags.body,
          ...(flags.redaction ? { redaction: flags.redaction } : {}),
        },
        { store, findTool: (name) => findOnPath(name, ctx.env), runTool: runTrackerCli, now: () => new Date(), cwd: ctx.cwd, env: ctx.env },
      ),
    );
    writeErr(ctx, `Redaction: ${(await import('../../core/redaction-profiles.js')).describeProfile(result.profile)} (--redaction internal|public).`);
    if (result.fullText) {
      // Over the tracker's limit: the body has shortened values; the whole report goes beside it.
      const { writeFileSync } = await import('node:fs');
      const { resolve } = await import('node:path');
      writeFileSync(resolve(ctx.cwd, result.fullText.name), result.fullText.text);
      const fields = result.fullText.shortened.map((s) => `${s.field} (${s.length.toLocaleString('en-US')} characters)`).join(', ');
      writeErr(ctx, `The report is longer than ${flags.to} accepts, so the body shortens ${fields}. The full report is in ${result.fullText.name}: attach it to the issue.`);
    }
    const what = flags.to === 'jira' ? 'the report (Jira wiki markup)' : 'the report';
    const copied = flags.copy ? await (await import('../copy-output.js')).copyWithNotice(ctx, result.body, what) : false;

    switch (result.kind) {
      case 'body':
        writeOut(ctx, result.body);
        break;
      case 'command':
        writeOut(ctx, result.command);
        writeErr(ctx, `${result.tool} is installed: run the command above to create the issue, or add --submit to let triage run it.`);
        break;
      case 'submitted':
        writeOut(ctx, result.url ?? result.output);
        if (result.url === undefined) writeErr(ctx, `${result.tool} did not print the issue's URL; its output is above.`);
        break;
      case 'url':
        writeOut(ctx, result.url);
        if (result.toolMissing) writeErr(ctx, `${result.toolMissing} is not on the PATH, so here is a link that opens a prefilled issue.`);
        if (!result.bodyIncluded) {
          writeErr(
            ctx,
            `The report is too long for a link (${result.fullLength} characters; browsers refuse about 8000), so the link fills in the title and labels only: open it and paste the report as the body${copied ? ' (it is on the clipboard)' : ' (printed below)'}.`,
          );
          if (!copied) writeOut(ctx, `\n${result.body}`);
        }
        break;
      case 'jira':
        writeOut(ctx, result.payload);
        writeErr(ctx, "POST it to Jira: … | curl -u \"$JIRA_USER:$JIRA_TOKEN\" -H 'Content-Type: application/json' --data @- https://<your-site>/rest/api/2/issue");
        break;
    }
    if (result.recordWarning) writeErr(ctx, result.recordWarning);
    else if (result.kind !== 'body') writeErr(ctx, `Recorded the hand-off to ${flags.to} in case ${result.caseId}.`);
    return 0;
  }));
}

function isHelpdesk(to: string): to is HelpdeskProvider {
  return (HELPDESK_PROVIDERS as readonly string[]).includes(to);
}

/**
 * `handoff <case> --to rt`: posts a recorded case to its ticket (or --ticket's), each post at most
 * once: a retry after a failure sends only what did not arrive.
 */
async function handOffToHelpdesk(ctx: CliContext, caseId: string | undefined, flags: HandoffFlags & { to: HelpdeskProvider }): Promise<number> {
  const { caseToHandOff } = await import('../../app/handoff.js');
  const { parsePostKinds, postCaseToTicket } = await import('../../app/helpdesk.js');
  const { TriageError, EXIT } = await import('../../core/errors.js');
  const { helpdeskClient, reportPosts } = await import('../run-ticket.js');
  const { readSettingsFast } = await import('../../io/settings-read.js');
  const { withCaseStore } = await import('../../app/cases.js');
  const kinds = parsePostKinds(flags.post);
  const given = flags.ticket === undefined ? undefined : parseTicketRef(flags.ticket);
  if (given && given.provider !== flags.to) {
    throw new TriageError('handoff/ticket-mismatch', `--ticket ${flags.ticket} is a ${HELPDESK_NAMES[given.provider]} ticket, and --to says ${flags.to}.`, {
      exitCode: EXIT.usage,
      hint: `Use --to ${given.provider}, or a ${flags.to}:<number> ticket.`,
    });
  }
  const { settings } = readSettingsFast(ctx.env);
  return withCaseStore({ env: ctx.env, nowMs: Date.now() }, async (store) => {
    const record = await caseToHandOff(store, caseId);
    const ref = given ?? (record.ticket?.provider === flags.to ? { provider: flags.to, id: record.ticket.id } : undefined);
    if (ref === undefined) {
      throw new TriageError('handoff/no-ticket', `Case ${record.id} did not come from a ${HELPDESK_NAMES[flags.to]} ticket${record.ticket ? ` (it came from ${formatTicketRef(record.ticket)})` : ''}.`, {
        exitCode: EXIT.usage,
        hint: `Name the ticket: \`triage handoff ${record.id} --to ${flags.to} --ticket ${flags.to}:<number>\`.`,
      });
    }
    const client = await helpdeskClient(ctx, settings, ref);
    const summary = await postCaseToTicket(
      { record, ref, kinds, setStatus: Boolean(flags.setStatus), ...(flags.redaction ? { profile: flags.redaction } : {}) },
      { client, store, now: () => new Date() },
    );
    reportPosts(ctx, summary, formatTicketRef(ref));
    return 0;
  });
}
