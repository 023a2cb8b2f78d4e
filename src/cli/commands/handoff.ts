/** `triage handoff [case] --to github|gitlab|jira`: a finished case, straight into a tracker. */
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { examples, writeErr, writeOut, runs } from './shared.js';

interface HandoffFlags {
  to: 'github' | 'gitlab' | 'jira';
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
      .description('hand a finished case to GitHub, GitLab or Jira: the gh/glab command, a prefilled issue link, or a Jira payload')
      .argument('[case]', 'case id or unique prefix (default: the latest finished case)')
      .addOption(new Option('--to <tracker>', 'where the report goes').choices(['github', 'gitlab', 'jira']).makeOptionMandatory())
      .option('--repo <repo>', 'GitHub owner/name or GitLab group/project (or the URL of a self-hosted one)')
      .option('--submit', 'create the issue now with gh or glab and print its URL')
      .option('--url', 'print a prefilled new-issue link even when gh or glab is installed')
      .option('--project <key>', 'Jira project key, e.g. SUP')
      .option('--issue-type <type>', 'Jira issue type', 'Bug')
      .option('--body', 'print only the issue body in the tracker\'s format (records nothing)')
      .option('--copy', 'also copy the issue body to the clipboard')
      .addOption(new Option('--redaction <profile>', 'internal keeps account id and emails; public tokenises personal data (default: internal for jira, public for github/gitlab)').choices(['internal', 'public']))
      .addHelpText('after', '\nThe hand-off is recorded in the case history (`triage cases show <case>`). See docs/handoff.md.'),
    [
      'triage handoff --to github --repo acme/web-app',
      'triage handoff TRI-20261127-7F3A --to github --submit',
      'triage handoff --to gitlab --repo acme/support/web-app --url --copy',
      "triage handoff --to jira --project SUP | curl -u \"$JIRA_USER:$JIRA_TOKEN\" -H 'Content-Type: application/json' --data @- https://acme.atlassian.net/rest/api/2/issue",
    ],
  ).action(runs(async (caseId: string | undefined, flags: HandoffFlags) => {
    const { handOff } = await import('../../app/handoff.js');
    const { withCaseStore } = await import('../../app/cases.js');
    const { findOnPath } = await import('../../io/probes.js');
    const { runTrackerCli } = await import('../../io/tracker-cli.js');
    const result = await withCaseStore({ env: ctx.env, nowMs: Date.now() }, (store) =>
      handOff(
        {
          to: flags.to,
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
